"""Matching's retention rule (``mm_program.privacy.retention``): applications turned
away are anonymised once the retention period has passed.

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
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from mm_program.erased import ERASED_DOMAIN
from mm_program.models import User
from mm_program.privacy.hooks import RetentionResult, retention_rule
from mm_program.privacy.retention import months_before
from mm_program.privacy.services import person_erase_for_retention, person_keeps_records

from ..models import ApplicationStatus, MenteeApplication, MentorApplication
from .erasure import application_anonymise

logger = logging.getLogger(__name__)

TURNED_AWAY = (ApplicationStatus.DECLINED, ApplicationStatus.REDIRECTED)
MODELS = (MenteeApplication, MentorApplication)


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


@retention_rule
def turned_away_applications(*, now: datetime, months: int, dry_run: bool,
                             result: RetentionResult) -> None:
    for model in MODELS:
        if dry_run:
            result.applications += due(model, now=now, months=months).count()
            continue
        for application in due(model, now=now, months=months):
            try:
                with transaction.atomic():
                    # Fresh: an earlier application of the same person may have moved it.
                    user = User.objects.get(pk=application.user_id)
                    if not person_keeps_records(user, ignoring=application):
                        # The person goes altogether, this application with them.
                        person_erase_for_retention(user=user)
                        result.people += 1
                    elif application_anonymise(application=application) is None:
                        continue
                    result.applications += 1
            except Exception:  # noqa: BLE001 - logged; the next run tries it again
                logger.exception("Retention: could not anonymise %s %s",
                                 model._meta.verbose_name, application.pk)
