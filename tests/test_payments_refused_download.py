"""A refused download of a payout batch's CSV is recorded with the reveals: a non-officer
who posts the batch's CSV URL gets 403 and leaves one refused row naming them and the
batch, never an account."""

import pytest
from django.urls import reverse

from payments.models import BankDetailsReveal
from payments.services import payouts

from .payments_fixtures import DEMO_IBAN, DEMO_IBAN_SPACED

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]


@pytest.fixture
def batch(officer, approved_pair):
    return payouts.payout_batch_export(request_ids=[r.pk for r in approved_pair], by=officer).batch


@pytest.mark.parametrize("who", ["organizer", "staff_viewer"])
def test_a_non_officer_who_posts_the_batch_csv_gets_403_and_one_refused_row(
        client, batch, who, request):
    user = request.getfixturevalue(who)
    exported = set(BankDetailsReveal.objects.values_list("pk", flat=True))
    client.force_login(user)
    response = client.post(reverse("admin:payments_payoutbatch_csv", args=[batch.pk]))
    assert response.status_code == 403
    assert not response.get("Content-Type", "").startswith("text/csv")
    html = response.content.decode()
    assert DEMO_IBAN not in html and DEMO_IBAN_SPACED not in html
    [row] = BankDetailsReveal.objects.exclude(pk__in=exported)
    assert (row.outcome, row.revealed_by, row.purpose, row.batch) == (
        "refused", user, "download", batch)
    assert (row.payee, row.account) == (None, "")


def test_an_officers_download_still_leaves_a_granted_row_per_payee(officer_client, officer,
                                                                   batch):
    response = officer_client.post(reverse("admin:payments_payoutbatch_csv",
                                           args=[batch.pk]))
    assert response.status_code == 200
    downloads = BankDetailsReveal.objects.filter(purpose="download")
    assert set(downloads.values_list("outcome", "revealed_by", "batch")) == {
        ("granted", officer.pk, batch.pk)}
    assert downloads.count() == 2
