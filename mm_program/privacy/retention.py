"""The retention job: what the program no longer needs is anonymised once its retention
period (``RETENTION_REJECTED_MONTHS``, 12 by default, 0 switches it off) has passed.

Each app registers what it holds that expires (``hooks.retention_rule``): matching's
rule anonymises declined and redirected applications (``matching.privacy``), and erases a
person whose only trace they were, as an organizer's erasure would. Running it again finds
nothing to do.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from .hooks import RETENTION_RULES, RetentionResult


def months_before(moment: datetime, months: int) -> datetime:
    """`moment` moved back by whole months, the day clipped to the month's length."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(moment.day, monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def retention_run(*, now: datetime | None = None, dry_run: bool = False) -> RetentionResult:
    """Anonymise everything past the period; with `dry_run`, only count it. Each rule
    commits each row on its own, so one that fails (logged) holds back no other, and the
    next run picks it up again."""
    months = settings.RETENTION_REJECTED_MONTHS
    result = RetentionResult(months=months)
    if months <= 0:
        return result
    for rule in RETENTION_RULES:
        rule(now=now or timezone.now(), months=months, dry_run=dry_run, result=result)
    return result
