"""A ticked choice whose id is too large for the database (a hand-made post) is refused
like any unknown choice, with the field's message. On SQLite the lookup raised
OverflowError, a server error; found by tests/test_fuzz_participant_forms.py."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import MenteeApplication, MentorshipSource
from matching.services.mentorships import mentorship_create

from .factories import MenteeFactory, MentorFactory

pytestmark = pytest.mark.django_db

TOO_LARGE = "9" * 25  # past a 64-bit id


def test_it_refuses_an_oversized_research_area_id_on_the_interest_form(client, program,
                                                                       mentee_data):
    data = {**mentee_data, "research_areas": [mentee_data["research_areas"][0], TOO_LARGE]}
    page = client.post(reverse("apply", args=["mentee"]), data)
    assert page.status_code == 400
    assert f"Select a valid choice. {TOO_LARGE} is not one of the available choices." \
        in page.content.decode()
    assert not MenteeApplication.objects.exists()


def test_it_refuses_an_oversized_mentor_id_on_the_interest_form(client, program,
                                                                mentee_data):
    page = client.post(reverse("apply", args=["mentee"]),
                       {**mentee_data, "preferred_mentors": [TOO_LARGE]})
    assert page.status_code == 400
    assert not MenteeApplication.objects.exists()


def test_it_refuses_an_oversized_focus_area_id_on_the_terms_form(client, program, areas):
    grace = MentorFactory(program=program)
    m = mentorship_create(mentor=grace, mentee=MenteeFactory(program=program),
                          source=MentorshipSource.ORGANIZER,
                          start_date=timezone.localdate() - timedelta(days=7))
    client.force_login(grace.user)
    page = client.post(reverse("mentorship_terms", args=[m.pk]), {
        "focus_areas": [TOO_LARGE], "focus": "", "hours_per_week": "8",
        "meeting_every_weeks": "2", "meeting_minutes": "45",
        "planned_end_date": (m.start_date + timedelta(days=90)).isoformat()})
    assert page.status_code == 400
    assert "is not one of the available choices" in page.content.decode()
    m.refresh_from_db()
    assert m.terms_recorded_at is None
