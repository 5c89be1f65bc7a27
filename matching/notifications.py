"""The emails of applications and mentorships, queued through the message log.

Each function is called inside the transaction that made the change: the message row
commits with it and is delivered after the commit (``mm_program.messaging``). Each names
its occasion, so calling it twice for the same event sends one email.
"""

import logging
from collections.abc import Callable

from django.conf import settings
from django.urls import reverse

from mm_program import emails
from mm_program.links import PersonalLink
from mm_program.messaging import queue
from mm_program.models import Message

from .decision_email_defaults import DEFAULTS
from .models import ApplicationStatus, ApplicationUpdate, DecisionEmail
from .tokens import INVITATION_MAX_AGE, UPDATE_MAX_AGE

logger = logging.getLogger(__name__)


def _dashboard_url() -> str:
    return emails.absolute_url(reverse("dashboard"))


def application_received(application, *, updated: bool) -> None:
    queue(
        "application-received",
        to=application.email,
        context={
            "application": application,
            "program": application.program,
            "role": application.kind,
            "updated": updated,
            "dashboard_url": _dashboard_url(),
            "min_hours": application.program.min_hours_per_week,
        },
        # A resubmission is a new occasion: the counter moves with each one.
        occasion=f"application-received/{application.kind}-application:{application.pk}"
        f"/n:{application.resubmissions}",
        user=application.user, program=application.program, about=application,
    )


def decision(application, decision: str) -> None:
    context = {
        "name": application.name,
        "program": application.program.name,
        "role": application.kind,
        "message": application.decision_message,
        "redirect_program": application.redirect_to.name if application.redirect_to else "",
        "redirect_url": application.redirect_url,
        "dashboard_url": _dashboard_url(),
        "site_name": settings.SITE_NAME,
    }
    template = DecisionEmail.objects.for_decision(decision, program=application.program)
    try:
        if template is None:
            raise LookupError(f"no decision email for {decision!r}")
        subject, body = template.render(context)
    except Exception:
        # A deleted row or an edited text that fails to render must not leave the
        # applicant without their decision: send the text shipped with the code.
        logger.exception("Decision email %r failed to render; sending the default", decision)
        subject, body = DecisionEmail(decision=decision, **DEFAULTS[decision]).render(context)
    queue(
        "decision",
        to=application.email,
        context={
            "subject": subject,
            "body": body,
            "accepted": decision == ApplicationStatus.ACCEPTED,
            "dashboard_url": context["dashboard_url"],
            # Linked even when an edited text leaves it out (decision-body.*).
            "redirect_program": context["redirect_program"],
            "redirect_url": context["redirect_url"],
        },
        occasion=f"decision/{application.kind}-application:{application.pk}/{decision}",
        user=application.user, program=application.program, about=application,
    )


def update_confirmation(update: ApplicationUpdate, application) -> None:
    """Ask the owner of an open application to confirm answers someone sent again."""
    queue(
        "application-update-confirm",
        to=application.email,
        context={
            "application": application,
            "program": application.program,
            "role": update.kind,
            "confirm_url": PersonalLink("application-update", update.pk),
            "valid_days": UPDATE_MAX_AGE // 86400,
        },
        occasion=f"application-update-confirm/update:{update.pk}",
        user=application.user, program=application.program, about=update,
    )


# Other apps add to an introduction (surveys: the mentee's baseline survey link, so that
# a new mentee gets one email rather than two). Each is called with the mentorship and
# the role ("mentor" or "mentee") of an introduction about to be queued, and returns
# extra context, or {}.
INTRODUCTION_EXTRAS: list[Callable[..., dict]] = []


def introduction(m) -> None:
    """Introduce a new pair: one email to each side, each about the other person."""
    url = emails.absolute_url(reverse("mentorship_detail", args=[m.pk]))
    for role, person, other in (("mentor", m.mentor.user, m.mentee.user),
                                ("mentee", m.mentee.user, m.mentor.user)):
        occasion = f"introduction/mentorship:{m.pk}/to:{role}"
        if Message.objects.filter(occasion=occasion).exists():
            continue  # introduced already
        extras = {}
        for extra in INTRODUCTION_EXTRAS:
            extras.update(extra(m, role))
        queue(
            "introduction",
            to=person.email,
            context={
                "role": role,
                "name": str(person),
                "other_name": str(other),
                "other_email": other.email,
                "mentorship": m,
                "program": m.program,
                "mentorship_url": url,
                "self_found": m.source == "mentor_row",
                **extras,
            },
            occasion=occasion,
            user=person, program=m.program, about=m,
        )


def mentee_invitation(m) -> None:
    """A mentor added a mentee they found themselves: ask the address they typed to
    confirm. The text is ours; what the mentor typed (their name, the invitee's) is shown
    as their words, in quotes, so nobody can make the email say something else."""
    queue(
        "mentee-invitation",
        to=m.invited_email,
        context={
            "invited_name": m.invited_name,
            "invited_email": m.invited_email,
            "mentor_name": str(m.mentor.user),
            "program": m.program,
            "invitation_url": PersonalLink("mentee-invitation", m.pk),
            "valid_days": INVITATION_MAX_AGE // 86400,
        },
        occasion=f"mentee-invitation/mentorship:{m.pk}",
        program=m.program, about=m,
    )
