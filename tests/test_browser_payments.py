"""Stipends as people use them, in real Chromium against a live server.

The mentee enters her bank details and requests a stipend from her dashboard (a typo in
the IBAN is explained at the field first); an organizer approves it; a payments officer
reveals the IBAN (logged), exports the payout CSV and marks the request paid; the mentee
sees "Paid". Screenshots go to test-artifacts/payments-*.png.
"""

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from payments.models import BankDetailsReveal, PayoutBatch, StipendBudget, StipendRequest

from .browser_fixtures import ARTIFACTS
from .helpers import days_ago
from .test_browser_apply import assert_no_browser_errors
from .test_browser_mentorship import PHONE, no_sideways_scroll, sign_in_with_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"payments-{name}.png"), full_page=True)


def staff_sign_in(page, email, path):
    page.goto(path)
    page.get_by_text("Organizers: sign in with a password").click()
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill("a-long-test-password-42")
    page.get_by_role("button", name="Sign in with password").click()


def test_a_stipend_from_request_to_payment(new_page, program, world, organizer, officer):
    StipendBudget.objects.create(program=program, amount=Decimal("5000"))
    m = world["m"]

    # --- The mentee finds the stipend on her dashboard.
    page = new_page()
    sign_in_with_code(page, "ada@example.org")
    stipends = page.locator(".mm-stipends")
    expect(stipends).to_contain_text("hours × 30 USD")
    stipends.get_by_role("link", name="Request a stipend").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request a stipend")
    expect(page.get_by_label("Rate per hour (USD)")).to_have_value("30.00")
    expect(page.get_by_label("First day of the period")).to_have_value(m.start_date.isoformat())

    # --- One page: her bank details (once) and the request. The IBAN has a typo.
    page.get_by_label("Account holder").fill("Ada Lovelace")
    expect(page.get_by_label("Country of the account")).to_be_hidden()  # IBAN chosen
    iban = page.get_by_role("textbox", name="IBAN")
    iban.fill("DE89 3704 0044 0532 0130 01")
    page.get_by_label("First day of the period").fill(days_ago(27).isoformat())
    page.get_by_label("Last day of the period").fill(days_ago(14).isoformat())
    page.get_by_label("Hours worked").fill("14.5")
    expect(page.locator("#stipend-amount")).to_contain_text("Amount: 435.00 USD")
    expect(page.locator("[data-meeting-summary]")).to_have_text(
        "Meetings logged in this period: 1, 1 h in all.")
    page.get_by_label("Why you need it").fill("It lets me drop a weekend shift.")
    shot(page, "1-request-form")
    page.get_by_role("button", name="Send the request").click()

    summary = page.locator(".mm-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("check digits don't match")
    expect(iban).to_have_value("DE89 3704 0044 0532 0130 01")  # her typing, kept
    expect(iban).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.get_by_label("Hours worked")).to_have_value("14.5")
    assert not StipendRequest.objects.exists()
    shot(page, "2-request-form-error")

    iban.fill("DE89 3704 0044 0532 0130 00")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stipend for")
    expect(page.get_by_text("Waiting for the organizers' decision.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("DE89 •••• •••• •••• 3000")
    assert "0532" not in page.content()
    req = StipendRequest.objects.get()
    assert (req.hours, req.amount) == (Decimal("14.50"), Decimal("435.00"))
    shot(page, "3-request-sent")
    assert_no_browser_errors(page, "status of 400")  # the refused post, on purpose

    phone = new_page(storage_state=page.context.storage_state(), **PHONE)
    phone.goto(f"/stipends/new/{m.pk}/")
    no_sideways_scroll(phone)
    shot(phone, "4-phone-request-form")

    # --- An organizer approves it.
    admin = new_page()
    staff_sign_in(admin, organizer.email, f"/admin/payments/stipendrequest/{req.pk}/change/")
    expect(admin.locator("#content")).to_contain_text("DE89 •••• •••• •••• 3000")
    expect(admin.get_by_text("Only payments officers can see the full account.")
           ).to_be_visible()
    shot(admin, "5-organizer-request")
    admin.get_by_role("link", name="Approve", exact=True).click()
    admin.get_by_role("button", name="Approve").click()
    expect(admin.locator(".messagelist")).to_contain_text("1 request approved")
    req.refresh_from_db()
    assert req.status == "approved" and req.decided_by == organizer

    # --- A payments officer reveals the IBAN (logged), exports the CSV, marks it paid.
    pay = new_page()
    staff_sign_in(pay, officer.email, f"/admin/payments/stipendrequest/{req.pk}/change/")
    pay.get_by_role("button", name="Reveal full bank details (logged)").click()
    expect(pay.locator("#content")).to_contain_text("DE89 3704 0044 0532 0130 00")
    expect(pay.locator("#content")).to_contain_text("COBADEFFXXX")
    shot(pay, "6-officer-reveal")
    [log] = BankDetailsReveal.objects.all()
    assert (log.revealed_by, log.payee) == (officer, world["ada"])

    pay.goto("/admin/payments/stipendrequest/?payout=to_export")
    pay.locator(f'input[name="_selected_action"][value="{req.pk}"]').check()
    pay.locator('select[name="action"]').select_option("export_payout")
    with pay.expect_download() as download_info:
        pay.get_by_role("button", name="Go").click()
    download = download_info.value
    assert download.suggested_filename.startswith("payout-batch-")
    rows = list(csv.DictReader(io.StringIO(
        Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert [(r["holder"], r["iban_or_account"], r["amount"], r["currency"]) for r in rows] \
        == [("Ada Lovelace", "DE89 3704 0044 0532 0130 00", "435.00", "USD")]
    assert PayoutBatch.objects.count() == 1

    pay.goto(f"/admin/payments/stipendrequest/{req.pk}/change/")
    pay.get_by_role("link", name="Mark paid…").click()
    expect(pay.get_by_label("Paid on")).to_have_value(timezone.localdate().isoformat())
    pay.get_by_label("Payment reference").fill("SEPA-2026-0042")
    shot(pay, "7-officer-mark-paid")
    pay.get_by_role("button", name="Mark paid").click()
    expect(pay.locator(".messagelist")).to_contain_text("1 request marked paid")
    shot(pay, "8-officer-paid-request")
    req.refresh_from_db()
    assert (req.status, req.payment_reference) == ("paid", "SEPA-2026-0042")

    # --- The mentee sees "Paid".
    page.goto("/dashboard/")
    expect(page.locator(".mm-stipends")).to_contain_text("Paid")
    shot(page, "9-mentee-dashboard-paid")
    assert_no_browser_errors(page, "status of 400")


def test_an_account_without_iban_on_a_phone(new_page, world):
    page = new_page(**PHONE)
    sign_in_with_code(page, "grace@example.org")
    page.goto("/stipends/bank-details/")
    page.get_by_label("An account number, no IBAN").check()
    expect(page.get_by_role("textbox", name="IBAN")).to_be_hidden()
    page.get_by_label("Country of the account").select_option("US")
    page.get_by_label("Account number", exact=True).fill("0001 2345 6789")
    page.get_by_label("Routing code").fill("021000022")
    page.get_by_role("button", name="Save the bank details").click()
    expect(page.locator(".mm-error-summary")).to_contain_text("check digit doesn't match")
    expect(page.get_by_label("Routing code")).to_be_visible()  # the choice is kept
    no_sideways_scroll(page)
    shot(page, "10-phone-bank-details-error")
    page.get_by_label("Routing code").fill("021000021")
    page.get_by_role("button", name="Save the bank details").click()
    expect(page.get_by_text("we'll pay to •••• 6789")).to_be_visible()
    shot(page, "11-phone-stipends")
    page.goto("/dashboard/")
    expect(page.get_by_text("mentors can be paid too")).to_be_visible()
    page.get_by_role("button", name="Request a stipend").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request a stipend")
    expect(page.get_by_text("We'll pay to •••• 6789")).to_be_visible()
    page.go_back()
    no_sideways_scroll(page)
    shot(page, "12-phone-mentor-dashboard")
    assert_no_browser_errors(page, "status of 400")
