"""A batch of 1,000 due reminders through real Celery worker processes on the real Redis.

Each worker is a separate `celery worker` process on the test database (PostgreSQL), so
it can be killed with SIGKILL mid-batch like a crashed machine. Runs where REDIS_URL is
set and the database is PostgreSQL (CI); skipped elsewhere.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from matching.models import Mentee, Mentor, Mentorship, Program
from mm_program.delivery import sweep
from mm_program.models import Message, MessageStatus, User
from mm_program.reminders import scan

from .celery_helpers import own_queue

pytestmark = [
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL)"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

BATCH = 1000
ROOT = Path(__file__).resolve().parent.parent


def _due_mentorships(n: int) -> None:
    """n active mentorships with no meeting for 30 days: one meeting nudge each."""
    program = Program.objects.create(name="Worker program", slug=f"w-{uuid.uuid4().hex[:6]}")
    tag = uuid.uuid4().hex[:6]
    users = User.objects.bulk_create(
        [User(email=f"mentor{i}-{tag}@example.org", name=f"Mentor {i}") for i in range(n)]
        + [User(email=f"mentee{i}-{tag}@example.org", name=f"Mentee {i}") for i in range(n)]
    )
    mentors = Mentor.objects.bulk_create(
        [Mentor(program=program, user=u, capacity=1) for u in users[:n]])
    mentees = Mentee.objects.bulk_create(
        [Mentee(program=program, user=u) for u in users[n:]])
    start = timezone.localdate() - timedelta(days=30)
    Mentorship.objects.bulk_create([
        Mentorship(program=program, mentor=mo, mentee=me, status="active", source="organizer",
                   start_date=start, planned_end_date=start + timedelta(days=120),
                   introduced_at=timezone.now() - timedelta(days=30),
                   terms_recorded_at=timezone.now() - timedelta(days=29))
        for mo, me in zip(mentors, mentees, strict=True)
    ])


class Worker:
    def __init__(self, queue: str, outbox: Path, name: str):
        db = settings.DATABASES["default"]
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "EMAIL_BACKEND": "tests.email_backends.AppendToFile",
            "MM_OUTBOX_FILE": str(outbox),
            # Unacknowledged tasks of a killed worker come back after this many seconds.
            "CELERY_VISIBILITY_TIMEOUT": "5",
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DEBUG": "0",
            "SECRET_KEY": "worker-test-" + "x" * 48,
            "PYTHONPATH": str(ROOT),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "mm_program", "worker", "--pool=solo",
             "-Q", queue, "-n", f"{name}@%h", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "--loglevel=WARNING"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def _lines(outbox: Path) -> list[dict]:
    if not outbox.exists():
        return []
    return [json.loads(line) for line in outbox.read_text().splitlines() if line]


def _wait(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


_last_scan = [0.0]


def _all_sent_while_beat_scans(*, every: float) -> bool:
    """Whether the batch is sent; meanwhile, scan and sweep as beat would."""
    if time.monotonic() - _last_scan[0] >= every:
        _last_scan[0] = time.monotonic()
        scan()
        sweep()
    return Message.objects.filter(status=MessageStatus.SENT).count() == BATCH


@pytest.fixture
def broker_queue():
    with own_queue("test-reminders") as queue:
        yield queue


def test_a_batch_survives_a_killed_worker_and_is_sent_once(broker_queue, tmp_path):
    # The killed worker's claims lapse with their lease (30 s); beat's sweeper (every
    # minute, every few seconds here) hands them over again, and any message whose task
    # the broker lost (kombu pops, then records it unacknowledged: not atomic).
    outbox = tmp_path / "outbox.jsonl"
    _due_mentorships(BATCH)

    first = scan()
    second = scan()  # beat firing twice
    assert (first.queued, second.queued, second.existing) == (BATCH, 0, BATCH)
    assert Message.objects.count() == BATCH

    worker = Worker(broker_queue, outbox, "first")
    replacement = None
    try:
        _wait(lambda: len(_lines(outbox)) >= BATCH // 4, 120, "the first worker to start")
        worker.kill()  # mid-batch, like a crashed machine: no warm shutdown
        sent_before = len(_lines(outbox))
        assert sent_before < BATCH, "the batch finished before the kill: make it bigger"

        replacement = Worker(broker_queue, outbox, "second")
        _wait(lambda: _all_sent_while_beat_scans(every=5), 420,  # generous: noisy machines
              "every message to be sent")
    finally:
        worker.stop()
        if replacement:
            replacement.stop()

    assert scan().queued == 0  # nothing new after the batch either
    lines = _lines(outbox)
    ids = [line["message_id"] for line in lines]
    expected = {m.message_id for m in Message.objects.all()}
    # None lost: every logged message reached the outbox.
    assert set(ids) == expected
    # None twice: the only possible repeat is the one email the killed worker had handed
    # to the server but not yet recorded; it carries the same Message-ID, so it shows once.
    repeats = len(ids) - len(set(ids))
    assert repeats <= 1, f"{repeats} emails were sent twice"
    assert not Message.objects.exclude(status=MessageStatus.SENT).exists()
    assert max(Message.objects.values_list("attempts", flat=True)) <= 2
