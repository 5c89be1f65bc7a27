"""The first call's terms in a cohort (issue 19): the form speaks of the program's phases
and, when they carry grants, asks nobody whether the scholar needs a stipend (every scholar
requests their grant per phase); a rolling program keeps both as they were."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from matching.forms.common import date_text
from matching.models import Mentorship, Phase

from .cohort_phase_fixtures import phase_scenario
from .helpers import text, today

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def terms_page(m):
    return text(signed_in(m.mentee.user).get(reverse("mentorship_terms", args=[m.pk])))


def test_a_program_paying_grants_asks_no_stipend_question():
    s = phase_scenario()
    m = s.mentorships[0]
    assert 'name="needs_stipend"' in terms_page(m)  # phases, but no grant yet
    Phase.objects.filter(pk=s.training.pk).update(grant=1000)
    assert s.program.pays_grants()
    html = terms_page(m)
    assert 'name="needs_stipend"' not in html
    assert "an hour to mentees" not in html


def test_the_planned_end_suggested_is_the_end_of_the_phases():
    s = phase_scenario()
    html = terms_page(s.mentorships[0])
    assert f"Suggested: the end of the program's phases, {date_text(s.research.ends_on)}." \
        in html
    assert "months after the start" not in html


def test_terms_saved_without_the_stipend_question_keep_what_was_recorded():
    s = phase_scenario()
    Phase.objects.filter(pk=s.training.pk).update(grant=1000)
    m = s.mentorships[0]
    Mentorship.objects.filter(pk=m.pk).update(needs_stipend=True)
    end = today() + timedelta(days=50)
    response = signed_in(m.mentor.user).post(reverse("mentorship_terms", args=[m.pk]), {
        "focus": "A research sprint", "hours_per_week": "40", "meeting_every_weeks": "1",
        "meeting_minutes": "60", "planned_end_date": end.isoformat()})
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.terms_recorded, m.hours_per_week, m.planned_end_date, m.needs_stipend) == (
        True, 40, end, True)
