"""A refused payout export is recorded with the reveals: a non-officer who posts the
export action (hidden from them, so only a crafted POST sends it) gets 403, no batch, and
one refused row naming them and the requests they asked for, never an account."""

import pytest
from django.urls import reverse

from payments.models import BankDetailsReveal, PayoutBatch, StipendRequest
from payments.services import payouts

from .payments_fixtures import DEMO_IBAN, DEMO_IBAN_SPACED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]


def export_action(client, ids):
    return client.post(reverse("admin:payments_stipendrequest_changelist"),
                       {"action": "export_payout", "_selected_action": ids})


@pytest.mark.parametrize("who", ["organizer", "staff_viewer"])
def test_a_non_officer_who_runs_the_export_gets_403_and_one_refused_row(
        client, approved_pair, who, request):
    user = request.getfixturevalue(who)
    ada, grace = approved_pair
    client.force_login(user)
    response = export_action(client, [grace.pk, ada.pk])
    assert response.status_code == 403
    html = response.content.decode()
    assert DEMO_IBAN not in html and DEMO_IBAN_SPACED not in html
    [row] = BankDetailsReveal.objects.all()
    assert (row.outcome, row.revealed_by, row.purpose) == ("refused", user, "export")
    assert (row.payee, row.batch, row.account) == (None, None, "")
    assert row.detail == f"requests {ada.pk}, {grace.pk}"
    assert not PayoutBatch.objects.exists()
    assert not StipendRequest.objects.filter(batch__isnull=False).exists()


def test_the_service_refuses_and_records_whoever_calls_it(organizer, approved_pair):
    from django.core.exceptions import PermissionDenied

    ada, _ = approved_pair
    with pytest.raises(PermissionDenied):
        payouts.payout_batch_export(request_ids=[ada.pk], by=organizer)
    [row] = BankDetailsReveal.objects.all()
    assert (row.outcome, row.revealed_by, row.detail) == (
        "refused", organizer, f"request {ada.pk}")


def test_an_officers_export_leaves_granted_rows_only(officer_client, officer, approved_pair):
    response = export_action(officer_client, [r.pk for r in approved_pair])
    assert response["Content-Type"].startswith("text/csv")
    assert set(BankDetailsReveal.objects.values_list("outcome", "revealed_by")) == {
        ("granted", officer.pk)}


def test_a_long_selection_is_named_shortly():
    assert payouts.requests_label(range(1, 26)) == (
        "requests 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 15 more")
