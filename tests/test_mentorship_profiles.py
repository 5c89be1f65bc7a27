"""After a match each side sees who the other is, from their application: enough to
judge fit and prepare a first call, never funding, conflicts or organizers' notes."""

import pytest
from django.urls import reverse

from matching.models import MentorshipSource
from matching.services.mentorships import mentorship_create

from .helpers import signed_in
from .matching_helpers import accepted_mentee, accepted_mentor

pytestmark = pytest.mark.django_db


def page_as(user, m) -> str:
    response = signed_in(user).get(reverse("mentorship_detail", args=[m.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def matched(program):
    mentor = accepted_mentor(
        program, "Ines Interp", areas=("Interpretability", "Evals"), organization="Lab X",
        style_notes="I like a weekly written update.", conflicts="PRIVATE-MENTOR-CONFLICT",
        organizer_notes="PRIVATE-MENTOR-NOTE")
    mentee = accepted_mentee(
        program, "Ada A", areas=("Evals",), goals="Replicate an evals paper.",
        github_url="https://github.com/ada-a", funding_reason="PRIVATE-FUNDING-REASON",
        needs_funding=True, conflicts="PRIVATE-MENTEE-CONFLICT",
        organizer_notes="PRIVATE-MENTEE-NOTE", key_uncertainties="PRIVATE-UNCERTAINTY")
    return mentorship_create(mentor=mentor, mentee=mentee,
                             source=MentorshipSource.ORGANIZER)


def test_the_mentor_sees_what_the_matched_mentee_applied_with(matched):
    html = page_as(matched.mentor.user, matched)
    assert "Replicate an evals paper." in html
    assert 'href="https://github.com/ada-a"' in html
    assert "Europe/Berlin" in html and ">Evals</span>" in html
    for private in ("PRIVATE-FUNDING-REASON", "PRIVATE-MENTEE-CONFLICT",
                    "PRIVATE-MENTEE-NOTE", "PRIVATE-UNCERTAINTY", "PRIVATE-MENTOR"):
        assert private not in html


def test_the_mentee_sees_who_their_mentor_is_and_how_they_work(matched):
    html = page_as(matched.mentee.user, matched)
    assert "Lab X" in html
    assert "I like a weekly written update." in html
    assert ">Interpretability</span>" in html
    for private in ("PRIVATE-MENTOR-CONFLICT", "PRIVATE-MENTOR-NOTE", "PRIVATE-MENTEE",
                    "PRIVATE-FUNDING-REASON"):
        assert private not in html


def test_a_mentor_who_only_invited_someone_sees_none_of_their_application(matched, program):
    from matching.services.mentorships import invitation_decline, mentorship_invite

    other_mentor = accepted_mentor(program, "Olga Other", capacity=2)
    invited = mentorship_invite(mentor=other_mentor, name="Ada",
                                email=matched.mentee.user.email,
                                start_date=matched.start_date)
    # Typing an address must not show that person's answers, nor that they applied.
    html = page_as(other_mentor.user, invited)
    assert "Replicate an evals paper." not in html and "github.com/ada-a" not in html
    invitation_decline(mentorship=invited)
    assert "Replicate an evals paper." not in page_as(other_mentor.user, invited)


def test_an_erased_persons_kept_answers_are_not_shown_to_the_other_side(matched):
    from mm_program.privacy.services import person_erase

    from .factories import UserFactory

    person_erase(user=matched.mentee.user,
                 by=UserFactory(is_staff=True, is_superuser=True))
    html = page_as(matched.mentor.user, matched)
    # Erasure keeps occupation, hours and time zone for the figures, not for the page.
    assert "Europe/Berlin" not in html and "Hours a week" not in html
