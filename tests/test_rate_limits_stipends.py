"""The stipend request and bank details forms are limited per account (both share the
count): a limited post comes back with everything typed, bank details included, and
saves nothing."""

import pytest
from django.urls import reverse

from payments.models import BankDetails, StipendRequest

from .test_payments_pages import bank_data, request_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]


@pytest.fixture(autouse=True)
def _two_per_hour(settings):
    settings.STIPEND_RATE_LIMIT = "2/h"


def test_it_takes_posts_up_to_the_limit_then_keeps_the_request_form(client, world):
    client.force_login(world["ada"])
    url = reverse("stipend_new", args=[world["m"].pk])
    # Two refused posts (a typo each time) use up the account's two.
    for _ in range(2):
        assert client.post(url, {**request_data(hours="0"), **bank_data()}).status_code == 400
    response = client.post(url, {**request_data(hours="7.5"), **bank_data()})
    assert response.status_code == 429
    html = response.content.decode()
    assert "nothing you typed is lost" in html
    assert 'value="7.5"' in html and "I can drop a shift" in html
    assert "DE89" in html  # the IBAN as typed, to send again
    assert not StipendRequest.objects.exists() and not BankDetails.objects.exists()


def test_the_bank_details_form_shares_the_accounts_count(client, world):
    client.force_login(world["ada"])
    url = reverse("stipend_bank_details")
    assert client.post(url, bank_data()).status_code == 302
    assert client.post(url, bank_data()).status_code == 302
    response = client.post(url, bank_data(holder_name="Ada K. Lovelace"))
    assert response.status_code == 429
    assert "Ada K. Lovelace" in response.content.decode()
    details = BankDetails.objects.get(user=world["ada"])
    assert details.history.count() == 2  # the two saves; the limited post changed nothing


def test_other_accounts_are_not_affected(client, world):
    client.force_login(world["ada"])
    url = reverse("stipend_new", args=[world["m"].pk])
    for _ in range(3):
        client.post(url, {**request_data(hours="0"), **bank_data()})
    # Same browser, same address: only the account counts.
    client.force_login(world["grace"])
    response = client.post(url, {**request_data(hours="3"), **bank_data(
        holder_name="Grace Hopper")})
    assert response.status_code == 302
    assert StipendRequest.objects.filter(payee=world["grace"]).exists()
