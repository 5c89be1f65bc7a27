"""A matching run started in the admin is solved by a real Celery worker, through the real
Redis broker, after the request has answered.

Runs where REDIS_URL is set (CI points it at the machine's Redis); skipped elsewhere.
"""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_prerun
from django.urls import reverse

from matching.models import MatchingRun
from mm_program.celery import app as celery_app

from .celery_helpers import own_queue
from .matching_helpers import accepted_mentee, accepted_mentor

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"),
                                reason="needs a real Redis broker (set REDIS_URL)")


@pytest.mark.django_db(transaction=True)
def test_a_run_is_solved_by_a_worker_after_the_request(organizer_client, program):
    accepted_mentor(program, "Ines Interp", areas=("Interpretability",))
    accepted_mentee(program, "Ada A", areas=("Interpretability",))
    ran = []

    def record(task=None, **kwargs):
        ran.append((task.name, task.request.is_eager))

    task_prerun.connect(record, weak=False)
    try:
        with own_queue():
            response = organizer_client.post(reverse("admin:matching_matchingrun_add"), {
                "program": program.pk, "threshold": "20", "weight_areas": "4",
                "weight_timezone": "2", "weight_commitment": "1", "weight_style": "1",
                "weight_preference": "2",
            }, follow=True)
            # Nobody consumes the queue yet: the request answered without solving.
            run = MatchingRun.objects.get()
            assert run.status == MatchingRun.Status.QUEUED
            assert "The run is queued" in response.content.decode()
            with start_worker(celery_app, pool="solo", perform_ping_check=False,
                              shutdown_timeout=10, loglevel="WARNING"):
                deadline = time.monotonic() + 30
                while run.is_under_way and time.monotonic() < deadline:
                    time.sleep(0.1)
                    run.refresh_from_db()
    finally:
        task_prerun.disconnect(record)
    assert run.status == MatchingRun.Status.PROPOSED
    assert ran == [("matching.tasks.solve_matching_run", False)]
    status = organizer_client.get(reverse("admin:matching_matchingrun_status", args=[run.pk]))
    assert status.json()["under_way"] is False
    assert "1 of 1 mentees" in organizer_client.get(
        reverse("admin:matching_matchingrun_change", args=[run.pk])).content.decode()
