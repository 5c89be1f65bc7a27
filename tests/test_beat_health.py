"""The beat container's health check fails when scheduled tasks stop being sent."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

pytestmark = pytest.mark.django_db

SCAN = "Scan for due reminders"  # created by a migration, every 15 minutes


@pytest.fixture
def scan():
    every, _ = IntervalSchedule.objects.get_or_create(every=15, period="minutes")
    task, _ = PeriodicTask.objects.get_or_create(
        name=SCAN, defaults={"task": "mm_program.tasks.scan_reminders", "interval": every})
    return task


def backdate(task, *, last_run_minutes_ago, changed_minutes_ago=120):
    now = timezone.now()
    PeriodicTask.objects.filter(pk=task.pk).update(
        last_run_at=None if last_run_minutes_ago is None
        else now - timedelta(minutes=last_run_minutes_ago),
        date_changed=now - timedelta(minutes=changed_minutes_ago))


def test_it_is_healthy_when_the_scan_ran_recently(scan):
    backdate(scan, last_run_minutes_ago=20)
    out = StringIO()
    call_command("beat_health", stdout=out)
    assert "beat is sending" in out.getvalue()


def test_it_fails_naming_the_task_beat_stopped_sending(scan):
    backdate(scan, last_run_minutes_ago=40)  # two intervals and the sync slack passed
    with pytest.raises(CommandError, match=SCAN):
        call_command("beat_health")


def test_a_task_never_sent_counts_from_its_last_change(scan):
    backdate(scan, last_run_minutes_ago=None, changed_minutes_ago=10)
    call_command("beat_health")
    backdate(scan, last_run_minutes_ago=None, changed_minutes_ago=60)
    with pytest.raises(CommandError, match="never"):
        call_command("beat_health")


def test_disabled_tasks_do_not_count(scan):
    backdate(scan, last_run_minutes_ago=600)
    PeriodicTask.objects.filter(pk=scan.pk).update(enabled=False)
    call_command("beat_health")
