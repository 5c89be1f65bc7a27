"""The surveys' periodic task, run by celery beat (schedule editable in admin)."""

from celery import shared_task

from .followups import followups_open


@shared_task
def open_followups() -> dict:
    """Open the alumni follow-ups that came due (each once); the reminder scan emails
    them. Run hourly by celery beat; running it twice opens nothing more."""
    return {"opened": followups_open()}
