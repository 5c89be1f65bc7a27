"""Batched delivery: one claim, one connection and a record per email; what a failure,
the deadline or a dead worker leaves is given back, and the sweeper hands over only what
no task will deliver."""

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from mm_program import delivery, messaging
from mm_program.models import Message, MessageStatus

pytestmark = pytest.mark.django_db


class Counting(EmailBackend):
    """locmem, counting the connections opened; fails as `plan` says, per send."""

    opened = 0
    plan: list = []

    def open(self):
        type(self).opened += 1
        return True

    def send_messages(self, messages):
        if type(self).plan:
            failure = type(self).plan.pop(0)
            if failure is not None:
                raise failure
        return super().send_messages(messages)


@pytest.fixture
def counting(settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.test_delivery_batches.Counting"
    monkeypatch.setattr(Counting, "opened", 0)
    monkeypatch.setattr(Counting, "plan", [])
    return Counting


@pytest.fixture
def handed(monkeypatch):
    """Hand-overs recorded instead of run: the test runs the batches itself."""
    tasks = []
    monkeypatch.setattr(delivery.deliver_message, "delay", tasks.append)
    return tasks


def log(n, prefix="batch"):
    return [messaging.queue("decision", to=f"p{i}@example.org", occasion=f"{prefix}/{i}",
                            context={"subject": "Hello", "body": "Body", "accepted": False,
                                     "dashboard_url": "http://x/"}).pk
            for i in range(n)]


def statuses(ids):
    return list(Message.objects.filter(pk__in=ids).order_by("pk")
                .values_list("status", flat=True))


def test_a_batch_is_sent_over_one_connection_and_each_email_recorded(counting, handed):
    ids = log(5)
    result = delivery.messages_deliver(ids=ids, holder="task-1")
    assert result.as_dict() == {"skipped": 0, "sent": 5}
    assert counting.opened == 1 and len(mail.outbox) == 5
    assert statuses(ids) == ["sent"] * 5
    assert {m.extra_headers["Message-ID"] for m in mail.outbox} == {
        m.message_id for m in Message.objects.filter(pk__in=ids)}
    # Run again (the broker delivered the task twice): nothing more is sent.
    assert delivery.messages_deliver(ids=ids, holder="task-2").as_dict() == {"skipped": 5}
    assert len(mail.outbox) == 5


def test_a_wave_is_handed_over_a_batch_to_a_task(handed, settings,
                                                 django_capture_on_commit_callbacks):
    settings.MESSAGE_BATCH_SIZE = 2
    with django_capture_on_commit_callbacks(execute=True), messaging.handing_over_together():
        ids = log(5)
    assert handed == [ids[0:2], ids[2:4], ids[4:5]]


def test_a_message_another_worker_holds_is_skipped_a_lapsed_claim_is_taken(counting, handed):
    held, lapsed, mine = log(3)
    now = timezone.now()
    Message.objects.filter(pk=held).update(status=MessageStatus.SENDING, claimed_by="other",
                                           lease_until=now + timedelta(seconds=20))
    Message.objects.filter(pk=lapsed).update(status=MessageStatus.SENDING, claimed_by="dead",
                                             lease_until=now - timedelta(seconds=1))
    # The broker redelivers a task whose process died: it takes its own claim back.
    Message.objects.filter(pk=mine).update(status=MessageStatus.SENDING, claimed_by="task-1",
                                           lease_until=now + timedelta(seconds=20))
    result = delivery.messages_deliver(ids=[held, lapsed, mine], holder="task-1")
    assert result.as_dict() == {"skipped": 1, "sent": 2}
    assert statuses([held, lapsed, mine]) == ["sending", "sent", "sent"]


def test_a_dropped_connection_gives_the_rest_back_for_the_backoff(counting, handed):
    ids = log(4)
    counting.plan = [None, smtplib.SMTPServerDisconnected("gone")]
    result = delivery.messages_deliver(ids=ids, holder="task-1")
    assert result.as_dict() == {"skipped": 0, "sent": 1, "retry": 3}
    assert statuses(ids) == ["sent", "queued", "queued", "queued"]
    waiting = Message.objects.filter(pk__in=ids[1:])
    assert all(m.next_attempt_at > timezone.now() + timedelta(seconds=25) for m in waiting)
    assert all(m.handed_over_at is None and m.claimed_by == "" for m in waiting)
    assert {m.last_error for m in waiting} == {"SMTPServerDisconnected: gone"}
    # The backoff waits in the database: the sweeper hands them over once it is over.
    assert delivery.sweep().handed_over == 0
    assert delivery.sweep(now=timezone.now() + timedelta(seconds=31)).handed_over == 3


def test_a_temporary_refusal_of_one_email_leaves_the_others_going(counting, handed):
    ids = log(3)
    counting.plan = [smtplib.SMTPRecipientsRefused({"p0@example.org": (450, b"busy")})]
    result = delivery.messages_deliver(ids=ids, holder="task-1")
    assert result.as_dict() == {"skipped": 0, "retry": 1, "sent": 2}
    assert result.retry_ids == [ids[0]]
    assert statuses(ids) == ["queued", "sent", "sent"]


def test_what_the_deadline_leaves_goes_to_a_new_task_and_is_no_attempt(counting, handed,
                                                                      settings):
    settings.MESSAGE_BATCH_SECONDS = 0
    ids = log(3)
    result = delivery.messages_deliver(ids=ids, holder="task-1")
    assert result.as_dict() == {"skipped": 0, "sent": 1, "handed_on": 2}
    assert handed == [ids[1:]]
    rest = Message.objects.filter(pk__in=ids[1:])
    assert [(m.status, m.attempts) for m in rest] == [("queued", 0)] * 2


def test_sealed_emails_in_a_batch_are_opened_one_by_one_and_erased_once_sent(
        counting, handed, settings):
    from django.test import Client
    from django.urls import reverse

    from .factories import UserFactory

    people = [UserFactory(email=f"s{i}@example.org") for i in range(2)]
    for person in people:
        Client().post(reverse("account_request_login_code"), {"email": person.email})
    sealed = list(Message.objects.filter(kind="account").values_list("pk", flat=True))
    assert len(sealed) == 2 and all(handed)
    delivery.messages_deliver(ids=sealed, holder="task-1")
    assert [m.to for m in mail.outbox] == [["s0@example.org"], ["s1@example.org"]]
    assert all(m.status == "sent" and m.sealed == ""
               for m in Message.objects.filter(pk__in=sealed))


# --- the sweeper ---------------------------------------------------------------------------


@pytest.fixture
def broker(monkeypatch):
    """What the sweeper reads of the broker's queue."""
    state = {"holds_tasks": False}
    monkeypatch.setattr(delivery, "_broker_holds_tasks", lambda: state["holds_tasks"])
    return state


def test_a_lapsed_claim_is_given_back_and_handed_over_once(handed, broker):
    [pk] = log(1)
    handed.clear()
    Message.objects.filter(pk=pk).update(status=MessageStatus.SENDING, claimed_by="dead",
                                         attempts=1,
                                         lease_until=timezone.now() + timedelta(seconds=30))
    assert delivery.sweep().released == 0  # the lease still runs: its worker may be alive
    later = timezone.now() + timedelta(seconds=31)
    swept = delivery.sweep(now=later)
    assert (swept.released, swept.handed_over) == (1, 1) and handed == [[pk]]
    # Its task is waiting now: the next sweeps leave it alone.
    broker["holds_tasks"] = True
    assert delivery.sweep(now=later + timedelta(seconds=60)).handed_over == 0


def test_a_message_whose_worker_died_at_every_attempt_fails_and_its_seal_goes(handed, broker):
    [pk] = log(1)
    Message.objects.filter(pk=pk).update(
        status=MessageStatus.SENDING, claimed_by="dead", attempts=delivery.MAX_ATTEMPTS,
        sealed="token", lease_until=timezone.now() - timedelta(seconds=1))
    assert delivery.sweep().failed == 1
    message = Message.objects.get(pk=pk)
    assert message.status == "failed" and message.sealed == ""
    assert "stopped" in message.last_error


def test_a_lost_hand_over_is_made_again_once_per_period_not_once_per_sweep(handed, broker,
                                                                          settings):
    [pk] = log(1)  # handed over as it was logged
    handed.clear()
    now = timezone.now()
    assert delivery.sweep(now=now).handed_over == 0  # too recent: it may be on its way
    after = now + timedelta(seconds=settings.MESSAGE_REHAND_AFTER_SECONDS + 1)
    broker["holds_tasks"] = True  # tasks wait in the queue: its own may be among them
    assert delivery.sweep(now=after).handed_over == 0
    broker["holds_tasks"] = False  # an empty queue: its task is gone (Redis lost it)
    assert delivery.sweep(now=after).handed_over == 1 and handed == [[pk]]
    assert delivery.sweep(now=after + timedelta(seconds=1)).handed_over == 0
    # However full the queue, a hand-over older than a task lives is lost.
    broker["holds_tasks"] = True
    expired = after + timedelta(seconds=settings.MESSAGE_TASK_EXPIRES_SECONDS + 1)
    assert delivery.sweep(now=expired).handed_over == 1


def test_a_message_never_handed_over_is_handed_over_at_the_next_sweep(handed, broker):
    [pk] = log(1)
    Message.objects.filter(pk=pk).update(handed_over_at=None)  # the broker was away
    handed.clear()
    broker["holds_tasks"] = True
    assert delivery.sweep().handed_over == 1 and handed == [[pk]]
