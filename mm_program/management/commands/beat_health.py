"""`manage.py beat_health`: is Celery beat really sending the scheduled tasks?

The beat container's health check (docker-compose.yml). A running beat process proves
little: this asks the database whether every enabled interval task has been sent within
two of its intervals. django_celery_beat writes `last_run_at` back every few minutes
(celery's `sync_every`, 3 minutes), so that much slack is added.
"""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

# Beat's write-back delay (celery.beat.Scheduler.sync_every) plus a margin.
SYNC_SLACK = timedelta(minutes=5)


def overdue_tasks(now=None) -> list[str]:
    """Enabled, recurring interval tasks not sent within two intervals (plus slack),
    counted from their last run or, never run yet, from when they were last changed."""
    now = now or timezone.now()
    overdue = []
    tasks = PeriodicTask.objects.filter(enabled=True, one_off=False,
                                        interval__isnull=False).select_related("interval")
    for task in tasks:
        if task.start_time and task.start_time > now:
            continue
        every = timedelta(**{task.interval.period: task.interval.every})
        since = max(filter(None, (task.last_run_at, task.date_changed, task.start_time)))
        if now - since > 2 * every + SYNC_SLACK:
            overdue.append(f"{task.name} (last sent {task.last_run_at or 'never'})")
    return overdue


class Command(BaseCommand):
    help = "Exit non-zero unless Celery beat is sending every enabled interval task."
    # Runs every few minutes in the container: skip the system checks.
    requires_system_checks = []

    def handle(self, *args, **options):
        overdue = overdue_tasks()
        if overdue:
            raise CommandError("Beat has not sent: " + "; ".join(overdue))
        self.stdout.write("beat is sending its tasks")
