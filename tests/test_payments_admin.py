"""Stipend requests in the organizer area: decide, export the payout CSV once, mark paid.

Organizers approve and reject; payments officers also export and pay. Every move goes
through the services, so the permission, status and budget rules hold here too."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from mm_program.roles import ORGANIZERS
from payments.models import BankDetailsReveal, PayoutBatch, StipendBudget, StipendRequest
from payments.services import payouts
from payments.services import stipends as services
from payments.services.bank import bank_details_save

from .factories import UserFactory
from .helpers import days_ago, today
from .payments_fixtures import DEMO_IBAN_SPACED, iban_account, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]

CHANGELIST = "admin:payments_stipendrequest_changelist"


def action(client, name, ids):
    return client.post(reverse(CHANGELIST), {"action": name, "_selected_action": ids})


def move(client, to, ids, **data):
    url = reverse("admin:payments_stipendrequest_move") + \
        f"?to={to}&ids={','.join(map(str, ids))}"
    return client.post(url, data)


def read_csv(response):
    text = b"".join(response.streaming_content if response.streaming else
                    [response.content]).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def approved(world, officer, budget):
    """Ada's and Grace's requests, approved."""
    ada = services.stipend_request_approve(
        stipend_request=submit(world["m"], world["ada"], hours="10"), by=officer)
    grace = services.stipend_request_approve(
        stipend_request=submit(world["m"], world["grace"], hours="2.5"),
        by=officer)
    return ada, grace


# --- deciding ---------------------------------------------------------------------------

def test_an_organizer_sees_a_request_with_its_meetings_budget_and_masked_account(
        organizer_client, world, budget):
    req = submit(world["m"], world["ada"], hours="30")
    page = organizer_client.get(reverse("admin:payments_stipendrequest_change",
                                        args=[req.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "It lets me work fewer shifts." in html
    assert "Claims 30 h for 14 days; the agreed 8 h a week makes about 16 h." in html
    assert "1 meeting logged in the period" in html
    assert "left 10000.00 USD" in html
    assert "DE89 •••• •••• •••• 3000" in html and DEMO_IBAN_SPACED not in html
    assert "Only payments officers can see the full account." in html
    assert "Approve" in html and "Reject…" in html and "Mark paid…" not in html


def test_an_organizer_approves_and_rejects_from_the_admin(organizer_client, organizer, world,
                                                          budget):
    first = submit(world["m"], world["ada"])
    second = submit(world["m"], world["grace"], hours="2")
    response = move(organizer_client, "approve", [first.pk])
    assert response.status_code == 302
    response = move(organizer_client, "reject", [second.pk], reason="")
    assert response.status_code == 200 and "Say why" in response.content.decode()
    move(organizer_client, "reject", [second.pk], reason="Not during a pause.")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.decided_by) == ("approved", organizer)
    assert (second.status, second.rejection_reason) == ("rejected", "Not during a pause.")
    history = organizer_client.get(reverse("admin:payments_stipendrequest_history",
                                           args=[first.pk])).content.decode()
    assert "Approved" in history and "Olivia Organizer" in history


def test_an_organizer_overrides_the_budget_with_a_reason_an_officer_cannot(
        client, organizer, officer, world, program):
    StipendBudget.objects.create(program=program, amount=Decimal("100"))
    req = submit(world["m"], world["ada"])  # 300 > 100
    client.force_login(officer)
    page = client.get(reverse("admin:payments_stipendrequest_move")
                      + f"?to=approve&ids={req.pk}").content.decode()
    assert "need an organizer" in page
    move(client, "approve", [req.pk], override_reason="Urgent")
    req.refresh_from_db()
    assert req.status == "submitted"
    client.force_login(organizer)
    move(client, "approve", [req.pk])
    req.refresh_from_db()
    assert req.status == "submitted"
    move(client, "approve", [req.pk], override_reason="The board added 2,000 USD.")
    req.refresh_from_db()
    assert (req.status, req.budget_override_reason) == ("approved", "The board added 2,000 USD.")


def test_a_history_version_page_is_read_only(officer_client, world, budget, officer):
    req = submit(world["m"], world["ada"])
    first_version = req.history.earliest()
    services.stipend_request_approve(stipend_request=req, by=officer)
    url = reverse("admin:payments_stipendrequest_simple_history",
                  args=[req.pk, first_version.history_id])
    assert officer_client.get(url).status_code == 200
    assert officer_client.post(url, {}).status_code == 403  # no revert
    req.refresh_from_db()
    assert req.status == "approved"


def test_nobody_edits_adds_or_deletes_a_request_in_the_admin(officer_client, world):
    req = submit(world["m"], world["ada"])
    change = reverse("admin:payments_stipendrequest_change", args=[req.pk])
    officer_client.post(change, {"hours": "99", "status": "paid"})
    req.refresh_from_db()
    assert (req.hours, req.status) == (Decimal("10.00"), "submitted")
    assert officer_client.get(reverse("admin:payments_stipendrequest_add")).status_code == 403
    assert officer_client.post(reverse("admin:payments_stipendrequest_delete",
                                       args=[req.pk])).status_code == 403


# --- exporting --------------------------------------------------------------------------

def test_an_officer_exports_approved_requests_once_into_a_batch(officer_client, officer,
                                                                approved, world):
    ada, grace = approved
    waiting = submit(world["m"], world["ada"], start=days_ago(13), end=days_ago(1))
    response = action(officer_client, "export_payout", [ada.pk, grace.pk, waiting.pk])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "no-store" in response["Cache-Control"]
    rows = read_csv(response)
    assert list(rows[0]) == payouts.HEADER
    by_payee = {r["payee_email"]: r for r in rows}
    assert set(by_payee) == {"ada@example.org", "grace@example.org"}
    assert by_payee["ada@example.org"] == {
        "request": str(ada.pk), "payee": "Ada Lovelace", "payee_email": "ada@example.org",
        "holder": "Ada Lovelace", "iban_or_account": DEMO_IBAN_SPACED,
        "bic_or_swift": "COBADEFFXXX", "routing_code": "", "country": "DE",
        "amount": "300.00", "currency": "USD", "reference": ada.reference,
    }
    assert by_payee["grace@example.org"]["amount"] == "75.00"
    batch = PayoutBatch.objects.get()
    assert set(batch.requests.values_list("pk", flat=True)) == {ada.pk, grace.pk}
    assert batch.created_by == officer
    # Each payee's full account went into the file: logged as reveals of this batch.
    assert sorted(BankDetailsReveal.objects.values_list("payee__email", "purpose",
                                                        "batch")) == [
        ("ada@example.org", "export", batch.pk), ("grace@example.org", "export", batch.pk)]
    assert ada.history.latest().history_change_reason == f"Exported in payout batch {batch.pk}"

    # Exporting the same requests again makes no second batch.
    again = action(officer_client, "export_payout", [ada.pk, grace.pk])
    assert again.status_code == 302
    assert PayoutBatch.objects.count() == 1
    messages = [m.message for m in again.wsgi_request._messages]
    assert any("already in payout batch" in m for m in messages)
    assert any("Nothing to export" in m for m in messages)


def test_the_service_never_puts_a_request_in_two_batches(officer, approved):
    ada, grace = approved
    first = payouts.payout_batch_export(request_ids=[ada.pk], by=officer)
    second = payouts.payout_batch_export(request_ids=[ada.pk, grace.pk], by=officer)
    assert [r.pk for r in first.exported] == [ada.pk]
    assert [r.pk for r in second.exported] == [grace.pk]
    assert [(r.pk, why) for r, why in second.skipped] == [
        (ada.pk, f"already in payout batch {first.batch.pk}")]
    ada.refresh_from_db()
    assert ada.batch == first.batch


def test_a_request_without_bank_details_or_not_approved_is_not_exported(
        officer, world, budget):
    from payments.models import BankDetails

    req = services.stipend_request_approve(
        stipend_request=submit(world["m"], world["ada"]), by=officer)
    BankDetails.objects.filter(user=world["ada"]).delete()
    rejected = services.stipend_request_reject(
        stipend_request=submit(world["m"], world["grace"]), by=officer,
        reason="No")
    result = payouts.payout_batch_export(request_ids=[req.pk, rejected.pk], by=officer)
    assert result.batch is None and not PayoutBatch.objects.exists()
    assert dict((r.pk, why) for r, why in result.skipped) == {
        req.pk: "the payee has no bank details", rejected.pk: "rejected, not approved"}


def test_spreadsheet_formulas_in_the_csv_are_neutralised(officer, world, budget):
    payee = world["grace"]
    payee.name = "=HYPERLINK(\"http://evil.example\")"
    payee.save()
    bank_details_save(user=payee, account=iban_account(holder="+cmd|' /C calc'!A0"), by=payee)
    req = services.stipend_request_approve(
        stipend_request=submit(world["m"], payee, hours="1"), by=officer)
    rows = list(csv.DictReader(io.StringIO(payouts.payout_batch_export(request_ids=[req.pk],
                                                                       by=officer).csv)))
    assert rows[0]["payee"].startswith("'=HYPERLINK")
    assert rows[0]["holder"].startswith("'+cmd")


def test_organizers_cannot_export_or_pay(organizer_client, approved):
    ada, _ = approved
    changelist = organizer_client.get(reverse(CHANGELIST)).content.decode()
    assert "export_payout" not in changelist and "mark_paid" not in changelist
    assert "approve" in changelist
    response = action(organizer_client, "export_payout", [ada.pk])  # a crafted POST
    assert response.status_code == 403  # and recorded: test_payments_refused_export.py
    assert not response.get("Content-Type", "").startswith("text/csv")
    assert not PayoutBatch.objects.exists()
    assert move(organizer_client, "pay", [ada.pk], paid_on=today().isoformat(),
                reference="X").status_code == 403
    ada.refresh_from_db()
    assert ada.status == "approved"


def test_the_csv_of_a_batch_can_be_downloaded_again_and_that_is_logged(
        officer_client, officer, organizer, approved):
    ada, grace = approved
    batch = payouts.payout_batch_export(request_ids=[ada.pk, grace.pk], by=officer).batch
    url = reverse("admin:payments_payoutbatch_csv", args=[batch.pk])
    assert officer_client.get(url).status_code == 404  # a POST, never a link
    response = officer_client.post(url)
    assert len(read_csv(response)) == 2
    assert BankDetailsReveal.objects.filter(purpose="download", batch=batch).count() == 2
    other = Client()
    other.force_login(organizer)
    assert other.post(url).status_code == 403
    page = officer_client.get(reverse("admin:payments_payoutbatch_change", args=[batch.pk]))
    assert page.status_code == 200 and "Download the CSV again" in page.content.decode()


# --- paying -----------------------------------------------------------------------------

def test_an_officer_marks_a_batch_paid_and_paying_twice_is_refused(officer_client, approved):
    ada, grace = approved
    response = move(officer_client, "pay", [ada.pk, grace.pk], paid_on=today().isoformat(),
                    reference="SEPA-2026-11-23")
    assert response.status_code == 302
    for req in (ada, grace):
        req.refresh_from_db()
        assert (req.status, req.payment_reference) == ("paid", "SEPA-2026-11-23")
    again = move(officer_client, "pay", [ada.pk], paid_on=today().isoformat(),
                 reference="SEPA-again")
    [message] = [m.message for m in again.wsgi_request._messages if "SEPA" in m.message]
    assert "was paid on" in message and "it can't be paid" in message
    ada.refresh_from_db()
    assert ada.payment_reference == "SEPA-2026-11-23"


def test_a_payment_without_a_reference_is_explained(officer_client, approved):
    ada, _ = approved
    response = move(officer_client, "pay", [ada.pk], paid_on=today().isoformat(),
                    reference="")
    assert "Enter the payment reference" in response.content.decode()
    ada.refresh_from_db()
    assert ada.status == "approved"


def test_budgets_show_committed_and_paid(officer_client, officer, approved, budget):
    ada, grace = approved
    services.stipend_request_mark_paid(
        stipend_request=ada, by=officer, paid_on=today(), reference="R")
    html = officer_client.get(reverse("admin:payments_stipendbudget_changelist")
                              ).content.decode()
    assert "75.00 USD" in html and "300.00 USD" in html and "9625.00 USD" in html


def test_a_staff_member_outside_both_groups_sees_no_stipends(client, approved):
    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    for name in ("stipendrequest", "bankdetails", "payoutbatch", "stipendbudget",
                 "bankdetailsreveal"):
        assert client.get(reverse(f"admin:payments_{name}_changelist")).status_code == 403
    staff.groups.add(Group.objects.get_or_create(name=ORGANIZERS)[0])
    assert client.get(reverse(CHANGELIST)).status_code == 200
    assert StipendRequest.objects.count() == 2
