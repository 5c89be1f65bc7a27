"""What needs the organizers: one admin page ("Needs attention") and a digest email.

Each app registers its checks (``@check``), the way it registers reminder rules: a check
is a function of today's date yielding ``Item``s, each a count, what it counts and the
filtered list where an organizer resolves it. The page lists the items that count
something; the digest is a reminder rule (``organizer-digest``), so it goes through the
message log once per occasion, with the usual pause link: each organizer gets it daily
or weekly (``User.digest``), once per day or ISO week, and never when nothing is there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .emails import absolute_url
from .reminders import Due, rule
from .roles import ORGANIZERS


@dataclass(frozen=True)
class Item:
    count: int
    label: str  # what is counted, in the plural: "applications waiting for a decision"
    url: str  # the filtered list that resolves it (a path)
    # The permission that list needs ("app.view_model"); shown only to who has it.
    permission: str = ""

    @property
    def absolute_url(self) -> str:
        return absolute_url(self.url)


# check(today, user): `user` is whom the counts are for (an organizer counts only their
# programs' rows: ``mm_program.scope.narrow``), None for everything.
Check = Callable[[date, object], Iterable[Item]]
CHECKS: dict[str, Check] = {}


def check(fn: Check) -> Check:
    """Register a check (once, by its module and name)."""
    CHECKS[f"{fn.__module__}.{fn.__qualname__}"] = fn
    return fn


def items(today: date | None = None, user=None) -> list[Item]:
    """Everything that needs the organizers today (the items that count something), for
    `user` (their programs only) or, with None, for every program."""
    today = today or timezone.localdate()
    return [item for key in sorted(CHECKS) for item in CHECKS[key](today, user)
            if item.count]


def items_for(user, found: list[Item]) -> list[Item]:
    """The items whose list `user` may open: a link that answers 403 helps nobody."""
    return [item for item in found if not item.permission or user.has_perm(item.permission)]


def _organizers():
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return users.filter(Q(is_superuser=True) | Q(groups__in=Group.objects.filter(
        name=ORGANIZERS))).distinct().order_by("pk")


def _period(user, today: date) -> str:
    if user.digest == user.Digest.DAILY:
        return f"day:{today.isoformat()}"
    year, week, _ = today.isocalendar()
    return f"week:{year}-W{week:02d}"


@rule("organizer-digest", "the organizers' digest of what needs them")
def digests(today: date):
    """Each organizer: what needs them, once per day or week as they chose. The first
    scan of the period with something to say sends it; an empty digest is never sent."""
    if not items(today):
        return
    for user in _organizers():
        theirs = items_for(user, items(today, user))
        if not theirs:
            continue
        yield Due(
            kind="organizer-digest",
            occasion=f"organizer-digest/to:{user.pk}/{_period(user, today)}",
            user=user,
            template="organizer-digest",
            context={"name": user.get_short_name(), "items": theirs,
                     "page_url": absolute_url(reverse("attention")),
                     "weekly": user.digest == user.Digest.WEEKLY},
            link=reverse("attention"),
        )
