"""The confirmation email goes through a real Celery worker and the real Redis broker.

Runs where REDIS_URL is set (CI points it at the machine's Redis); skipped elsewhere.
"""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun
from django.core import mail

from matching.models import MenteeApplication
from matching.services.applications import application_submit
from mm_program import delivery, messaging
from mm_program.celery import app as celery_app
from mm_program.models import MessageStatus

from .celery_helpers import own_queue
from .email_backends import Flaky
from .factories import ProgramFactory, ResearchAreaFactory

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"),
                                reason="needs a real Redis broker (set REDIS_URL)")


@pytest.fixture
def real_worker():
    """A worker thread consuming a queue of its own on the real broker."""
    with own_queue(), start_worker(celery_app, pool="solo", perform_ping_check=False,
                                   shutdown_timeout=10, loglevel="WARNING"):
        yield


@pytest.mark.django_db(transaction=True)
def test_the_confirmation_email_is_sent_by_a_real_worker(real_worker):
    ran = []

    def record(task=None, **kwargs):
        ran.append((task.name, task.request.is_eager, task.request.delivery_info))

    task_prerun.connect(record, weak=False)
    try:
        _submit_and_wait()
    finally:
        task_prerun.disconnect(record)
    # It went through the broker to the worker, not in-process.
    [(name, is_eager, delivery_info)] = ran
    assert name == "mm_program.tasks.deliver_message"
    assert is_eager is False
    assert delivery_info["routing_key"] == celery_app.conf.task_default_queue


def _submit_and_wait():
    program = ProgramFactory()
    area = ResearchAreaFactory()
    application = MenteeApplication(
        program=program, name="Real Worker", email="worker@example.org",
        timezone="UTC", occupation="phd", hours_per_week=6, goals="x",
        fulltime_intent="yes",
    )
    application_submit(application=application, research_areas=[area])

    deadline = time.monotonic() + 20
    while not mail.outbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [m.to for m in mail.outbox] == [["worker@example.org"]]
    assert "We received your mentee application" in mail.outbox[0].subject


def _runs_of(task_name):
    runs = []

    def record(task=None, **kwargs):
        if task.name == task_name:
            runs.append(task.request.is_eager)

    return runs, record


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("failures, status, attempts", [(2, "sent", 3), (9, "failed", 5)])
def test_transient_errors_wait_in_the_database_then_go_through_the_broker_until_the_cap(
        real_worker, settings, monkeypatch, failures, status, attempts):
    """The retry path of a real worker (not the in-process shortcut): a transient error
    gives the message back with a backoff, the sweeper hands it over when due, each try
    comes from the broker, and the attempts count caps it at MAX_ATTEMPTS."""
    settings.EMAIL_BACKEND = "tests.email_backends.Flaky"
    monkeypatch.setattr(Flaky, "failures", failures)
    monkeypatch.setattr(Flaky, "calls", 0)
    monkeypatch.setattr(delivery, "backoff_seconds", lambda attempts: 0)  # no waiting here
    runs, record = _runs_of("mm_program.tasks.deliver_message")
    task_prerun.connect(record, weak=False)
    try:
        message = messaging.queue(
            "decision", to="retry@example.org", occasion=f"test/retry/{failures}",
            context={"subject": "Hello", "body": "Body", "accepted": False,
                     "dashboard_url": "http://x/"})
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            message.refresh_from_db()
            if message.status in (MessageStatus.SENT, MessageStatus.FAILED):
                break
            delivery.sweep()  # as beat does every minute
            time.sleep(0.2)
    finally:
        task_prerun.disconnect(record)
    assert (message.status, message.attempts) == (status, attempts)
    assert len(runs) >= attempts and not any(runs)  # each try came from the broker
    assert len(mail.outbox) == (1 if status == "sent" else 0)
    if status == "failed":  # visible to organizers, with the reason
        assert message.last_error.startswith("SMTPServerDisconnected")
    else:
        assert message.last_error == ""


@pytest.mark.django_db(transaction=True)
def test_an_announcement_to_a_thousand_people_reaches_each_exactly_once(real_worker, program):
    """Issue 20: sent through the message log and a real worker on the real broker, each
    of 1,000 people gets the announcement once; a second send changes nothing."""
    from django.core.exceptions import ValidationError

    from matching.models import Announcement, Audience, Mentee
    from matching.services.announcements import KIND, announcement_send
    from mm_program.models import Message, User

    users = User.objects.bulk_create(
        User(email=f"person{n}@example.org", name=f"Person {n}") for n in range(1000))
    Mentee.objects.bulk_create(Mentee(program=program, user=user, source="imported")
                               for user in users)
    organizer = User.objects.create_user("organizer@example.org")
    announcement = Announcement.objects.create(
        program=program, audience=Audience.WAITING, subject="Kick-off on Monday",
        body="The program starts on Monday at 17:00 UTC.")
    assert announcement_send(announcement=announcement, by=organizer) == 1000
    with pytest.raises(ValidationError):
        announcement_send(announcement=announcement, by=organizer)

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if not Message.objects.filter(kind=KIND).exclude(status=MessageStatus.SENT).exists():
            break
        delivery.sweep()
        time.sleep(0.5)
    assert Message.objects.filter(kind=KIND, status=MessageStatus.SENT).count() == 1000
    recipients = [email.to[0] for email in mail.outbox if "Kick-off" in email.subject]
    assert len(recipients) == 1000
    assert set(recipients) == {user.email for user in users}
