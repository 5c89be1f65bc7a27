"""Bank details: validated at the field in plain words, stored once per payee, shown masked
everywhere; revealed only to payments officers, by an explicit POST that is logged."""

import logging

import pytest
from django.core import mail
from django.urls import reverse

from mm_program.models import Message
from payments.banking import mask_account, mask_iban
from payments.forms import BankDetailsForm
from payments.models import BankDetails, BankDetailsReveal
from payments.services.bank import bank_details_save, plaintext

from .factories import UserFactory
from .payments_fixtures import DEMO_IBAN, DEMO_IBAN_SPACED, iban_account

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]


def form(**data):
    base = {"holder_name": "Ada Lovelace", "kind": "iban", "iban": "", "bic": "",
            "country": "", "account_number": "", "routing_code": ""}
    return BankDetailsForm({f"bank-{k}": v for k, v in {**base, **data}.items()})


# --- validation -------------------------------------------------------------------------

def test_a_valid_iban_copied_with_spaces_is_accepted_and_its_bic_filled_in():
    f = form(iban="de89 3704 0044 0532 0130 00")
    assert f.is_valid(), f.errors
    assert (f.account.iban, f.account.bic, f.account.country) == (DEMO_IBAN, "COBADEFFXXX", "DE")
    assert f.account.masked == "DE89 •••• •••• •••• 3000"


@pytest.mark.parametrize("iban, message", [
    ("DE89 3704 0044 0532 0130 01", "check digits don't match"),
    ("DE89 3704 0044 0532 0130", "has 22 characters; this one has 20"),
    ("US12 3456 7890 1234", "not a country with IBANs"),
    ("DE89-3704!0044", "only letters and digits"),
    ("", "Enter your IBAN"),
    ("1289 3704 0044 0532 0130 00", "starts with two letters"),
])
def test_a_bad_iban_gets_a_clear_message_at_its_field(iban, message):
    f = form(iban=iban)
    assert not f.is_valid()
    assert message in " ".join(f.errors["iban"])
    assert f.account is None
    # The message never quotes the number back (it may end up in a log).
    if len(iban) > 8:
        assert iban.replace(" ", "") not in " ".join(f.errors["iban"]).replace(" ", "")


@pytest.mark.parametrize("bic, message", [
    ("COBADEF", "8 or 11 characters"),
    ("COBAXXFFXXX", "not a country code"),
    ("COBA DE FF XX!", "only letters and digits"),
])
def test_a_bad_bic_gets_a_clear_message_at_its_field(bic, message):
    f = form(iban=DEMO_IBAN, bic=bic)
    assert not f.is_valid()
    assert message in " ".join(f.errors["bic"])


def test_outside_the_euro_zone_the_bic_is_needed_when_it_cannot_be_looked_up():
    f = form(iban="SA03 8000 0000 6080 1016 7519")  # valid; bank unknown to schwifty
    assert not f.is_valid()
    assert "Enter your bank's BIC" in " ".join(f.errors["bic"])
    f = form(iban="SA03 8000 0000 6080 1016 7519", bic="RJHISARI")
    assert f.is_valid(), f.errors


def test_an_account_without_iban_needs_a_country_number_and_routing_or_swift():
    f = form(kind="account", country="US", account_number="0001 2345 6789",
             routing_code="021000021")
    assert f.is_valid(), f.errors
    assert f.account.masked == "•••• 6789" and f.account.routing_code == "021000021"
    f = form(kind="account", country="US", account_number="000123456789",
             routing_code="021000022")
    assert "check digit doesn't match" in " ".join(f.errors["routing_code"])
    f = form(kind="account", country="IN", account_number="000123456789")
    assert "routing code or, below, the bank's SWIFT code" in " ".join(
        f.errors["routing_code"])
    f = form(kind="account", country="IN", account_number="000123456789", bic="SBININBB")
    assert f.is_valid(), f.errors
    f = form(kind="account", country="DE", account_number="0532013000", routing_code="370400")
    assert "Accounts in Germany have an IBAN" in " ".join(f.errors["country"])
    f = form(kind="account", country="", account_number="12")
    assert f.errors.keys() >= {"country", "account_number"}


