"""Saving where a person is paid asks for a recent sign-in: a participant's session lasts
weeks (mm_program/sessions.py), so whoever found it open could otherwise send the
stipends elsewhere."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from payments.models import BankDetails
from payments.services.bank import bank_details_save

from .factories import UserFactory
from .payments_fixtures import DEMO_IBAN_SPACED, iban_account

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]

BANK = {"bank-holder_name": "Ada Lovelace", "bank-kind": "iban",
        "bank-iban": DEMO_IBAN_SPACED}


@pytest.fixture
def stale(client):
    """Ada signed in longer ago than RECENT_SIGN_IN_SECONDS, her session still open."""
    ada = UserFactory(email="ada@example.org", name="Ada Lovelace")
    with time_machine.travel("2026-03-02 09:00:00Z", tick=False) as traveller:
        client.force_login(ada)
        traveller.shift(timedelta(seconds=settings.RECENT_SIGN_IN_SECONDS + 1))
        assert client.get(reverse("dashboard")).status_code == 200
        yield ada, traveller


def test_a_fresh_sign_in_opens_the_bank_details_page(client):
    client.force_login(UserFactory())
    assert client.get(reverse("stipend_bank_details")).status_code == 200


def test_a_stale_sign_in_is_asked_to_confirm_before_the_page_opens(client, stale):
    response = client.get(reverse("stipend_bank_details"))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/reauthenticate")
    assert client.get(response.url, follow=True).status_code == 200


def test_a_stale_sign_in_saves_no_bank_details_and_keeps_none_in_the_session(client, stale):
    ada, _ = stale
    response = client.post(reverse("stipend_bank_details"), BANK)
    assert response.status_code == 302
    assert response.url == reverse("stipend_bank_details")
    assert not BankDetails.objects.filter(user=ada).exists()
    # The account number was not stashed in the session to replay after the check.
    assert "0532" not in str(dict(client.session))


def test_the_first_stipend_request_asks_too_but_later_ones_do_not(client, world):
    ada, url = world["ada"], reverse("stipend_new", args=[world["m"].pk])
    with time_machine.travel("2026-03-02 09:00:00Z", tick=False) as traveller:
        client.force_login(ada)
        traveller.shift(timedelta(seconds=settings.RECENT_SIGN_IN_SECONDS + 1))
        assert client.get(url).status_code == 302  # its form would take bank details
        client.force_login(ada)  # a fresh sign-in (a code typed)
        assert client.get(url).status_code == 200
        bank_details_save(user=ada, account=iban_account("Ada Lovelace"), by=ada)
        traveller.shift(timedelta(seconds=settings.RECENT_SIGN_IN_SECONDS + 1))
        assert client.get(url).status_code == 200  # no bank details asked: no new sign-in
