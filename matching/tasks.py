"""Celery tasks of the application workflow: thin wrappers that take IDs."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from mm_program import emails

from .models import ApplicationStatus, DecisionEmail, RedirectTarget

# Errors worth another try: the mail server is down or slow, not the message is bad.
TRANSIENT_EMAIL_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError,
                          smtplib.SMTPDataError, ConnectionError, TimeoutError)


def _application(kind: str, application_id: int):
    from .services.applications import APPLICATION_MODELS

    return APPLICATION_MODELS[kind].objects.select_related("program").get(pk=application_id)


@shared_task(
    autoretry_for=TRANSIENT_EMAIL_ERRORS, retry_backoff=True, retry_backoff_max=600,
    max_retries=5,
)
def send_application_confirmation(kind: str, application_id: int, updated: bool) -> None:
    application = _application(kind, application_id)
    emails.send(
        "application-received",
        application.email,
        {
            "application": application,
            "program": application.program,
            "role": kind,
            "updated": updated,
            "dashboard_url": emails.absolute_url(reverse("dashboard")),
            "min_hours": application.program.min_hours_per_week,
        },
    )


@shared_task(
    autoretry_for=TRANSIENT_EMAIL_ERRORS, retry_backoff=True, retry_backoff_max=600,
    max_retries=5,
)
def send_decision_email(kind: str, application_id: int, decision: str) -> None:
    application = _application(kind, application_id)
    template = DecisionEmail.objects.filter(decision=decision).first()
    if template is None:
        # The organizers deleted the row: fall back to the text shipped with the code.
        from .decision_email_defaults import DEFAULTS

        template = DecisionEmail(decision=decision, **DEFAULTS[decision])
    context = {
        "name": application.name,
        "program": application.program.name,
        "role": kind,
        "message": application.decision_message,
        "redirect_program": RedirectTarget(application.redirect_to).label
        if application.redirect_to else "",
        "dashboard_url": emails.absolute_url(reverse("dashboard")),
        "site_name": settings.SITE_NAME,
    }
    subject, body = template.render(context)
    emails.send(
        "decision",
        application.email,
        {"subject": subject, "body": body, "accepted": decision == ApplicationStatus.ACCEPTED},
    )
