"""Payments officers hear of a stipend request waiting more than 5 days (the program's
interval) for a decision or, once approved, to be paid: each occasion once."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse

from mm_program.models import Message, ReminderPause
from mm_program.reminders import scan
from payments.models import StipendBudget, StipendRequest

from .factories import UserFactory
from .helpers import days_ago, today
from .payments_fixtures import submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]


def sent_on(req, days):
    """Move the request's submission (and decision, if any) `days` days back."""
    when = datetime.combine(days_ago(days), datetime.min.time(), tzinfo=UTC)
    StipendRequest.objects.filter(pk=req.pk).update(submitted_at=when)
    if req.decided_at:
        StipendRequest.objects.filter(pk=req.pk).update(decided_at=when)


def waiting():
    return list(Message.objects.filter(kind="stipend-waiting").order_by("pk").values_list(
        "recipient", "occasion"))


def scan_waiting(day):
    """Scan (all rules) and count the stipend reminders it queued."""
    before = len(waiting())
    scan(day)
    return len(waiting()) - before


def test_officers_hear_of_a_request_waiting_more_than_five_days_once(world, officer):
    second = UserFactory(is_staff=True, email="sam@example.org")
    second.groups.add(*officer.groups.all())
    req = submit(world["m"], world["ada"])
    sent_on(req, 5)
    assert scan_waiting(today()) == 0
    sent_on(req, 6)
    assert scan_waiting(today()) == 2
    assert sorted(r for r, _ in waiting()) == ["pat@example.org", "sam@example.org"]
    email = next(e for e in mail.outbox if e.to == ["pat@example.org"])
    assert f"Stipend request {req.pk} has waited 6 days for a decision" in email.subject
    assert reverse("admin:payments_stipendrequest_change", args=[req.pk]) in email.body
    assert "DE89" not in email.body and "/reminders/pause/" in email.body
    # Daily scans send nothing new for the same stage.
    assert scan_waiting(today() + timedelta(days=1)) == 0
    assert len(waiting()) == 2


def test_an_approved_request_waiting_to_be_paid_is_a_new_occasion(world, officer, budget):
    from payments.services import stipends as services

    req = submit(world["m"], world["ada"])
    sent_on(req, 10)
    scan_waiting(today())
    req = services.stipend_request_approve(stipend_request=req, by=officer)
    assert scan_waiting(today()) == 0  # approved just now
    sent_on(req, 6)
    assert scan_waiting(today()) == 1
    assert [o.rsplit("/", 2)[1] for _, o in waiting()] == ["submitted", "approved"]
    services.stipend_request_mark_paid(
        stipend_request=req, by=officer, paid_on=today(), reference="R")
    assert scan_waiting(today() + timedelta(days=30)) == 0


def test_the_interval_is_the_programs(world, officer, program):
    StipendBudget.objects.create(program=program, remind_waiting_days=2)
    req = submit(world["m"], world["ada"])
    sent_on(req, 3)
    assert scan_waiting(today()) == 1


def test_decided_requests_and_paused_officers_get_no_reminder(world, officer):
    from payments.services import stipends as services

    rejected = services.stipend_request_reject(
        stipend_request=submit(world["m"], world["ada"]), by=officer,
        reason="No")
    sent_on(rejected, 30)
    assert scan_waiting(today()) == 0
    req = submit(world["m"], world["grace"])
    sent_on(req, 30)
    ReminderPause.objects.create(user=officer, kind="stipend-waiting")
    assert scan_waiting(today()) == 0


def test_without_payments_officers_nothing_is_due(world):
    sent_on(submit(world["m"], world["ada"]), 30)
    assert scan_waiting(today()) == 0
