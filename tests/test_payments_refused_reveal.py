"""A refused reveal of bank details is recorded next to the granted ones: who asked, when,
whose, and that it was refused. The row, the 403 page and the log line hold no account,
not even masked."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from payments.models import BankDetailsReveal

from .factories import UserFactory
from .payments_fixtures import DEMO_IBAN, DEMO_IBAN_SPACED, iban_account

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]

ACCOUNT_DATA = (DEMO_IBAN, DEMO_IBAN_SPACED, "DE89 •••• •••• •••• 3000", "COBADEFFXXX",
                "Ada Holder")


def as_user(user) -> Client:
    """A second browser: ``client`` and ``officer_client`` are the same one."""
    other = Client()
    other.force_login(user)
    return other


@pytest.fixture
def ada_details(db):
    from payments.services.bank import bank_details_save

    ada = UserFactory(email="ada@example.org", name="Ada Lovelace")
    # A holder unlike the payee's name, so that a leak of it can be told apart.
    return bank_details_save(user=ada, account=iban_account(holder="Ada Holder"), by=ada)


@pytest.mark.parametrize("who", ["organizer", "staff_viewer"])
def test_a_non_officer_who_posts_the_reveal_gets_403_and_one_refused_row(
        client, ada_details, who, request, caplog):
    user = request.getfixturevalue(who)
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="payments"):
        response = client.post(reverse("admin:payments_bankdetails_reveal",
                                       args=[ada_details.pk]))
    assert response.status_code == 403
    [row] = BankDetailsReveal.objects.all()
    assert (row.outcome, row.revealed_by, row.payee, row.purpose) == (
        "refused", user, ada_details.user, "reveal")
    assert (row.account, row.detail, row.batch) == ("", "", None)
    shown = response.content.decode() + caplog.text + str(row)
    for value in ACCOUNT_DATA:
        assert value not in shown


def test_a_granted_reveal_still_leaves_its_normal_row(organizer, officer_client, officer,
                                                      ada_details):
    url = reverse("admin:payments_bankdetails_reveal", args=[ada_details.pk])
    assert as_user(organizer).post(url).status_code == 403
    assert officer_client.post(url).status_code == 200
    granted = BankDetailsReveal.objects.get(outcome="granted")
    assert (granted.revealed_by, granted.payee, granted.purpose, granted.account) == (
        officer, ada_details.user, "reveal", "DE89 •••• •••• •••• 3000")
    assert BankDetailsReveal.objects.filter(outcome="refused").count() == 1


def test_the_payees_page_lists_the_refused_reveal_with_the_granted_ones(
        organizer, officer_client, ada_details):
    as_user(organizer).post(reverse("admin:payments_bankdetails_reveal",
                                    args=[ada_details.pk]))
    page = officer_client.get(reverse("admin:payments_bankdetails_change",
                                      args=[ada_details.pk])).content.decode()
    assert "Olivia Organizer" in page and "Refused" in page
    assert "Never revealed" not in page


def test_the_database_refuses_a_refused_row_with_an_account(organizer, ada_details):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        BankDetailsReveal.objects.create(payee=ada_details.user, revealed_by=organizer,
                                         outcome="refused", account=ada_details.masked)
