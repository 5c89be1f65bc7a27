"""What the impact dashboard reads, in a fixed number of grouped queries.

Every query groups by program (and by value, for answers), so the rows that come back
number programs × distinct answers, however many mentorships there are: 10,000 completed
mentorships cost the database a scan, not Python a loop. ``load()`` runs them all; the
figures (``surveys.impact.figures``) are built from the result for any set of programs.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum

from matching.models import (
    MeetingLog,
    MenteeApplication,
    Mentorship,
    MentorshipStatus,
    Program,
)
from surveys import question_types
from surveys.models import Answer, Invitation, SurveyKind
from surveys.seed import SELF_RATINGS

logger = logging.getLogger(__name__)

COMPLETED = MentorshipStatus.COMPLETED
# A mentorship that got going: the mentee was matched.
STARTED = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED, MentorshipStatus.COMPLETED,
           MentorshipStatus.ENDED_EARLY)


@dataclass
class Raw:
    programs: list[dict]
    applications: dict = field(default_factory=lambda: defaultdict(dict))
    mentees: dict = field(default_factory=dict)
    minutes: dict = field(default_factory=dict)
    invitations: dict = field(default_factory=dict)
    numbers: dict = field(default_factory=lambda: defaultdict(dict))
    choices: dict = field(default_factory=lambda: defaultdict(dict))
    pairs: dict = field(default_factory=lambda: defaultdict(dict))
    # {(program id, currency, payee role, status): total}; None if payments can't tell.
    stipends: dict | None = None


def load() -> Raw:
    raw = Raw(programs=list(
        Program.objects.order_by("name", "pk").values("id", "name", "slug", "currency")))
    _applications(raw)
    _mentees(raw)
    _minutes(raw)
    _invitations(raw)
    _answers(raw)
    _pairs(raw)
    raw.stipends = stipend_totals()
    return raw


def _applications(raw: Raw) -> None:
    rows = (MenteeApplication.objects.values("program_id", "status")
            .annotate(n=Count("pk")).order_by())
    for row in rows:
        raw.applications[row["program_id"]][row["status"]] = row["n"]


def _mentees(raw: Raw) -> None:
    applied = Q(mentee__application__isnull=False)
    done = Q(status=COMPLETED)
    rows = (
        Mentorship.objects.filter(status__in=STARTED).values("program_id")
        .annotate(
            matched=Count("mentee", distinct=True, filter=applied),
            completed=Count("mentee", distinct=True, filter=applied & done),
            matched_all=Count("mentee", distinct=True),
            completed_all=Count("mentee", distinct=True, filter=done),
            completed_mentorships=Count("pk", filter=done),
            ended_early=Count("pk", filter=Q(status=MentorshipStatus.ENDED_EARLY)),
        ).order_by()
    )
    raw.mentees = {row.pop("program_id"): row for row in rows}


def _minutes(raw: Raw) -> None:
    """Meeting minutes logged in completed mentorships (what their mentors gave)."""
    rows = (MeetingLog.objects.filter(mentorship__status=COMPLETED)
            .values("mentorship__program_id").annotate(minutes=Sum("minutes")).order_by())
    raw.minutes = {row["mentorship__program_id"]: row["minutes"] or 0 for row in rows}


def _invitations(raw: Raw) -> None:
    rows = (
        Invitation.objects.values("mentorship__program_id", "kind")
        .annotate(
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            answered=Count("pk", filter=Q(response__submitted_at__isnull=False)),
            in_progress=Count("pk", filter=Q(response__isnull=False,
                                             response__submitted_at__isnull=True)),
        ).order_by()
    )
    for row in rows:
        raw.invitations[(row["mentorship__program_id"], row["kind"])] = {
            "sent": row["sent"], "answered": row["answered"],
            "in_progress": row["in_progress"]}


def _submitted_answers():
    return Answer.objects.filter(response__submitted_at__isnull=False).annotate(
        program_id=F("response__invitation__mentorship__program_id"),
        kind=F("response__invitation__kind"),
        key=F("question__key"),
    )


def _answers(raw: Raw) -> None:
    """Every answer of a type reported as numbers, and every one of a type reported as
    choices (one value, stored as text), counted per program, survey, question key and
    value: one grouped query for both."""
    numbers = question_types.names_where(reported_as="numbers")
    choices = question_types.names_where(reported_as="choices")
    rows = (_submitted_answers()
            .filter(Q(question__type__in=numbers, number__isnull=False)
                    | (Q(question__type__in=choices) & ~Q(text="")))
            .annotate(type=F("question__type"))
            .values("program_id", "kind", "key", "type", "number", "text")
            .annotate(n=Count("pk")).order_by())
    for row in rows:
        where = (row["program_id"], row["kind"], row["key"])
        # Grouped by both columns: added up, in case a type stores something in the other.
        counts, value = ((raw.numbers[where], row["number"]) if row["type"] in numbers
                         else (raw.choices[where], row["text"]))
        counts[value] = counts.get(value, 0) + row["n"]


def _pairs(raw: Raw) -> None:
    """Each final self-rating with the same mentee's baseline answer to the same key,
    counted per (before, after)."""
    baseline = (
        Answer.objects.filter(
            response__submitted_at__isnull=False,
            response__invitation__kind=SurveyKind.MENTEE_BASELINE,
            response__invitation__mentorship=OuterRef("response__invitation__mentorship"),
            question__key=OuterRef("question__key"),
            number__isnull=False,
        ).values("number")[:1]
    )
    rows = (
        _submitted_answers()
        .filter(kind=SurveyKind.MENTEE_FINAL, key__in=SELF_RATINGS_AND_P,
                number__isnull=False)
        .annotate(before=Subquery(baseline)).filter(before__isnull=False)
        .values("program_id", "key", "before", "number").annotate(n=Count("pk")).order_by()
    )
    for row in rows:
        raw.pairs[(row["program_id"], row["key"])][(row["before"], row["number"])] = row["n"]


SELF_RATINGS_AND_P = [*SELF_RATINGS, "p_fulltime"]


def stipend_totals() -> dict | None:
    """Approved and paid stipends per program, currency, payee role and status, read from
    the payments app if it offers them; None (the figure is left out) if it does not."""
    try:
        from payments.models import StipendRequest
    except ImportError:
        return None
    names = {f.name for f in StipendRequest._meta.get_fields()}
    if not {"program", "amount", "status", "currency", "payee_role"} <= names:
        logger.warning("payments.StipendRequest lacks the fields the impact dashboard reads")
        return None
    rows = (StipendRequest.objects.filter(status__in=["approved", "paid"])
            .values("program_id", "currency", "payee_role", "status")
            .annotate(total=Sum("amount")).order_by())
    return {(r["program_id"], r["currency"], r["payee_role"], r["status"]): r["total"]
            for r in rows}
