"""The surveys a person still owes, at the top of their dashboard (a block registered
with ``matching.dashboard``). Imported by ``SurveysConfig.ready()``."""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from matching.dashboard import dashboard_extra
from matching.models import RUNNING_STATUSES

from .models import MENTEE_KINDS, Invitation, SurveyKind
from .tokens import survey_token


@dashboard_extra(place="top", template="surveys/_dashboard_waiting.html")
def surveys_waiting(user) -> dict | None:
    """The person's own survey invitations not yet sent back and still open: the emailed
    link may be in a spam folder, so the page offers the same link (one query)."""
    invitations = (
        Invitation.objects.filter(person=user, expires_at__gt=timezone.now())
        .exclude(response__submitted_at__isnull=False)
        # "Where you stand at the start" means nothing once the mentorship stopped.
        .exclude(Q(kind=SurveyKind.MENTEE_BASELINE)
                 & ~Q(mentorship__status__in=RUNNING_STATUSES))
        .select_related("mentorship__mentor__user", "mentorship__mentee__user", "response")
        .order_by("expires_at", "pk")
    )
    waiting = []
    for invitation in invitations:
        m = invitation.mentorship
        other = m.mentor.user if invitation.kind in MENTEE_KINDS else m.mentee.user
        waiting.append({
            "url": reverse("survey", args=[survey_token(invitation)]),
            "baseline": invitation.kind == SurveyKind.MENTEE_BASELINE,
            "months_after": invitation.months_after,
            "other": str(other),
            "until": invitation.expires_at,
            "started": hasattr(invitation, "response"),
        })
    return {"surveys": waiting} if waiting else None
