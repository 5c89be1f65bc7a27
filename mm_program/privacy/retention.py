"""The retention job: applications turned away are anonymised once the retention period
(``RETENTION_REJECTED_MONTHS``, 12 by default, 0 switches it off) has passed.

Only declined and redirected applications: those people never joined the program, so
nothing about them is needed any more beyond the funnel counts (status, dates and choices
stay). Accepted applications belong to mentors and mentees whose records the program
keeps; pending and waitlisted ones are still in triage. The period counts from the
decision (from the submission for a row without a decision date).

A person whose only trace was such applications is erased altogether (account, emails),
as an organizer's erasure would. Running it again finds nothing to do: an anonymised
application carries the erased address and is never picked again.
"""

from __future__ import annotations

import logging
from calendar import monthrange
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from matching.models import ApplicationStatus, MenteeApplication, MentorApplication
from mm_program.models import Erasure, User

from . import ERASED_DOMAIN, is_erased_email
from .services import _erase_person, application_anonymise

logger = logging.getLogger(__name__)

TURNED_AWAY = (ApplicationStatus.DECLINED, ApplicationStatus.REDIRECTED)
MODELS = (MenteeApplication, MentorApplication)


@dataclass
class RetentionResult:
    months: int
    applications: int = 0
    people: int = 0


def months_before(moment: datetime, months: int) -> datetime:
    """`moment` moved back by whole months, the day clipped to the month's length."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def due(model, *, now: datetime, months: int):
    """Applications of `model` past the retention period and not yet anonymised."""
    cutoff = months_before(now, months)
    return (
        model.objects.filter(status__in=TURNED_AWAY)
        .filter(Q(decided_at__lt=cutoff)
                | Q(decided_at__isnull=True, submitted_at__lt=cutoff))
        .exclude(email__iendswith="@" + ERASED_DOMAIN)
        .order_by("pk")
    )


def _only_trace(user: User, application) -> bool:
    """`application` is all that is left of the person: no other application in their
    name, no role, no stipend, no survey, no staff account."""
    if user.is_staff or user.is_superuser or is_erased_email(user.email):
        return False
    for model in MODELS:
        others = model.objects.filter(user=user).exclude(email__iendswith="@" + ERASED_DOMAIN)
        if isinstance(application, model):
            others = others.exclude(pk=application.pk)
        if others.exists():
            return False
    return not (user.mentor_roles.exists() or user.mentee_roles.exists()
                or user.stipend_requests.exists() or user.survey_invitations.exists())


def retention_run(*, now: datetime | None = None, dry_run: bool = False) -> RetentionResult:
    """Anonymise every application past the period; with `dry_run`, only count them.

    Each application is its own transaction, so one that fails (logged) does not hold
    back the others, and the next run picks it up again."""
    months = settings.RETENTION_REJECTED_MONTHS
    result = RetentionResult(months=months)
    if months <= 0:
        return result
    now = now or timezone.now()
    for model in MODELS:
        if dry_run:
            result.applications += due(model, now=now, months=months).count()
            continue
        for application in due(model, now=now, months=months):
            try:
                with transaction.atomic():
                    # Fresh: an earlier application of the same person may have moved it.
                    user = User.objects.get(pk=application.user_id)
                    if _only_trace(user, application):
                        # The person goes altogether, this application with them.
                        _erase_person(user=user, by=None,
                                      trigger=Erasure.Trigger.RETENTION)
                        result.people += 1
                    elif application_anonymise(application=application,
                                               trigger=Erasure.Trigger.RETENTION) is None:
                        continue
                    result.applications += 1
            except Exception:  # noqa: BLE001 - logged; the next run tries it again
                logger.exception("Retention: could not anonymise %s %s",
                                 model._meta.verbose_name, application.pk)
    return result
