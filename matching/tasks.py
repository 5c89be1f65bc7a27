"""Celery tasks of the application workflow: thin wrappers that take IDs."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from mm_program import emails

from .decision_email_defaults import DEFAULTS
from .models import ApplicationStatus, ApplicationUpdate, DecisionEmail, RedirectTarget
from .tokens import UPDATE_MAX_AGE, update_token

logger = logging.getLogger(__name__)

# Errors worth another try: the mail server is down or slow, not the message is bad.
TRANSIENT_EMAIL_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError,
                          ConnectionError, TimeoutError)


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
    template = DecisionEmail.objects.filter(decision=decision).first()
    try:
        if template is None:
            raise LookupError(f"no decision email for {decision!r}")
        subject, body = template.render(context)
    except Exception:
        # A deleted row or an edited text that fails to render must not leave the
        # applicant without their decision: send the text shipped with the code.
        logger.exception("Decision email %r failed to render; sending the default", decision)
        subject, body = DecisionEmail(decision=decision, **DEFAULTS[decision]).render(context)
    emails.send(
        "decision",
        application.email,
        {
            "subject": subject,
            "body": body,
            "accepted": decision == ApplicationStatus.ACCEPTED,
            "dashboard_url": context["dashboard_url"],
        },
    )


@shared_task(
    autoretry_for=TRANSIENT_EMAIL_ERRORS, retry_backoff=True, retry_backoff_max=600,
    max_retries=5,
)
def send_update_confirmation(update_id: int) -> None:
    """Ask the owner of an open application to confirm answers someone sent again."""
    update = ApplicationUpdate.objects.get(pk=update_id)
    application = _application(update.kind, update.application_id)
    emails.send(
        "application-update-confirm",
        application.email,
        {
            "application": application,
            "program": application.program,
            "role": update.kind,
            "confirm_url": emails.absolute_url(
                reverse("apply_update_confirm", args=[update_token(update.pk)])
            ),
            "valid_days": UPDATE_MAX_AGE // 86400,
        },
    )


def _mentorship(mentorship_id: int):
    from .models import Mentorship

    return Mentorship.objects.select_related(
        "program", "mentor__user", "mentor__application", "mentee__user",
        "mentee__application",
    ).get(pk=mentorship_id)


@shared_task(
    autoretry_for=TRANSIENT_EMAIL_ERRORS, retry_backoff=True, retry_backoff_max=600,
    max_retries=5,
)
def send_introduction(mentorship_id: int) -> None:
    """Introduce a new pair: one email to each side, each about the other person."""
    m = _mentorship(mentorship_id)
    url = emails.absolute_url(reverse("mentorship_detail", args=[m.pk]))
    for role, person, other in (("mentor", m.mentor.user, m.mentee.user),
                                ("mentee", m.mentee.user, m.mentor.user)):
        emails.send(
            "introduction",
            person.email,
            {
                "role": role,
                "name": person.name or person.email,
                "other_name": other.name or other.email,
                "other_email": other.email,
                "mentorship": m,
                "program": m.program,
                "mentorship_url": url,
                "self_found": m.source == "mentor_row",
            },
        )


@shared_task(
    autoretry_for=TRANSIENT_EMAIL_ERRORS, retry_backoff=True, retry_backoff_max=600,
    max_retries=5,
)
def send_mentee_invitation(mentorship_id: int) -> None:
    """A mentor added a mentee they found themselves: ask the mentee to confirm."""
    from .tokens import INVITATION_MAX_AGE, invitation_token

    m = _mentorship(mentorship_id)
    emails.send(
        "mentee-invitation",
        m.mentee.user.email,
        {
            "name": m.mentee.user.name or "there",
            "mentor_name": m.mentor.user.name or m.mentor.user.email,
            "program": m.program,
            "invitation_url": emails.absolute_url(
                reverse("invitation", args=[invitation_token(m.pk)])
            ),
            "valid_days": INVITATION_MAX_AGE // 86400,
        },
    )
