"""After a match each side sees who the other is, from their application: enough to
judge fit and prepare a first call, never funding, conflicts or organizers' notes."""

import pytest
from django.test import Client
from django.urls import reverse

from matching.models import MentorshipSource
from matching.services.mentorships import mentorship_create

from .matching_helpers import accepted_mentee, accepted_mentor

pytestmark = pytest.mark.django_db


def page_as(user, m) -> str:
    browser = Client()
    browser.force_login(user)
    response = browser.get(reverse("mentorship_detail", args=[m.pk]))
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
