"""Hostile input on the stipend forms: a request (with the bank details the first time,
saved together) and the bank details page. Never a server error; never bank details
saved without the request they came with, nor a request without its history and email."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from mm_program.models import Message
from payments.forms import BankDetailsForm, StipendRequestForm
from payments.models import BankDetails, StipendRequest
from payments.services.bank import bank_details_save, plaintext
from payments.services.stipends import amount_for

from .fuzz_strategies import (
    assert_no_server_error,
    assert_refused,
    assert_refused_as_too_big,
    changes,
    counts,
    examples,
    isolated,
    label,
    post,
    posts,
    received,
    rows,
    too_big,
)
from .helpers import days_ago
from .payments_fixtures import DEMO_IBAN_SPACED, iban_account

pytestmark = pytest.mark.django_db

ACCOUNTS = {
    "iban": {"holder_name": "Ada Lovelace", "kind": "iban", "iban": DEMO_IBAN_SPACED,
             "bic": "", "country": "", "account_number": "", "routing_code": ""},
    "account": {"holder_name": "Ada Lovelace", "kind": "account", "iban": "",
                "country": "US", "account_number": "1234 5678 9", "routing_code": "021000021",
                "bic": ""},
}
WATCHED = [StipendRequest, StipendRequest.history.model, BankDetails,
           BankDetails.history.model, Message]


def bank_fields(kind):
    return {f"bank-{name}": value for name, value in ACCOUNTS[kind].items()}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_saved_account(user, form_data):
    """The stored account is the one the form accepted, every field of it."""
    accepted = BankDetailsForm(received(form_data))
    assert accepted.is_valid() and accepted.account is not None
    details = BankDetails.objects.get(user=user)
    assert (details.kind, details.masked) == (accepted.account.kind, accepted.account.masked)
    assert plaintext(details) == {
        name: getattr(accepted.account, name)
        for name in ("holder_name", "iban", "bic", "account_number", "routing_code")}


@examples(25)
@given(data=st.data())
def test_it_takes_a_whole_stipend_request_or_nothing(world, data):
    m = world["m"]
    payee = data.draw(st.sampled_from([world["ada"], world["grace"]]))
    has_details = data.draw(st.booleans())
    valid = {"period_start": days_ago(27).isoformat(), "period_end": days_ago(14).isoformat(),
             "hours": "12", "rate": "30.00", "justification": "I can drop a shift.",
             **({} if has_details else bank_fields(data.draw(st.sampled_from(sorted(ACCOUNTS)))))}
    form = data.draw(posts(valid))
    with isolated():
        if has_details:
            bank_details_save(user=payee, account=iban_account(payee.name), by=payee)
        before = counts(WATCHED)
        details_before = rows(BankDetails.objects.all())
        # What the form makes of the post, judged before it saves (after, the saved
        # request would overlap itself).
        accepted = StipendRequestForm(received(form), mentorship=m, payee=payee)
        form_took_it = accepted.is_valid()
        response = post(signed_in(payee), reverse("stipend_new", args=[m.pk]), form)
        assert_no_server_error(response)
        delta = changes(before, WATCHED)
        if too_big(form):
            assert_refused_as_too_big(response)
        elif response.status_code == 302:
            assert form_took_it
            req = StipendRequest.objects.get(payee=payee)
            assert response.url == reverse("stipend_detail", args=[req.pk])
            wanted = {k: accepted.cleaned_data[k] for k in ("period_start", "period_end",
                                                            "hours", "rate", "justification")}
            assert {k: getattr(req, k) for k in wanted} == wanted
            assert req.amount == amount_for(req.hours, req.rate) > Decimal(0)
            new_details = {} if has_details else {
                label(BankDetails): 1, label(BankDetails.history.model): 1}
            assert delta == {label(StipendRequest): 1, label(StipendRequest.history.model): 1,
                             **new_details,
                             # The one email is the bank-details notice (the request's
                             # own comes when it is paid).
                             **({label(Message): 1} if new_details else {})}
            if not has_details:
                assert_saved_account(payee, form)
            return
        else:
            assert_refused(response)
        assert delta == {}
        assert rows(BankDetails.objects.all()) == details_before


@examples(25)
@given(data=st.data())
def test_it_saves_whole_bank_details_or_nothing(world, data):
    user = data.draw(st.sampled_from([world["ada"], world["grace"]]))
    replacing = data.draw(st.booleans())
    form = data.draw(posts({**bank_fields(data.draw(st.sampled_from(sorted(ACCOUNTS)))),
                            "next": "/stipends/"}))
    with isolated():
        if replacing:
            bank_details_save(user=user, account=iban_account("Old Name"), by=user)
        before = counts(WATCHED)
        details_before = rows(BankDetails.objects.all())
        response = post(signed_in(user), reverse("stipend_bank_details"), form)
        assert_no_server_error(response)
        delta = changes(before, WATCHED)
        if too_big(form):
            assert_refused_as_too_big(response)
        elif response.status_code == 302:
            assert_saved_account(user, form)
            created = {} if replacing else {label(BankDetails): 1}
            assert delta == {**created, label(BankDetails.history.model): 1,
                             label(Message): 1}
            return
        else:
            assert_refused(response)
        assert delta == {}
        assert rows(BankDetails.objects.all()) == details_before
