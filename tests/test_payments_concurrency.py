"""Stipends under concurrency, on PostgreSQL: two officers paying, exporting or approving
at the same instant. SQLite serialises writers anyway (and its in-memory test database is
not shared between threads), so these run where it matters: on PostgreSQL, in CI."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from mm_program.models import Message
from payments.models import PayoutBatch, StipendBudget, StipendRequest
from payments.services import payouts
from payments.services import stipends as services

from .factories import UserFactory
from .helpers import days_ago, today
from .payments_fixtures import submit
from .test_capacity_concurrency import race

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]


@pytest.fixture
def second_officer(officer):
    user = UserFactory(is_staff=True, email="sam@example.org")
    user.groups.add(*officer.groups.all())
    return user


def test_two_officers_paying_the_same_request_pay_it_once(world, officer, second_officer,
                                                          program):
    StipendBudget.objects.create(program=program, amount=Decimal("1000"))
    req = services.stipend_request_approve(
        stipend_request=submit(world["m"], world["ada"]), by=officer)
    results = race(*(
        lambda who=who, ref=ref: services.stipend_request_mark_paid(
            stipend_request=req, by=who, paid_on=today(),
            reference=ref)
        for who, ref in ((officer, "SEPA-A"), (second_officer, "SEPA-B"),
                         (officer, "SEPA-C"), (second_officer, "SEPA-D"))
    ))
    paid = [r for r in results if isinstance(r, StipendRequest)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(paid) == 1 and len(refused) == 3, results
    assert all(e.code == "paid" for e in refused)
    req.refresh_from_db()
    assert req.status == "paid" and req.payment_reference == paid[0].payment_reference
    assert req.history.filter(status="paid").count() == 1
    assert Message.objects.filter(kind="stipend-paid").count() == 1


def test_two_exports_at_once_put_each_request_in_one_batch(world, officer, second_officer,
                                                           program):
    StipendBudget.objects.create(program=program, amount=Decimal("1000"))
    ids = [services.stipend_request_approve(
        stipend_request=submit(world["m"], payee), by=officer).pk
           for payee in (world["ada"], world["grace"])]
    results = race(*(lambda who=who: payouts.payout_batch_export(request_ids=ids, by=who)
                     for who in (officer, second_officer, officer)))
    assert not [r for r in results if isinstance(r, Exception)], results
    exported = [r for r in results if r.batch is not None]
    assert len(exported) == 1 and len(exported[0].exported) == 2
    assert PayoutBatch.objects.count() == 1
    assert set(StipendRequest.objects.values_list("batch", flat=True)) == {
        exported[0].batch.pk}


def test_concurrent_approvals_never_go_past_the_budget(world, officer, second_officer,
                                                      program):
    StipendBudget.objects.create(program=program, amount=Decimal("300"))
    first = submit(world["m"], world["ada"])  # 300
    second = submit(world["m"], world["grace"])  # 300
    results = race(lambda: services.stipend_request_approve(stipend_request=first, by=officer),
                   lambda: services.stipend_request_approve(
                       stipend_request=second, by=second_officer))
    approved = [r for r in results if isinstance(r, StipendRequest)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(approved) == 1 and len(refused) == 1, results
    assert refused[0].code == "over_budget"
    assert StipendRequest.objects.filter(status="approved").count() == 1


def test_overlapping_requests_sent_at_once_make_one(world):
    submit(world["m"], world["ada"], start=days_ago(50), end=days_ago(45))  # bank details
    results = race(*(
        lambda n=n: submit(world["m"], world["ada"], start=days_ago(20 - n),
                           end=days_ago(10 - n))
        for n in range(4)
    ))
    assert sum(isinstance(r, StipendRequest) for r in results) == 1, results
    assert StipendRequest.objects.count() == 2
