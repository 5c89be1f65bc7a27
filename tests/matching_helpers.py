"""Accepted mentors and mentees with matching profiles, for the matching-run tests."""

from matching.models import ApplicationStatus, Mentee, Mentor, ResearchArea

from .factories import MenteeApplicationFactory, MentorApplicationFactory


def _areas(names):
    return [
        ResearchArea.objects.get_or_create(name=name, defaults={"slug": f"t-{name.lower()}"})[0]
        for name in names
    ]


def accepted_mentor(program, name, *, capacity=1, areas=("Interpretability",),
                    tz="Europe/Berlin", **answers) -> Mentor:
    email = f"{name.lower().replace(' ', '.')}@mentors.example.org"
    app = MentorApplicationFactory(
        program=program, name=name, user__name=name, user__email=email,
        status=ApplicationStatus.ACCEPTED, timezone=tz, capacity=capacity, **answers,
    )
    app.research_areas.set(_areas(areas))
    return Mentor.objects.create(program=program, user=app.user, application=app,
                                 capacity=capacity)


def accepted_mentee(program, name, *, areas=("Interpretability",), tz="Europe/Berlin",
                    hours=8, preferred=(), **answers) -> Mentee:
    email = f"{name.lower().replace(' ', '.')}@mentees.example.org"
    app = MenteeApplicationFactory(
        program=program, name=name, user__name=name, user__email=email,
        status=ApplicationStatus.ACCEPTED, timezone=tz, hours_per_week=hours, **answers,
    )
    app.research_areas.set(_areas(areas))
    app.preferred_mentors.set(preferred)
    return Mentee.objects.create(program=program, user=app.user, application=app)
