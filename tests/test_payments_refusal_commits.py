"""The record of a refusal outlives the refused request: the admin answers with a 403
response instead of raising, so a transaction around the view (``ATOMIC_REQUESTS``, off
today) commits the row rather than rolling it back with the request."""

import pytest
from django.db import connections
from django.urls import reverse

from payments.models import BankDetails, BankDetailsReveal
from payments.services import payouts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]


@pytest.fixture
def atomic_requests(monkeypatch):
    # The test runs inside a transaction, so the view's becomes a savepoint: an exception
    # leaving the view would roll the row back to it just as a real request's rollback.
    monkeypatch.setitem(connections.settings["default"], "ATOMIC_REQUESTS", True)


def refused_attempts(approved_pair, officer):
    ada, grace = approved_pair
    batch = payouts.payout_batch_export(request_ids=[ada.pk], by=officer).batch
    details = BankDetails.objects.get(user=ada.payee)
    return {
        "reveal": (reverse("admin:payments_bankdetails_reveal", args=[details.pk]), {}),
        "export": (reverse("admin:payments_stipendrequest_changelist"),
                   {"action": "export_payout", "_selected_action": [grace.pk]}),
        "download": (reverse("admin:payments_payoutbatch_csv", args=[batch.pk]), {}),
    }


@pytest.mark.parametrize("purpose", ["reveal", "export", "download"])
def test_a_refusal_is_kept_when_the_request_runs_in_a_transaction(
        organizer_client, organizer, officer, approved_pair, atomic_requests, purpose):
    url, data = refused_attempts(approved_pair, officer)[purpose]
    assert organizer_client.post(url, data).status_code == 403
    [row] = BankDetailsReveal.objects.filter(outcome="refused")
    assert (row.revealed_by, row.purpose) == (organizer, purpose)
