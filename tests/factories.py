import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from matching.models import (
    MenteeApplication,
    MentorApplication,
    Program,
    ResearchArea,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.django.Password("a-long-test-password-42")

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"primary": True, "verified": True}
            )


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")


class ResearchAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResearchArea
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")


class MenteeApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenteeApplication

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(lambda o: o.user.name)
    email = factory.LazyAttribute(lambda o: o.user.email)
    timezone = "Europe/Berlin"
    occupation = "masters"
    hours_per_week = 8
    goals = "Learn interpretability."
    fulltime_intent = "yes"


class MentorApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MentorApplication

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    name = factory.LazyAttribute(lambda o: o.user.name)
    email = factory.LazyAttribute(lambda o: o.user.email)
    timezone = "America/New_York"
    position = "phd"
    capacity = 2
    minutes_per_week = 60
    involvement = "balanced"
    creative_control = "shared"