def test_digits_of_any_script_are_stored_as_ascii_digits():
    # A US routing number typed in Arabic-Indic digits passed (\d matches them) and was
    # stored as typed, for a payout file no bank reads. Seen while writing the stipend
    # forms fuzz test.
    f = form(kind="account", country="US", account_number="١٢٣٤ ٥٦٧٨ ٩",
             routing_code="٠٢١٠٠٠٠٢١")
    assert f.is_valid(), f.errors
    assert (f.account.account_number, f.account.routing_code) == ("123456789", "021000021")
    assert f.account.masked == "•••• 6789"


def test_masks_show_the_ends_only():
    assert mask_iban("GB33BUKB20201555555555") == "GB33 •••• •••• •••• 5555"
    assert mask_account("123456789") == "•••• 6789"
    assert mask_account("12345") == "•••• 45"
    assert mask_account("1234") == "••••"


# --- the payee's page -------------------------------------------------------------------

def post_bank(client, **data):
    base = {"holder_name": "Ada Lovelace", "kind": "iban", "iban": DEMO_IBAN_SPACED,
            "bic": "", "country": "", "account_number": "", "routing_code": ""}
    return client.post(reverse("stipend_bank_details"),
                       {f"bank-{k}": v for k, v in {**base, **data}.items()})


def test_a_payee_saves_bank_details_and_then_only_sees_them_masked(client):
    ada = UserFactory(email="ada@example.org", name="Ada Lovelace")
    client.force_login(ada)
    response = post_bank(client)
    assert response.status_code == 302
    details = BankDetails.objects.get(user=ada)
    assert plaintext(details)["iban"] == DEMO_IBAN
    for url in (reverse("stipend_bank_details"), reverse("stipend_list")):
        html = client.get(url).content.decode()
        assert "DE89 •••• •••• •••• 3000" in html
        assert DEMO_IBAN not in html and DEMO_IBAN_SPACED not in html
        assert "0532" not in html
    [email] = [m for m in mail.outbox if m.to == ["ada@example.org"]]
    assert "Your bank details are saved" in email.subject
    assert "DE89 •••• •••• •••• 3000" in email.body and "0532" not in email.body


def test_a_refused_form_keeps_what_was_typed_and_says_why_at_the_field(client):
    ada = UserFactory()
    client.force_login(ada)
    response = post_bank(client, iban="DE89 3704 0044 0532 0130 01", holder_name="Ada L")
    assert response.status_code == 400
    html = response.content.decode()
    assert "check digits don&#x27;t match" in html or "check digits don't match" in html
    assert 'value="DE89 3704 0044 0532 0130 01"' in html  # their own typing, kept
    assert 'value="Ada L"' in html
    assert "mm-error-summary" in html and 'aria-invalid="true"' in html
    assert not BankDetails.objects.exists()


def test_replacing_bank_details_emails_the_payee_and_keeps_a_masked_history(client):
    ada = UserFactory(email="ada@example.org")
    client.force_login(ada)
    post_bank(client)
    post_bank(client, iban="GB33 BUKB 2020 1555 5555 55")
    details = BankDetails.objects.get(user=ada)
    assert details.masked == "GB33 •••• •••• •••• 5555"
    assert Message.objects.filter(kind="stipend-bank-details").count() == 2
    assert "were changed" in mail.outbox[-1].subject
    # The history says who changed what, masked; the account itself is not in it.
    rows = list(details.history.order_by("history_date").values())
    assert [r["masked"] for r in rows] == ["DE89 •••• •••• •••• 3000",
                                            "GB33 •••• •••• •••• 5555"]
    assert all(r["history_user_id"] == ada.pk for r in rows)
    for row in rows:
        assert not {"iban", "holder_name", "bic", "account_number", "routing_code",
                    "fingerprint"} & row.keys()
        assert DEMO_IBAN not in str(row) and "GB33BUKB" not in str(row)


def test_the_sensitive_fields_never_reach_the_logs(client, caplog):
    ada = UserFactory()
    client.force_login(ada)
    with caplog.at_level(logging.DEBUG):
        post_bank(client)
        post_bank(client, iban="DE89 3704 0044 0532 0130 01")  # refused
    assert DEMO_IBAN not in caplog.text and "0532" not in caplog.text


