"""The mentee's final survey fills in the hours they put in from their own stipend
requests (issue 18: never ask what the app knows), says where the number came from, and
keeps whatever the mentee answers instead."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from payments.models import StipendRequest
from surveys.known_answers import HOURS_NOTE
from surveys.tokens import survey_token

from .factories import ProgramFactory
from .surveys_helpers import MENTEE_FINAL_OK, completed, invitation

pytestmark = pytest.mark.django_db


def request(m, payee, hours: str, status: str) -> None:
    StipendRequest.objects.create(
        program=m.program, mentorship=m, payee=payee, payee_role="mentee",
        period_start=date(2026, 1, 1), period_end=date(2026, 1, 31), hours=Decimal(hours),
        rate=Decimal("30.00"), amount=Decimal(hours) * 30, currency="USD",
        justification="x", status=status, decided_at=timezone.now(),
        rejection_reason="no" if status == "rejected" else "",
        **({"paid_on": date(2026, 2, 1), "paid_at": timezone.now(),
            "payment_reference": f"T-{hours}"} if status == "paid" else {}))


def hours_input(html: str) -> str:
    start = html.index('name="q-hours_total"')
    return html[html.rindex("<input", 0, start):html.index(">", start)]


@pytest.fixture
def m():
    return completed(ProgramFactory())


def test_the_hours_are_filled_in_from_the_requests_not_rejected_ones(client, m):
    request(m, m.mentee.user, "24.25", "paid")
    request(m, m.mentee.user, "20", "submitted")
    request(m, m.mentee.user, "30", "rejected")
    request(m, m.mentor.user, "7", "paid")  # the mentor's own hours are not hers
    html = client.get(reverse("survey", args=[survey_token(invitation(m))])).content.decode()
    assert 'value="44.3"' in hours_input(html)
    assert escape(HOURS_NOTE) in html


def test_without_requests_the_question_is_asked_as_before(client, m):
    html = client.get(reverse("survey", args=[survey_token(invitation(m))])).content.decode()
    assert 'value=""' in hours_input(html)
    assert escape(HOURS_NOTE) not in html


def test_the_mentee_answer_is_kept_over_the_known_one(client, m):
    request(m, m.mentee.user, "72", "paid")
    inv = invitation(m)
    url = reverse("survey", args=[survey_token(inv)])
    assert client.post(url, {"q-hours_total": "90", "action": "save"}).status_code == 302
    html = client.get(url).content.decode()
    assert 'value="90"' in hours_input(html)
    assert escape(HOURS_NOTE) not in html


def test_the_filled_in_hours_are_sent_as_an_answer(client, m):
    request(m, m.mentee.user, "72", "paid")
    inv = invitation(m)
    url = reverse("survey", args=[survey_token(inv)])
    html = client.get(url).content.decode()
    assert 'value="72"' in hours_input(html)
    answers = {f"q-{k}": v for k, v in MENTEE_FINAL_OK.items() if k != "hours_total"}
    assert client.post(url, {**answers, "q-hours_total": "72",
                             "action": "submit"}).status_code == 302
    inv.refresh_from_db()
    assert inv.response.answers.get(question__key="hours_total").number == Decimal("72")
