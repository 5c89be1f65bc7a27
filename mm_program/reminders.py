"""Reminder rules and the scan that sends what is due.

Each app registers its rules (``@rule("meeting-nudge")``); a rule is a function of today's
date that yields ``Due`` items, each naming its occasion. The scan (run by celery beat)
queues every due item whose occasion has no message yet, skipping people who paused that
kind of reminder. Long delays are never held in the broker: what is due is found in the
database each time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.core import signing
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from .emails import absolute_url, render_email
from .links import PersonalLink, personal_link
from .messaging import handing_over_together, queue
from .models import Message, ReminderPause

PAUSE_SALT = "mm_program.reminder-pause"
PAUSE_MAX_AGE = 180 * 24 * 3600

# Human names of the kinds, for the pause page and admin.
KIND_LABELS: dict[str, str] = {}


@dataclass(frozen=True)
class Due:
    kind: str
    occasion: str
    user: Model  # the recipient
    template: str
    context: dict = field(default_factory=dict)
    program: Model | None = None
    about: Model | None = None
    link: str = ""  # the relevant page, shown in the preview


Rule = Callable[[date], Iterable[Due]]
RULES: dict[str, Rule] = {}


def register_kind(kind: str, label: str) -> None:
    """Name a kind of email people may pause from its footer (the pause page reads the
    label): every rule's kind, and kinds sent otherwise (an organizer's announcements)."""
    KIND_LABELS[kind] = label


def rule(kind: str, label: str):
    """Register a reminder rule for `kind` (one per kind)."""

    def register(fn: Rule) -> Rule:
        RULES[kind] = fn
        register_kind(kind, label)
        return fn

    return register


def pause_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=PAUSE_SALT)


def read_pause_token(token: str) -> tuple[int, str]:
    """Raises signing.BadSignature (SignatureExpired included) for a bad link."""
    data = signing.loads(token, salt=PAUSE_SALT, max_age=PAUSE_MAX_AGE)
    return int(data["u"]), str(data["k"])


def pause_url(user_id: int, kind: str, *, one_click: bool = False) -> str:
    """The page with the pause button (in the email's text), or the URL mail clients
    POST to from their own "Unsubscribe" button (`one_click`, in the headers)."""
    name = "reminder_pause_one_click" if one_click else "reminder_pause"
    return absolute_url(reverse(name, args=[pause_token(user_id, kind)]))


# Built by the mail worker as it sends, never stored (``mm_program.links``).
@personal_link("reminder-pause", label="pause link")
def _pause_link(user_id: int, kind: str) -> str:
    return pause_url(user_id, kind)


@personal_link("reminder-pause-one-click", label="one-click pause address")
def _one_click_link(user_id: int, kind: str) -> str:
    return pause_url(user_id, kind, one_click=True)


def due_items(today: date | None = None) -> Iterator[Due]:
    """Every due reminder of every rule, minus the kinds people paused."""
    today = today or timezone.localdate()
    paused = set(ReminderPause.objects.values_list("user_id", "kind"))
    for kind in sorted(RULES):
        for item in RULES[kind](today):
            if (item.user.pk, item.kind) not in paused:
                yield item


@dataclass
class ScanResult:
    queued: int = 0
    existing: int = 0
    previews: list[dict] = field(default_factory=list)


def _existing(occasions: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(occasions), 1000):
        chunk = occasions[start:start + 1000]
        found.update(Message.objects.filter(occasion__in=chunk).values_list("occasion",
                                                                           flat=True))
    return found


def scan(today: date | None = None, *, dry_run: bool = False) -> ScanResult:
    """Queue what is due. With dry_run, return what would be sent and change nothing."""
    result = ScanResult()
    with handing_over_together():
        _queue_due(today, dry_run, result)
    return result


def _queue_due(today: date | None, dry_run: bool, result: ScanResult) -> None:
    items = list(due_items(today))
    existing = _existing([item.occasion for item in items])
    for item in items:
        if item.occasion in existing:
            result.existing += 1
            continue
        context = {
            **item.context,
            "pause_url": PersonalLink("reminder-pause", item.user.pk, item.kind),
            "kind_label": KIND_LABELS.get(item.kind, item.kind),
        }
        if dry_run:
            result.previews.append({
                "kind": item.kind, "recipient": item.user.email, "occasion": item.occasion,
                "subject": render_email(item.template, context).subject, "link": item.link,
            })
            result.queued += 1
            continue
        if queue(item.template, to=item.user.email, context=context, occasion=item.occasion,
                 user=item.user, program=item.program, about=item.about, kind=item.kind,
                 unsubscribe_url=PersonalLink("reminder-pause-one-click", item.user.pk,
                                              item.kind)):
            result.queued += 1
        else:
            result.existing += 1
