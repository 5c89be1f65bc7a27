"""The periodic tasks of the ground, run by celery beat (schedules editable in admin):
the reminder scan, the message sweeper and the retention job. Delivery itself is
``mm_program.delivery``, imported here so that Celery's autodiscovery (which reads
``tasks`` modules) registers it in every worker."""

from dataclasses import asdict

from celery import shared_task

from .delivery import (
    deliver_message,  # noqa: F401  (registers the delivery task)
    sweep,
)
from .privacy.retention import retention_run
from .reminders import scan


@shared_task
def scan_reminders() -> dict:
    """Queue every reminder that is due (each occasion once). Run by celery beat
    (schedule editable in admin)."""
    result = scan()
    return {"queued": result.queued, "already_sent": result.existing}


@shared_task
def sweep_messages() -> dict:
    """Give back lapsed claims and hand over again the messages no task will deliver
    (``delivery.sweep``). Run by celery beat every minute."""
    return asdict(sweep())


@shared_task
def apply_retention() -> dict:
    """Anonymise declined and redirected applications past the retention period. Run
    daily by celery beat; safe to run twice (an anonymised application is not picked
    again)."""
    result = retention_run()
    return {"months": result.months, "applications": result.applications,
            "people": result.people}
