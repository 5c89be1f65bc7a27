"""The periodic tasks of the ground, run by celery beat (schedules editable in admin):
the reminder scan and the retention job. Delivery itself is ``mm_program.delivery``,
imported here so that Celery's autodiscovery (which reads ``tasks`` modules) registers
it in every worker."""

from celery import shared_task

from .delivery import deliver_message  # noqa: F401  (registers the delivery task)
from .privacy.retention import retention_run
from .reminders import scan


@shared_task
def scan_reminders() -> dict:
    """Queue every reminder that is due (each occasion once) and re-deliver messages
    left queued by a broker outage. Run by celery beat (schedule editable in admin)."""
    result = scan()
    return {"queued": result.queued, "already_sent": result.existing,
            "requeued": result.requeued}


@shared_task
def apply_retention() -> dict:
    """Anonymise declined and redirected applications past the retention period. Run
    daily by celery beat; safe to run twice (an anonymised application is not picked
    again)."""
    result = retention_run()
    return {"months": result.months, "applications": result.applications,
            "people": result.people}
