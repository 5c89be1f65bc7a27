"""What the impact pages read, in a fixed number of grouped queries.

Every query groups by program (and by survey, question and value for answers; by mentor
or cohort where a figure needs it), so the rows that come back number programs × distinct
answers, however many mentorships there are: 10,000 completed mentorships cost the
database a scan, not Python a loop. ``load()`` runs them all; the figures
(``surveys.impact.figures``) are built from the result for any set of programs.

A ``Period`` narrows everything to the mentorships that ended in it (their surveys, their
follow-ups), the applications sent in it, and the mentorships (and baselines) that
started in it: what a funders' report for a year covers.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Count,
    F,
    Q,
    Sum,
)

from matching.models import (
    MeetingLog,
    MenteeApplication,
    Mentor,
    Mentorship,
    MentorshipStatus,
    Program,
)
from surveys import question_types
from surveys.models import Answer, Invitation, ProgramOutcomes, Question, SurveyKind

from .sql import Unindexed, answer_value, as_decimal, cohort_parts, reported_as, stored_in
from .stipends import stipend_mentorships, stipend_totals

logger = logging.getLogger(__name__)

COMPLETED = MentorshipStatus.COMPLETED
ENDED_EARLY = MentorshipStatus.ENDED_EARLY
ENDED = (COMPLETED, ENDED_EARLY)
# A mentorship that got going: the mentee was matched.
STARTED = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED, COMPLETED, ENDED_EARLY)
# The figures that pair a mentee's baseline answer with their answer at the end.
PAIRED_FIGURES = ("self_rating", "p_fulltime")
# The follow-up figures counted per cohort.
COHORT_FIGURES = ("funded_or_hired", "fulltime_in_field")
# Answers counted per mentor: their own, their mentees' ratings of them, and their
# mentees' outcomes in the follow-ups.
MENTOR_FIGURES = ("worth_it", "mentor_again", "mentor_hours", "mentor_rating",
                  "funded_or_hired")
NUMBER_FIGURES = ("mentor_hours", "mentor_rating")


@dataclass(frozen=True)
class Period:
    """From `start` to `end`, both included; either may be open."""

    start: date | None = None
    end: date | None = None

    def __bool__(self) -> bool:
        return self.start is not None or self.end is not None

    def q(self, path: str) -> Q:
        """The rows whose date at `path` falls in the period."""
        q = Q()
        if self.start:
            q &= Q(**{f"{path}__gte": self.start})
        if self.end:
            q &= Q(**{f"{path}__lte": self.end})
        return q

    @property
    def label(self) -> str:
        if self.start and self.end:
            return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y}"
        if self.start:
            return f"from {self.start:%-d %b %Y}"
        if self.end:
            return f"up to {self.end:%-d %b %Y}"
        return "all time"


@dataclass
class Raw:
    programs: list[dict]
    period: Period = field(default_factory=Period)
    applications: dict = field(default_factory=lambda: defaultdict(dict))
    mentees: dict = field(default_factory=dict)
    # {(program id, status): minutes logged} for ended mentorships.
    minutes: dict = field(default_factory=dict)
    # {(program id, kind): {"sent", "answered", "in_progress"}}
    invitations: dict = field(default_factory=dict)
    # The answers are counted per question "cell", (program id, kind, key, months after):
    # an alumni follow-up's months (6, 12, ...) tell its rounds apart (someone asked at 6
    # and 12 months answers twice); 0 for every other survey.
    # {cell: invitations sent whose survey asks the question}
    asked: dict = field(default_factory=dict)
    # {cell: {value: count}}: numbers, single and multiple choices.
    numbers: dict = field(default_factory=lambda: defaultdict(dict))
    choices: dict = field(default_factory=lambda: defaultdict(dict))
    # {cell: count} of free-text answers.
    texts: dict = field(default_factory=dict)
    # {cell: count} of every submitted answer (the n of a question).
    answered: dict = field(default_factory=dict)
    # {cell: figure name}: where each question's answers count.
    figures: dict = field(default_factory=dict)
    # {(kind, key): {"label", "text", "type", "choices", "figure"}} of the newest version.
    questions: dict = field(default_factory=dict)
    # {question id: {"key", "figure", "type", "template_id", "template__kind"}} of every
    # version.
    question_rows: dict = field(default_factory=dict)
    # {(program id, key): {(before, after): count}}
    pairs: dict = field(default_factory=lambda: defaultdict(dict))
    # Per mentor: {(program id, mentor id): {...}}, and their names.
    mentors: dict = field(default_factory=dict)
    mentor_names: dict = field(default_factory=dict)
    mentor_answers: dict = field(default_factory=lambda: defaultdict(dict))
    # {(program id, mentor id, months after): {value: count}}: their mentees' answers to
    # funded_or_hired, per follow-up (a mentee asked at 6 and 12 months counts once in each).
    mentor_followups: dict = field(default_factory=lambda: defaultdict(dict))
    # Per cohort (program id, "2025 H2", status, months after).
    cohort_ended: dict = field(default_factory=dict)
    cohort_asked: dict = field(default_factory=dict)
    cohort_answers: dict = field(default_factory=lambda: defaultdict(dict))
    # {program id: (follow-up months, goal %)} for programs with their own settings.
    settings: dict = field(default_factory=dict)
    # {(program id, currency, payee role, status): total}; None if payments can't tell.
    stipends: dict | None = None
    # {(program id, status): ended mentorships whose mentee was granted a stipend}.
    stipend_mentorships: dict | None = None


def load(period: Period | None = None) -> Raw:
    period = period or Period()
    raw = Raw(programs=list(Program.objects.order_by("name", "pk").values(
        "id", "name", "slug", "currency", "admission")), period=period)
    _applications(raw)
    _mentees(raw)
    _minutes(raw)
    _invitations(raw)
    _answers(raw)
    _questions(raw)
    _pairs(raw)
    _per_mentor(raw)
    _mentor_answers(raw)
    _cohorts(raw)
    raw.settings = ProgramOutcomes.for_programs()
    raw.stipends = stipend_totals(period)
    raw.stipend_mentorships = stipend_mentorships(period)
    return raw


# --- who applied, started and ended -------------------------------------------------------


def _applications(raw: Raw) -> None:
    rows = (MenteeApplication.objects.filter(raw.period.q("submitted_at__date"))
            .values("program_id", "status").annotate(n=Count("pk")).order_by())
    for row in rows:
        raw.applications[row["program_id"]][row["status"]] = row["n"]


def _mentees(raw: Raw) -> None:
    applied = Q(mentee__application__isnull=False)
    started = raw.period.q("start_date")
    ended = raw.period.q("ended_on")
    done = Q(status=COMPLETED) & ended
    early = Q(status=ENDED_EARLY) & ended
    rows = Mentorship.objects.filter(status__in=STARTED)
    if raw.period:  # (an empty Q() would drop out of the OR, leaving the ended ones)
        rows = rows.filter(started | done | early)
    rows = (
        rows.values("program_id")
        .annotate(
            matched=Count("mentee", distinct=True, filter=applied & started),
            completed=Count("mentee", distinct=True, filter=applied & done),
            matched_all=Count("mentee", distinct=True, filter=started),
            completed_all=Count("mentee", distinct=True, filter=done),
            completed_mentorships=Count("pk", filter=done),
            ended_early=Count("pk", filter=early),
        ).order_by()
    )
    raw.mentees = {row.pop("program_id"): row for row in rows}


def _minutes(raw: Raw) -> None:
    """Meeting minutes logged in ended mentorships (what their mentors gave)."""
    rows = (MeetingLog.objects.filter(mentorship__status__in=ENDED)
            .filter(raw.period.q("mentorship__ended_on"))
            .values("mentorship__program_id", "mentorship__status")
            .annotate(minutes=Sum("minutes")).order_by())
    raw.minutes = {(row["mentorship__program_id"], row["mentorship__status"]):
                   row["minutes"] or 0 for row in rows}


# --- surveys ----------------------------------------------------------------------------


def _in_period(period: Period, prefix: str = "") -> Q:
    """The invitations of the period: a baseline by its mentorship's start, the others by
    its end."""
    if not period:
        return Q()
    baseline = Q(**{f"{prefix}kind": SurveyKind.MENTEE_BASELINE})
    return ((baseline & period.q(f"{prefix}mentorship__start_date"))
            | (~baseline & period.q(f"{prefix}mentorship__ended_on")))


def _invitations(raw: Raw) -> None:
    """The invitations sent, answered and in progress per program and survey, and (per
    template and follow-up round) what ``_asked`` spreads over the questions: one scan of
    the invitations. (Counting the follow-ups per cohort here too, by the mentorship's
    start, made PostgreSQL sort the 48,000 invitations on disk: 160 ms instead of 75.)"""
    rows = list(
        Invitation.objects.filter(_in_period(raw.period))
        .values("mentorship__program_id", "kind", "template_id", "months_after")
        .annotate(
            sent=Count("pk", filter=Q(sent_at__isnull=False)),
            answered=Count("pk", filter=Q(response__submitted_at__isnull=False)),
            in_progress=Count("pk", filter=Q(response__isnull=False,
                                             response__submitted_at__isnull=True)),
        ).order_by()
    )
    for row in rows:
        cell = raw.invitations.setdefault((row["mentorship__program_id"], row["kind"]),
                                          {"sent": 0, "answered": 0, "in_progress": 0})
        for name in cell:
            cell[name] += row[name]
    _asked(raw, rows)


def _asked(raw: Raw, rows: list[dict]) -> None:
    """How many people were sent a survey asking each question: the denominator of every
    response rate (a survey sent but not answered, or a question skipped, is no answer).
    Invitations are counted per template (a few rows), then spread over each template's
    questions: joining 10,000 invitations to their questions would make 130,000 rows."""
    per_template = defaultdict(list)
    for q in Question.objects.values("pk", "template_id", "template__kind", "key", "figure",
                                     "type").order_by():
        per_template[q["template_id"]].append((q["key"], q["figure"]))
        raw.question_rows[q["pk"]] = q
    for r in rows:
        if not r["sent"]:
            continue
        for key, figure in per_template[r["template_id"]]:
            where = (r["mentorship__program_id"], r["kind"], key, r["months_after"])
            raw.asked[where] = raw.asked.get(where, 0) + r["sent"]
            if figure:
                raw.figures[where] = figure


def _submitted_answers(period: Period):
    return Answer.objects.filter(response__submitted_at__isnull=False).filter(
        _in_period(period, "response__invitation__"))


def _answers(raw: Raw) -> None:
    """Every submitted answer, counted per program, question, follow-up round and value:
    one grouped query.

    The database sorts (SQLite) or hashes (PostgreSQL) one row per answer, so the key is
    kept to four narrow columns: the question's id (its survey, key, figure and type come
    from ``_asked``'s list of questions, so the questions are not joined and no survey kind
    is compared), the program and the follow-up round (the response's own copies: no join
    through the invitation to the mentorship, which took half the time; the round costs
    nothing measurable), and one value column, the field the question's type stores its
    answers in, as text (free text is counted, not read: its words are on the question's
    own page). With plain columns, and COUNT(*) rather than a count of ids (which widens
    every row), PostgreSQL estimates the groups well enough to hash them rather than sort
    300,000 rows on disk. A multiple choice answer is counted per value ticked."""
    rows = (
        _submitted_answers(raw.period)
        .annotate(question_pk=Unindexed("question_id"),
                  program_id=F("response__program_id"),
                  months=F("response__months_after"),
                  value=answer_value(raw.question_rows))
        .values("question_pk", "program_id", "months", "value")
        .annotate(n=Count("*")).order_by()
    )
    for row in rows:
        question = raw.question_rows.get(row["question_pk"])
        if question is None:  # (questions are protected)
            continue
        where = (row["program_id"], question["template__kind"], question["key"],
                 row["months"])
        raw.answered[where] = raw.answered.get(where, 0) + row["n"]
        if question["figure"]:
            raw.figures[where] = question["figure"]
        reported, value = reported_as(question["type"]), row["value"]
        if reported == "numbers" and value is not None:
            number = as_decimal(value)
            counts = raw.numbers[where]
            counts[number] = counts.get(number, 0) + row["n"]
        elif reported == "choices":
            counts = raw.choices[where]
            stored = stored_in(question["type"])
            for choice in (json.loads(value) if stored == "choices" and value
                           else [value] if value else []):
                counts[choice] = counts.get(choice, 0) + row["n"]
        elif reported == "text":
            raw.texts[where] = raw.texts.get(where, 0) + row["n"]


def _questions(raw: Raw) -> None:
    """The wording of each (survey, key) as its newest version asks it."""
    rows = (Question.objects.order_by("template__version", "template_id", "pk")
            .values("template__kind", "key", "text", "short_label", "type", "choices",
                    "figure", "order"))
    for row in rows:  # newer versions overwrite older ones
        raw.questions[(row["template__kind"], row["key"])] = {
            "label": row["short_label"] or row["text"], "text": row["text"],
            "type": row["type"], "choices": question_types.parse_choices(row["choices"]),
            "figure": row["figure"], "order": row["order"]}


def _pairs(raw: Raw) -> None:
    """Each end-of-mentorship answer to a paired figure with the same mentee's baseline
    answer to the same key, counted per (before, after). The baseline is joined (one
    baseline survey per mentorship, one answer per question key and survey), not looked up
    by a subquery per answer."""
    baseline = "response__invitation__mentorship__survey_invitations__"
    rows = (
        _submitted_answers(raw.period)
        .filter(response__invitation__kind__in=(SurveyKind.MENTEE_FINAL,
                                                SurveyKind.MENTEE_EXIT),
                question__figure__in=PAIRED_FIGURES, number__isnull=False)
        .filter(**{  # one filter(): the conditions hold for the same baseline answer
            f"{baseline}kind": SurveyKind.MENTEE_BASELINE,
            f"{baseline}response__submitted_at__isnull": False,
            f"{baseline}response__answers__question__key": F("question__key"),
            f"{baseline}response__answers__number__isnull": False})
        .annotate(before=F(f"{baseline}response__answers__number"),
                  program_id=F("response__invitation__mentorship__program_id"),
                  key=F("question__key"))
        .values("program_id", "key", "before", "number").annotate(n=Count("*")).order_by()
    )
    for row in rows:
        raw.pairs[(row["program_id"], row["key"])][(row["before"], row["number"])] = row["n"]


# --- per mentor ---------------------------------------------------------------------------


def _per_mentor(raw: Raw) -> None:
    """Each mentor's ended mentorships and the minutes they logged in them: two grouped
    queries (a subquery per mentor row costs seconds at 10,000 mentorships)."""
    rows = (Mentorship.objects.filter(status__in=ENDED).filter(raw.period.q("ended_on"))
            .values("program_id", "mentor")
            .annotate(ended=Count("pk"), completed=Count("pk", filter=Q(status=COMPLETED)))
            .order_by())
    raw.mentors = {(r["program_id"], r["mentor"]): {
        "ended": r["ended"], "completed": r["completed"], "minutes": 0} for r in rows}
    minutes = (MeetingLog.objects.filter(mentorship__status__in=ENDED)
               .filter(raw.period.q("mentorship__ended_on"))
               .values("mentorship__program_id", "mentorship__mentor")
               .annotate(total=Sum("minutes")).order_by())
    for r in minutes:
        row = raw.mentors.get((r["mentorship__program_id"], r["mentorship__mentor"]))
        if row is not None:
            row["minutes"] = r["total"] or 0
    raw.mentor_names = dict(Mentor.objects.filter(
        pk__in={mentor for _, mentor in raw.mentors}).values_list("pk", "user__name"))


def _mentor_answers(raw: Raw) -> None:
    """Per mentor: their own end-survey answers, their mentees' ratings of them, and their
    mentees' follow-up outcomes, per follow-up (months after; 0 for the end surveys), by
    the response's own copies of its program, mentor and months (no join). The questions
    are picked by id. A fifth of the answers: SQLite reads them faster in one pass than
    through the question's index. The number and the text are grouped as they are, not as
    one text value by figure: with that wider CASE key PostgreSQL sorted the 58,000
    answers on disk rather than hashing them (twice the time)."""
    ids = _questions_of(raw, MENTOR_FIGURES)
    rows = (
        _submitted_answers(raw.period)
        .annotate(question_pk=Unindexed("question_id"))
        .filter(question_pk__in=ids)
        .annotate(program_id=F("response__program_id"),
                  mentor=F("response__mentor_id"),
                  months=F("response__months_after"))
        .values("program_id", "mentor", "question_pk", "months", "number", "text")
        .annotate(n=Count("*")).order_by()
    )
    for row in rows:
        figure = raw.question_rows[row["question_pk"]]["figure"]
        if figure in NUMBER_FIGURES:
            value = None if row["number"] is None else as_decimal(row["number"])
        else:
            value = row["text"]
        if figure == "funded_or_hired":  # a follow-up's: counted per offset, never summed
            counts = raw.mentor_followups[(row["program_id"], row["mentor"], row["months"])]
        else:
            counts = raw.mentor_answers[(row["program_id"], row["mentor"], figure)]
        counts[value] = counts.get(value, 0) + row["n"]


def _questions_of(raw: Raw, figures) -> list[int]:
    """The ids of the questions (every version) that feed `figures`."""
    return sorted(pk for pk, q in raw.question_rows.items() if q["figure"] in figures)


# --- alumni, per cohort -------------------------------------------------------------------


def cohort_label(year: int, month: int) -> str:
    """The half-year a mentorship started in: its cohort ("2025 H2")."""
    return f"{year} H{1 if month <= 6 else 2}"


def _cohorts(raw: Raw) -> None:
    """Per program, cohort and how the mentorship ended: the mentorships that ended, the
    follow-ups sent at each offset, and their answers to the cohort figures."""
    ended = (Mentorship.objects.filter(status__in=ENDED).filter(raw.period.q("ended_on"))
             .annotate(**cohort_parts()).values("program_id", "year", "month", "status")
             .annotate(n=Count("pk")).order_by())
    for r in ended:
        key = (r["program_id"], cohort_label(r["year"], r["month"]), r["status"])
        raw.cohort_ended[key] = raw.cohort_ended.get(key, 0) + r["n"]
    followups = Invitation.objects.filter(kind=SurveyKind.MENTEE_FOLLOWUP,
                                          sent_at__isnull=False).filter(
        raw.period.q("mentorship__ended_on"))
    asked = (followups.annotate(**cohort_parts("mentorship__"))
             .values("mentorship__program_id", "year", "month", "mentorship__status",
                     "months_after")
             .annotate(n=Count("pk"), answered=Count(
                 "pk", filter=Q(response__submitted_at__isnull=False))).order_by())
    for r in asked:
        key = (r["mentorship__program_id"], cohort_label(r["year"], r["month"]),
               r["mentorship__status"], r["months_after"])
        sent, answered = raw.cohort_asked.get(key, (0, 0))
        raw.cohort_asked[key] = (sent + r["n"], answered + r["answered"])
    answers = (
        Answer.objects.filter(response__submitted_at__isnull=False,
                              response__invitation__kind=SurveyKind.MENTEE_FOLLOWUP,
                              response__invitation__sent_at__isnull=False,
                              question_id__in=_questions_of(raw, COHORT_FIGURES))
        .filter(raw.period.q("response__invitation__mentorship__ended_on"))
        .annotate(**cohort_parts("response__invitation__mentorship__"),
                  program_id=F("response__invitation__mentorship__program_id"),
                  status=F("response__invitation__mentorship__status"),
                  months=F("response__invitation__months_after"),
                  question_pk=Unindexed("question_id"))
        .values("program_id", "year", "month", "status", "months", "question_pk", "text")
        .annotate(n=Count("*")).order_by()
    )
    for r in answers:
        key = (r["program_id"], cohort_label(r["year"], r["month"]), r["status"],
               r["months"], raw.question_rows[r["question_pk"]]["figure"])
        counts = raw.cohort_answers[key]
        counts[r["text"]] = counts.get(r["text"], 0) + r["n"]
