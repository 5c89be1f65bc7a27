"""A new mentee's first stipend request never defaults to a one-day period: the form
suggests the time since the mentorship started, and on its first day (nothing worked
yet) the page says when to come back instead of offering "2 Dec - 2 Dec"."""

from datetime import timedelta

import pytest
from django.urls import reverse

from matching.models import MentorshipSource
from matching.services import mentorships as services

from .helpers import signed_in, text, today

pytestmark = pytest.mark.django_db


def started(grace, ada, days_ago: int):
    return services.mentorship_create(mentor=grace, mentee=ada,
                                      source=MentorshipSource.ORGANIZER,
                                      start_date=today() - timedelta(days=days_ago))


def test_the_first_request_covers_the_time_since_the_mentorship_started(grace, ada):
    m = started(grace, ada, days_ago=12)
    page = signed_in(ada.user).get(reverse("stipend_new", args=[m.pk]))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["period_start"] == m.start_date
    assert form.initial["period_end"] == today()


def test_on_the_first_day_it_says_there_is_nothing_to_claim_yet(grace, ada):
    m = started(grace, ada, days_ago=0)
    page = signed_in(ada.user).get(reverse("stipend_new", args=[m.pk]))
    assert page.status_code == 200
    assert page.context.get("form") is None
    assert "There's nothing to claim yet" in text(page)
    assert 'name="period_start"' not in page.content.decode()


def test_a_request_for_the_first_day_can_still_be_sent(grace, ada):
    """Nothing is refused: someone who worked on day one and posts the form is heard."""
    m = started(grace, ada, days_ago=0)
    page = signed_in(ada.user).post(reverse("stipend_new", args=[m.pk]), {
        "period_start": today().isoformat(), "period_end": today().isoformat(),
        "hours": "2", "rate": "30", "justification": "Rent.",
        "bank-holder_name": "Ada Lovelace", "bank-kind": "iban",
        "bank-iban": "DE89370400440532013000"})
    assert page.status_code == 302, text(page)[:500]
