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
from mm_program.celery import app as celery_app

from .celery_helpers import own_queue
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
