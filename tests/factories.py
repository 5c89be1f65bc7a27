import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from matching.models import (
    LIVE_STATUSES,
    MeetingLog,
    Mentee,
    MenteeApplication,
    Mentor,
    MentorApplication,
    Mentorship,
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


class MentorFactory(factory.django.DjangoModelFactory):
    """An accepted mentor, with the accepted application matching reads."""

    class Meta:
        model = Mentor

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    capacity = 2
    application = factory.SubFactory(
        MentorApplicationFactory, program=factory.SelfAttribute("..program"),
        user=factory.SelfAttribute("..user"), capacity=factory.SelfAttribute("..capacity"),
        status="accepted",
    )


class MenteeFactory(factory.django.DjangoModelFactory):
    """An accepted mentee, ready to be matched."""

    class Meta:
        model = Mentee

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    application = factory.SubFactory(
        MenteeApplicationFactory, program=factory.SelfAttribute("..program"),
        user=factory.SelfAttribute("..user"), status="accepted",
    )


class MentorshipFactory(factory.django.DjangoModelFactory):
    """A mentorship row written directly, for fixtures: real code goes through
    ``matching.services.mentorships``, which checks capacity and status moves."""

    class Meta:
        model = Mentorship

    program = factory.SubFactory(ProgramFactory)
    mentor = factory.SubFactory(MentorFactory, program=factory.SelfAttribute("..program"))
    mentee = factory.SubFactory(MenteeFactory, program=factory.SelfAttribute("..program"))
    source = "organizer"
    status = "active"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The database refuses a live mentorship beyond the mentor's capacity (a trigger):
        # a fixture that piles mentees on one mentor makes room first, as an organizer
        # raising the capacity would.
        mentor = kwargs["mentor"]
        if kwargs.get("status", "active") in LIVE_STATUSES:
            taken = Mentorship.objects.filter(mentor=mentor, status__in=LIVE_STATUSES).count()
            if taken >= mentor.capacity:
                mentor.capacity = taken + 1
                mentor.save(update_fields=["capacity"])
        return super()._create(model_class, *args, **kwargs)


class MeetingLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingLog

    mentorship = factory.SubFactory(MentorshipFactory)
    date = factory.LazyAttribute(lambda o: o.mentorship.start_date)
    minutes = 45
    on_track = "yes"
    logged_by = factory.LazyAttribute(lambda o: o.mentorship.mentor.user)
