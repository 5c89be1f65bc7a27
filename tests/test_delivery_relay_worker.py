"""A mail server that accepts connections and never answers, under a real worker (prefork,
as deployed): the send is cut off by EMAIL_TIMEOUT or the task's soft time limit, no
transaction stays open meanwhile, the worker is free again, and the message goes out
once the server answers again. Runs where REDIS_URL is set and the database is
PostgreSQL."""

import os
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from mm_program import delivery, messaging
from mm_program.celery import app as celery_app
from mm_program.models import MessageStatus

from .celery_helpers import own_queue
from .worker_process import WorkerProcess

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from smtp_sink import SinkProcess  # noqa: E402

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _wait(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


def _idle_in_transaction() -> int:
    """Sessions on the test database (other than this one) holding a transaction open."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND state "
                       "LIKE 'idle in transaction%%' AND pid <> pg_backend_pid()",
                       [settings.DATABASES["default"]["NAME"]])
        return cursor.fetchone()[0]


@pytest.mark.parametrize("cut_off_by, bound, env", [
    ("EMAIL_TIMEOUT", 3, {"EMAIL_TIMEOUT": "3"}),
    ("the soft time limit", 3, {"EMAIL_TIMEOUT": "600", "MESSAGE_SOFT_TIME_LIMIT": "3",
                                "MESSAGE_TIME_LIMIT": "6"}),
])
def test_a_silent_mail_server_holds_no_worker_and_the_email_goes_out_once_it_answers(
        tmp_path, monkeypatch, cut_off_by, bound, env):
    # A task's time limits travel with it from whoever publishes it (this process).
    task = delivery.deliver_message
    monkeypatch.setattr(task, "soft_time_limit",
                        int(env.get("MESSAGE_SOFT_TIME_LIMIT", task.soft_time_limit)))
    monkeypatch.setattr(task, "time_limit", int(env.get("MESSAGE_TIME_LIMIT", task.time_limit)))
    monkeypatch.setattr(task, "_exec_options", None)
    record = tmp_path / "ids.txt"
    relay = SinkProcess(record, silent=True).start()
    worker = None
    with own_queue("test-relay") as queue:
        try:
            worker = WorkerProcess(
                queue, "relay", log=tmp_path / "worker.log",
                EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(relay.port), **env)
            message = messaging.queue(
                "decision", to="ada@example.org", occasion="test/silent-relay",
                context={"subject": "Hello", "body": "Body", "accepted": False,
                         "dashboard_url": "http://x/"})

            def status():
                message.refresh_from_db()
                return message.status

            _wait(lambda: status() == MessageStatus.SENDING, 60, "a worker to take it")
            # While the worker waits on the server: no transaction is open anywhere.
            open_transactions = []
            while status() == MessageStatus.SENDING:
                open_transactions.append(_idle_in_transaction())
                assert len(open_transactions) < 5 * (bound + 10), f"not cut off by {cut_off_by}"
                time.sleep(0.2)
            assert len(open_transactions) >= 3 and max(open_transactions) == 0
            # Cut off, and given back for later: not lost, not failed.
            assert message.status == MessageStatus.QUEUED
            assert message.next_attempt_at > timezone.now() and message.claimed_by == ""
            assert ("timed out" in message.last_error if cut_off_by == "EMAIL_TIMEOUT"
                    else "time limit" in message.last_error), message.last_error
            # The worker is free again: it runs nothing.
            _wait(lambda: (celery_app.control.inspect([worker.name], timeout=1).active()
                           or {}).get(worker.name) == [], 20, "the worker to be idle")

            # The server answers again; the backoff is over; the sweeper hands it over.
            relay.stop()
            relay = SinkProcess(record, port=relay.port).start()
            message.__class__.objects.filter(pk=message.pk).update(
                next_attempt_at=timezone.now())
            assert delivery.sweep().handed_over == 1
            _wait(lambda: status() == MessageStatus.SENT, 30, "the email to go out")
            assert relay.ids() == [message.message_id]
            assert message.attempts == 2
        finally:
            if worker:
                worker.stop()
            relay.stop()