def test_the_error_page_of_a_crash_hides_the_posted_account(client, settings, monkeypatch):
    """Django's error page (and so its error emails) filter the bank fields of the POST."""
    ada = UserFactory()
    client.force_login(ada)

    def crash(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("payments.views.bank_details_save", crash)
    client.raise_request_exception = False
    settings.DEBUG = True  # the technical error page, with the POST data in it
    # (Built here so that the test's own source line, on the page, doesn't contain it.)
    response = post_bank(client, holder_name="Ada " + "Secret" + "name")
    assert response.status_code == 500
    html = response.content.decode()
    assert "bank-iban" in html and "********" in html
    assert DEMO_IBAN_SPACED not in html and "Secretname" not in html


# --- revealing --------------------------------------------------------------------------

@pytest.fixture
def ada_details(db):
    ada = UserFactory(email="ada@example.org", name="Ada Lovelace")
    return bank_details_save(user=ada, account=iban_account(), by=ada)


def test_a_payments_officer_reveals_the_account_with_a_post_and_it_is_logged(
        officer_client, officer, ada_details):
    change = reverse("admin:payments_bankdetails_change", args=[ada_details.pk])
    page = officer_client.get(change).content.decode()
    assert "DE89 •••• •••• •••• 3000" in page and DEMO_IBAN_SPACED not in page
    assert "Reveal full bank details" in page and "Never revealed" in page
    reveal_url = reverse("admin:payments_bankdetails_reveal", args=[ada_details.pk])
    assert officer_client.get(reveal_url).status_code == 404  # never by a link
    assert not BankDetailsReveal.objects.exists()

    response = officer_client.post(reveal_url)
    assert response.status_code == 200
    html = response.content.decode()
    assert DEMO_IBAN_SPACED in html and "COBADEFFXXX" in html and "Ada Lovelace" in html
    assert "no-store" in response["Cache-Control"]
    [log] = BankDetailsReveal.objects.all()
    assert (log.payee, log.revealed_by, log.purpose) == (ada_details.user, officer, "reveal")
    assert log.account == "DE89 •••• •••• •••• 3000"
    # Visible in admin, to officers.
    logs = officer_client.get(reverse("admin:payments_bankdetailsreveal_changelist"))
    assert "Pat Payments" in logs.content.decode()
    assert DEMO_IBAN_SPACED not in logs.content.decode()


def test_organizers_and_superusers_not_in_the_group_cannot_reveal(client, organizer,
                                                                  ada_details):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    reveal_url = reverse("admin:payments_bankdetails_reveal", args=[ada_details.pk])
    for user in (organizer, superuser):
        client.force_login(user)
        response = client.post(reveal_url)
        assert response.status_code == 403
        assert DEMO_IBAN_SPACED not in response.content.decode()
    client.force_login(organizer)
    assert client.get(reverse("admin:payments_bankdetails_changelist")).status_code == 403
    # Each attempt is on the log (tests/test_payments_refused_reveal.py), nothing granted.
    assert sorted(BankDetailsReveal.objects.values_list("revealed_by", "outcome")) == sorted(
        [(organizer.pk, "refused"), (superuser.pk, "refused")])


def test_participants_never_reach_the_admin_pages_of_bank_details(client, ada_details):
    client.force_login(ada_details.user)
    for url in (reverse("admin:payments_bankdetails_change", args=[ada_details.pk]),
                reverse("admin:payments_bankdetails_reveal", args=[ada_details.pk])):
        response = client.post(url)
        assert response.status_code == 302 and "/login/" in response.url
    assert not BankDetailsReveal.objects.exists()


def test_the_admin_history_page_shows_who_changed_what_masked(officer_client, ada_details):
    bank_details_save(user=ada_details.user, account=iban_account(
        iban="GB33BUKB20201555555555", bic=""), by=ada_details.user)
    page = officer_client.get(
        reverse("admin:payments_bankdetails_history", args=[ada_details.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "GB33 •••• •••• •••• 5555" in html
    assert DEMO_IBAN not in html and "GB33BUKB" not in html and "0532" not in html
    # No page per version (it would show today's encrypted fields with old ones).
    version = ada_details.history.earliest().history_id
    assert officer_client.get(reverse("admin:payments_bankdetails_simple_history",
                                      args=[ada_details.pk, version])).status_code == 404


def test_a_reveal_with_a_lost_key_says_so_and_shows_nothing(officer_client, ada_details,
                                                            settings):
    from cryptography.fernet import Fernet

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    response = officer_client.post(
        reverse("admin:payments_bankdetails_reveal", args=[ada_details.pk]))
    assert response.status_code == 500
    html = response.content.decode()
    assert "could not be decrypted with any key" in html and "gAAAA" not in html
    assert not BankDetailsReveal.objects.exists()
