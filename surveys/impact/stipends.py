"""The stipend spend the cost figure counts, read from the payments app if it offers it."""

from __future__ import annotations

import logging

from django.db.models import Count, Exists, OuterRef, Q, Sum

logger = logging.getLogger(__name__)


def stipend_totals(period=None) -> dict | None:
    """Approved and paid stipends per program, currency, payee role and status (those
    whose period overlaps `period`, if given), read from the payments app if it offers
    them; None (the figure is left out) if it does not."""
    try:
        from payments.models import StipendRequest
    except ImportError:
        return None
    names = {f.name for f in StipendRequest._meta.get_fields()}
    if not {"program", "amount", "status", "currency", "payee_role"} <= names:
        logger.warning("payments.StipendRequest lacks the fields the impact dashboard reads")
        return None
    overlap = Q()
    if period is not None and period.start:
        overlap &= Q(period_end__gte=period.start)
    if period is not None and period.end:
        overlap &= Q(period_start__lte=period.end)
    rows = (StipendRequest.objects.filter(overlap, status__in=["approved", "paid"])
            .values("program_id", "currency", "payee_role", "status")
            .annotate(total=Sum("amount")).order_by())
    return {(r["program_id"], r["currency"], r["payee_role"], r["status"]): r["total"]
            for r in rows}


def stipend_mentorships(period=None) -> dict | None:
    """{(program id, mentorship status): ended mentorships whose mentee was granted a
    stipend for them (approved or paid)}: what the app knows, so no survey asks it. None
    if the payments app can't tell."""
    try:
        from payments.models import StipendRequest
    except ImportError:
        return None
    from matching.models import Mentorship, MentorshipStatus

    granted = StipendRequest.objects.filter(
        mentorship=OuterRef("pk"), payee_role="mentee", status__in=["approved", "paid"])
    rows = Mentorship.objects.filter(
        status__in=(MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY))
    if period is not None:
        rows = rows.filter(period.q("ended_on"))
    rows = (rows.filter(Exists(granted)).values("program_id", "status")
            .annotate(n=Count("pk")).order_by())
    return {(r["program_id"], r["status"]): r["n"] for r in rows}
