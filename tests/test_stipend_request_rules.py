"""A stipend request's rules are written once (``stipend_request_problems``) and the rate
once (``Program.stipend_rate_for``): the form shows every problem at once, with the bank
details', and the service refuses the same things in the same words."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.models import Program
from payments.models import StipendRequest
from payments.services import stipends as services

from .helpers import days_ago
from .test_payments_pages import bank_data, request_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]


def test_every_problem_shows_at_once_beside_the_bank_details(client, world):
    client.force_login(world["ada"])
    response = client.post(reverse("stipend_new", args=[world["m"].pk]), {
        **request_data(period_start=days_ago(5).isoformat(),
                       period_end=days_ago(9).isoformat(), hours="0", rate="0"),
        **bank_data(iban="DE00 0000 0000 0000 0000 00")})
    assert response.status_code == 400
    form, bank_form = response.context["form"], response.context["bank_form"]
    assert set(form.errors) == {"period_end", "hours", "rate"}
    assert bank_form.errors  # the IBAN too, in the same answer
    assert not StipendRequest.objects.exists()


def test_the_service_refuses_what_the_form_refuses_in_the_same_words(world):
    m = world["m"]
    wrong = {"period_start": days_ago(3), "period_end": days_ago(3), "hours": Decimal("13"),
             "rate": Decimal("0")}
    problems = services.stipend_request_problems(mentorship=m, payee=world["ada"], **wrong)
    with pytest.raises(ValidationError) as refused:
        services.stipend_request_submit(
            payee=world["ada"], mentorship=m, justification="x", **wrong)
    assert refused.value.message_dict == {
        field: [error.message for error in errors] for field, errors in problems.items()}
    assert set(problems) == {"hours", "rate"}


def test_the_rate_comes_from_one_place(client, world, monkeypatch):
    monkeypatch.setattr(Program, "stipend_rate_for",
                        lambda self, role: Decimal("41.00") if role == "mentor" else
                        Decimal("33.00"))
    client.force_login(world["ada"])
    page = client.get(reverse("stipend_new", args=[world["m"].pk])).content.decode()
    assert 'value="33.00"' in page and "33.00 USD an hour" in page
    client.force_login(world["grace"])
    page = client.get(reverse("stipend_new", args=[world["m"].pk])).content.decode()
    assert 'value="41.00"' in page
    assert "hours × 41" in client.get(reverse("dashboard")).content.decode()
