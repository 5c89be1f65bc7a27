"""The demo's stipends (every status, the demo mentee's bank details), and the plaintext
scan: after a demo, reveals, an export and a payment, no table holds an account number."""

import pytest
from django.db import connection
from django.urls import reverse

from matching.models import Program
from payments.demo import DEMO_IBAN, seed_payments_demo
from payments.models import BankDetails, BankDetailsReveal, PayoutBatch, StipendRequest
from payments.services import payouts
from payments.services.bank import plaintext

from .demo_once import demo_once

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]

# Every form the demo accounts could take in plain text.
SECRETS = [DEMO_IBAN, "DE89 3704 0044 0532 0130 00", "370400440532013000", "0532013000",
           "GB33BUKB20201555555555", "20201555555555", "000123456789",
           "NL91ABNA0417164300", "GB82WEST12345698765432"]


_demo_seeded_once = demo_once(deliver_at_once=True)


@pytest.fixture
def demo(_demo_seeded_once, db):
    # seed_demo itself builds the stipends: `make run` shows them on first run. Seeded
    # once for the module (tests/demo_once.py).
    return Program.objects.order_by("created_at", "pk").first()


def dump_database() -> str:
    """Every row of every table, as text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                chunks.append(" ".join(str(value) for value in row))
    return "\n".join(chunks)


def test_the_demo_has_requests_at_every_status_and_the_demo_mentees_bank_details(demo):
    # The rolling program's (the demo cohort's grants: tests/test_cohort_phase_demo.py).
    requests = StipendRequest.objects.filter(program=demo)
    assert set(requests.values_list("status", flat=True)) == {
        "submitted", "approved", "rejected", "paid"}
    ana = BankDetails.objects.get(user__email="ana.costa@example.org")
    assert ana.masked == "DE89 •••• •••• •••• 3000"
    assert plaintext(ana)["iban"] == DEMO_IBAN
    assert requests.filter(payee_role="mentor").exists()
    assert PayoutBatch.objects.filter(requests__program=demo).distinct().count() == 1
    paid = requests.get(status="paid")
    assert paid.payee.email == "ana.costa@example.org" and paid.batch is not None
    assert requests.filter(status="approved", batch__isnull=False).exists()
    assert requests.filter(status="approved", batch__isnull=True).exists()
    # Requests moved back in time: one waits long enough for the officers' reminder.
    waiting = requests.get(status="submitted")
    assert (waiting.submitted_at.date() - waiting.period_end).days == 1


def test_running_the_demo_again_changes_nothing(demo):
    before = (StipendRequest.objects.count(), BankDetails.objects.count(),
              PayoutBatch.objects.count(), BankDetailsReveal.objects.count())
    assert seed_payments_demo(demo) == []
    assert (StipendRequest.objects.count(), BankDetails.objects.count(),
            PayoutBatch.objects.count(), BankDetailsReveal.objects.count()) == before


def test_no_table_holds_an_account_in_plain_text(demo, client):
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(email="payments@example.org")
    # Reveal in the admin, export and pay: none of it may leave a readable account behind.
    client.force_login(officer)
    ana = BankDetails.objects.get(user__email="ana.costa@example.org")
    revealed = client.post(reverse("admin:payments_bankdetails_reveal", args=[ana.pk]))
    assert "DE89 3704 0044 0532 0130 00" in revealed.content.decode()
    approved = StipendRequest.objects.filter(status="approved", batch__isnull=True)
    export = payouts.payout_batch_export(request_ids=list(approved.values_list("pk", flat=True)),
                                         by=officer)
    assert "DE89 3704 0044 0532 0130 00" in export.csv
    client.post(reverse("admin:payments_stipendrequest_move")
                + f"?to=pay&ids={export.exported[0].pk}",
                {"paid_on": export.exported[0].decided_at.date().isoformat(),
                 "reference": "SEPA-42"})

    everything = dump_database()
    assert "DE89 •••• •••• •••• 3000" in everything  # the scan does see the tables
    for secret in SECRETS:
        assert secret not in everything, secret
        assert secret.lower() not in everything.lower(), secret
