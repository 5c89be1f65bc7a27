"""Compatibility scores for mentee–mentor pairs, and the words that explain them.

Companion to ``solver``: ``score_table`` builds the allowed ``(mentee, mentor, score)`` rows
that ``solver.Problem(scores=...)`` takes, and ``ScoreTable.explain`` says in words why a pair
scored what it did, so organizers can judge a proposal rather than trust a number.

A score is ``100 × Σ weight_k × value_k / Σ weight_k`` over the components in ``COMPONENTS``,
each valued in ``[0, 1]``, rounded to two decimals. Field scale is thousands of mentees times
hundreds of mentors, so the table is computed as whole matrices with numpy; Python only loops
over people (and over the few distinct time zones), never over pairs. Words are built one pair
at a time, for the pairs someone looks at.

The two paths must agree to the last bit: a proposal whose explanation shows 71.25 while the
solver used 71.26 would be a bug report. So every value that depends on a few categories
(time-zone pair, style preferences, hours) is computed by the same scalar function in both paths
(the matrix path fills lookup tables with it), the rest uses the same IEEE operations in the
same order, and both round with ``np.round``, which differs from Python's ``round`` on ties.

Hard rules remove a pair whatever its score: a declared conflict of interest, a career stage
the mentor excluded, an organizer's forbid, a score below the threshold. An organizer's lock
overrides all of them except a forbid on the same pair: a lock is a decision made by a person
who saw the pair (perhaps knowing the "conflict" is stale), while lock plus forbid on one pair
is contradictory, and ``solver`` rejects it as malformed anyway.

Determinism: people are sorted by id before anything is computed, so input order never matters.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

COMPONENTS: tuple[tuple[str, str], ...] = (
    ("areas", "Shared research areas"),
    ("timezone", "Working-hours overlap"),
    ("commitment", "Commitment"),
    ("style", "Style fit"),
    ("preference", "Mentee's preference"),
)
# Reasons a pair is removed, in the order ``removed`` reports them. When several apply, the
# pair is counted under the first (see _reason_matrix), so the counts partition the removals.
REASONS: tuple[str, ...] = ("conflict", "career_stage", "forbidden", "below_threshold")
_ALLOWED, _CONFLICT, _STAGE, _FORBIDDEN, _BELOW = range(5)

STAGE_LABELS: dict[str, str] = {
    "bachelors": "Bachelor's students",
    "masters": "Master's students",
    "phd": "PhD students",
    "academic": "postdocs and academics",
    "industry": "people working in industry",
    "other": "people outside these stages",
}
INVOLVEMENT: tuple[str, ...] = ("hands_on", "balanced", "high_level")
CONTROL: tuple[str, ...] = ("mentee", "shared", "mentor")
# Style value -> (what the mentee wants, what the mentor does); the two scales share no value.
_STYLE_WORDS = {
    "hands_on": ("wants hands-on", "mentor is hands-on"),
    "balanced": ("wants something in between", "mentor is in between"),
    "high_level": ("wants high-level direction", "mentor gives high-level direction"),
    "mentee": ("wants to pick their own direction", "mentor lets the mentee pick"),
    "shared": ("wants to decide together", "mentor prefers to decide together"),
    "mentor": ("wants to be given a project", "mentor prefers to assign a project"),
}

WORKDAY = (time(9), time(18))
WORKDAY_HOURS = 9.0
# A mentee who lists many areas is not penalised for it: three shared areas is a full match.
MAX_AREAS = 3


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _num(value: float) -> str:
    """4.5 -> "4.5", 40.0 -> "40", 2.75 -> "2.75"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _round2(value: Any) -> Any:
    return np.round(value, 2)


@dataclass(frozen=True)
class Weights:
    """How much each component counts; only ratios matter (scores are normalised by the sum)."""

    areas: float = 4.0
    timezone: float = 2.0
    commitment: float = 1.0
    style: float = 1.0
    preference: float = 2.0

    def __post_init__(self) -> None:
        for key, _ in COMPONENTS:
            value = getattr(self, key)
            if not _is_real(value) or not value >= 0:  # "not >=" also catches NaN
                raise ValueError(f"Weight for {key!r} must be a number ≥ 0.")
            try:
                value = float(value)
            except OverflowError:
                value = math.inf
            if not math.isfinite(value):
                raise ValueError(f"Weight for {key!r} must be finite.")
            object.__setattr__(self, key, value)
        if self.total == 0:
            raise ValueError("At least one weight must be above 0.")
        if not math.isfinite(self.total):
            raise ValueError("Weights are too large to add up.")

    @property
    def total(self) -> float:
        # Summed in COMPONENTS order, once, so both scoring paths divide by the same float.
        return self.areas + self.timezone + self.commitment + self.style + self.preference

    def to_dict(self) -> dict[str, float]:
        return {key: getattr(self, key) for key, _ in COMPONENTS}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Weights:
        """Weights from stored JSON. Missing keys take their defaults (so weights saved before
        a component existed still load); unknown keys are refused, since a typo such as
        "timzone" would otherwise silently leave that weight at its default."""
        if not isinstance(data, Mapping):
            raise ValueError("Weights must be an object mapping component names to numbers.")
        keys = [key for key, _ in COMPONENTS]
        unknown = sorted((key for key in data if key not in keys), key=repr)
        if unknown:
            raise ValueError(f"Unknown weight {unknown[0]!r} (expected: {', '.join(keys)}).")
        return cls(**data)


@dataclass(frozen=True)
class MenteeProfile:
    id: str
    name: str
    email: str
    timezone: str
    areas: frozenset[str]
    hours_per_week: int
    career_stage: str
    preferred_involvement: str = ""
    preferred_control: str = ""
    preferred_mentors: frozenset[str] = frozenset()
    conflicts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class MentorProfile:
    id: str
    name: str
    email: str
    timezone: str
    areas: frozenset[str]
    involvement: str
    creative_control: str
    excluded_stages: frozenset[str] = frozenset()
    conflicts: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ComponentExplanation:
    key: str
    label: str
    value: float
    weight: float
    points: float
    words: str


@dataclass(frozen=True)
class PairExplanation:
    """One pair in full. ``excluded_by`` holds the words of every rule that removes the pair
    (empty if it is in the table); ``overridden_by_lock`` those a lock overrides, so a locked
    pair with a conflict of interest still shows it."""

    mentee_id: str
    mentor_id: str
    score: float
    components: tuple[ComponentExplanation, ...]
    locked: bool
    excluded_by: tuple[str, ...]
    overridden_by_lock: tuple[str, ...]
    summary: str

    @property
    def allowed(self) -> bool:
        return not self.excluded_by


# ------------------------------------------------------------------------------ time zones


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"unknown time zone {name!r}") from None


def _workday(zone: ZoneInfo, day: date) -> tuple[datetime, datetime]:
    # In UTC: arithmetic between aware datetimes sharing a tzinfo ignores the offset.
    start, end = WORKDAY
    return (
        datetime.combine(day, start, zone).astimezone(UTC),
        datetime.combine(day, end, zone).astimezone(UTC),
    )


def _one_way_overlap(a: ZoneInfo, b: ZoneInfo, day: date) -> float:
    """Hours of a's working day on ``day`` during any of b's working days around it."""
    start, end = _workday(a, day)
    seconds = 0.0
    for shift in (-1, 0, 1):
        other_start, other_end = _workday(b, day + timedelta(days=shift))
        seconds += max(0.0, (min(end, other_end) - max(start, other_start)).total_seconds())
    return seconds / 3600


def overlap_hours(tz_a: str, tz_b: str, on_date: date) -> float:
    """Hours both people are inside their 09:00–18:00 local working day, on ``on_date``.

    Days are compared on the UTC timeline including the neighbouring days, because the
    calendar date differs across the date line: Tokyo's morning is Los Angeles' previous
    afternoon, and those two hours are real overlap. Taking the smaller of both directions
    keeps the result symmetric on a DST-switch day, when "the day before" is 23 or 25 h long.
    """
    a, b = _zone(tz_a), _zone(tz_b)
    return min(_one_way_overlap(a, b, on_date), _one_way_overlap(b, a, on_date))


def _timezone(hours: float) -> tuple[float, str]:
    words = f"{_num(hours)} h working-day overlap" if hours > 0 else "no working-day overlap"
    return min(hours, WORKDAY_HOURS) / WORKDAY_HOURS, words


# ------------------------------------------------------------------- scalar components


def _areas(mentee: MenteeProfile, mentor: MentorProfile) -> tuple[float, str]:
    if not mentee.areas:
        return 0.0, "the mentee listed no research areas"
    shared = sorted(mentee.areas & mentor.areas, key=lambda name: (name.casefold(), name))
    value = min(len(shared) / min(len(mentee.areas), MAX_AREAS), 1.0)
    if not shared:
        return value, "no shared research areas"
    noun = "area" if len(shared) == 1 else "areas"
    return value, f"{len(shared)} shared {noun}: {', '.join(shared)}"


def _commitment(hours: int, min_hours: int) -> tuple[float, str]:
    where = "under" if hours < min_hours else "at" if hours == min_hours else "above"
    words = f"{hours} h/week, {where} the {min_hours} h minimum"
    if hours < min_hours:
        return 0.5 * hours / min_hours, words
    return 0.5 + 0.5 * min(1.0, (hours - min_hours) / min_hours), words


def _fit(scale: tuple[str, ...], wanted: str, actual: str) -> float:
    """Same point of a 3-step scale 1, neighbours 0.5, opposite ends 0."""
    return 1.0 - abs(scale.index(wanted) - scale.index(actual)) / 2


def _style(
    wants_involvement: str, wants_control: str, involvement: str, control: str
) -> tuple[float, str]:
    """Average fit over the preferences the mentee stated; 0.5 (neutral) if none."""
    fits, words = [], []
    for scale, wanted, actual in (
        (INVOLVEMENT, wants_involvement, involvement), (CONTROL, wants_control, control)
    ):
        if wanted:
            fits.append(_fit(scale, wanted, actual))
            words.append(f"{_STYLE_WORDS[wanted][0]}, {_STYLE_WORDS[actual][1]}")
    if not fits:
        return 0.5, "no style preference stated"
    return sum(fits) / len(fits), "; ".join(words)


def _preference(mentee: MenteeProfile, mentor_id: str) -> tuple[float, str]:
    # No preference stated -> 0.5, the midpoint: such a mentee ranks all mentors alike, and
    # when mentees compete for a mentor, one who asked for them beats one who stated nothing,
    # who beats one who asked for someone else. 0 would instead rank "said nothing" with
    # "asked for someone else", and 1 would make stating a preference a penalty elsewhere.
    if not mentee.preferred_mentors:
        return 0.5, "no mentor preference stated"
    if mentor_id in mentee.preferred_mentors:
        return 1.0, "asked for this mentor"
    return 0.0, "asked for other mentors"


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def _keys(person: MenteeProfile | MentorProfile) -> set[str]:
    return {key for key in (_normal(person.email), _normal(person.name)) if key}


def _declared(conflicts: Iterable[str]) -> set[str]:
    return {key for key in map(_normal, conflicts) if key}


def _conflict_side(mentee: MenteeProfile, mentor: MentorProfile) -> str | None:
    by_mentee = bool(_declared(mentee.conflicts) & _keys(mentor))
    by_mentor = bool(_declared(mentor.conflicts) & _keys(mentee))
    if by_mentee and by_mentor:
        return "both"
    return "the mentee" if by_mentee else "the mentor" if by_mentor else None


# ------------------------------------------------------------------------------ checking


def _by_id(people: Sequence[Any], kind: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for person in people:
        if person.id in result:
            raise ValueError(f"duplicate {kind} id {person.id!r}")
        result[person.id] = person
    return result


def _check_choice(value: str, scale: tuple[str, ...], what: str, blank: bool) -> None:
    if value not in scale and not (blank and value == ""):
        raise ValueError(f"{what} must be one of {', '.join(scale)}, got {value!r}")


def _check_person(person: MenteeProfile | MentorProfile) -> None:
    is_mentee = isinstance(person, MenteeProfile)
    where = f"{'mentee' if is_mentee else 'mentor'} {person.id!r}"
    try:
        _zone(person.timezone)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None
    if is_mentee:
        hours = person.hours_per_week
        if not isinstance(hours, numbers.Integral) or isinstance(hours, bool) or hours < 0:
            raise ValueError(f"{where}: hours per week must be a whole number ≥ 0")
        _check_choice(person.preferred_involvement, INVOLVEMENT, f"{where}: involvement", True)
        _check_choice(person.preferred_control, CONTROL, f"{where}: control", True)
    else:
        _check_choice(person.involvement, INVOLVEMENT, f"{where}: involvement", False)
        _check_choice(person.creative_control, CONTROL, f"{where}: creative control", False)


def _check_pairs(
    rows: Iterable[tuple[str, str]], name: str, mentees: Mapping[str, Any], mentors: Mapping
) -> frozenset[tuple[str, str]]:
    """Pairs as a set; an unknown id is refused rather than dropped (likely a stale or mistyped
    organizer decision that should not vanish silently)."""
    result = set()
    for mentee, mentor in rows:
        if mentee not in mentees:
            raise ValueError(f"{name} pair ({mentee!r}, {mentor!r}): unknown mentee {mentee!r}")
        if mentor not in mentors:
            raise ValueError(f"{name} pair ({mentee!r}, {mentor!r}): unknown mentor {mentor!r}")
        result.add((mentee, mentor))
    return frozenset(result)


# ------------------------------------------------------------------------- matrix path


def _areas_matrix(mentees: Sequence[MenteeProfile], mentors: Sequence[MentorProfile]):
    # Only areas that both sides use matter; a boolean-as-float32 product counts shared ones
    # exactly (small integers) and runs in BLAS.
    used = set().union(*(e.areas for e in mentees)) & set().union(*(t.areas for t in mentors))
    column = {area: k for k, area in enumerate(sorted(used))}
    left = np.zeros((len(mentees), len(column)), dtype=np.float32)
    right = np.zeros((len(mentors), len(column)), dtype=np.float32)
    for matrix, people in ((left, mentees), (right, mentors)):
        for row, person in enumerate(people):
            for area in person.areas:
                if area in column:
                    matrix[row, column[area]] = 1.0
    shared = (left @ right.T).astype(np.float64)
    denominator = np.array([min(len(e.areas), MAX_AREAS) for e in mentees], dtype=np.float64)
    value = np.zeros_like(shared)
    listed = denominator > 0
    value[listed] = np.minimum(shared[listed] / denominator[listed, None], 1.0)
    return value


def _lookup(rows: Sequence[Any], cols: Sequence[Any], table_of) -> np.ndarray:
    """Matrix of ``table_of(row_key, col_key)`` computed once per distinct key pair."""
    row_keys, col_keys = sorted(set(rows)), sorted(set(cols))
    table = np.array(
        [[table_of(r, c) for c in col_keys] for r in row_keys], dtype=np.float64
    ).reshape(len(row_keys), len(col_keys))
    row_index = {key: i for i, key in enumerate(row_keys)}
    col_index = {key: j for j, key in enumerate(col_keys)}
    return table[np.ix_([row_index[r] for r in rows], [col_index[c] for c in cols])]


def _score_matrix(mentees, mentors, weights: Weights, min_hours: int, on_date: date):
    n, m = len(mentees), len(mentors)
    total = np.zeros((n, m))
    if not n or not m:
        return total
    # Same order and operations as ScoreTable.explain; zero weights add exactly 0.0 there.
    if weights.areas:
        total += weights.areas * _areas_matrix(mentees, mentors)
    if weights.timezone:
        total += weights.timezone * _lookup(
            [e.timezone for e in mentees],
            [t.timezone for t in mentors],
            lambda a, b: _timezone(overlap_hours(a, b, on_date))[0],
        )
    if weights.commitment:
        hours = [_commitment(e.hours_per_week, min_hours)[0] for e in mentees]
        total += weights.commitment * np.array(hours, dtype=np.float64)[:, None]
    if weights.style:
        total += weights.style * _lookup(
            [(e.preferred_involvement, e.preferred_control) for e in mentees],
            [(t.involvement, t.creative_control) for t in mentors],
            lambda wants, has: _style(*wants, *has)[0],
        )
    if weights.preference:
        preference = np.zeros((n, m))
        column = {t.id: j for j, t in enumerate(mentors)}
        for i, e in enumerate(mentees):
            if not e.preferred_mentors:
                preference[i] = _preference(e, "")[0]
            for mentor_id in e.preferred_mentors:
                if mentor_id in column:
                    preference[i, column[mentor_id]] = 1.0
        total += weights.preference * preference
    return _round2(100.0 * total / weights.total)


def _reason_matrix(mentees, mentors, scores, threshold, locked, forbidden) -> np.ndarray:
    """Per pair, 0 if allowed, else the code of the first reason in REASONS that applies."""
    n, m = scores.shape
    reason = np.zeros((n, m), dtype=np.int8)
    reason[scores < threshold] = _BELOW
    row = {e.id: i for i, e in enumerate(mentees)}
    col = {t.id: j for j, t in enumerate(mentors)}
    # Written from the last reason to the first, so the first that applies wins.
    for mentee_id, mentor_id in forbidden:
        reason[row[mentee_id], col[mentor_id]] = _FORBIDDEN
    stages = sorted({e.career_stage for e in mentees})
    stage_col = {stage: k for k, stage in enumerate(stages)}
    excludes = np.zeros((m, len(stages)), dtype=bool)
    for j, t in enumerate(mentors):
        for stage in t.excluded_stages:
            if stage in stage_col:
                excludes[j, stage_col[stage]] = True
    if n and m:
        reason[excludes[:, [stage_col[e.career_stage] for e in mentees]].T] = _STAGE
    # Conflicts are sparse: index people by name and email, look each declaration up.
    for side, other, flip in ((mentees, mentors, False), (mentors, mentees, True)):
        owner = {}
        for index, person in enumerate(other):
            for key in _keys(person):
                owner.setdefault(key, []).append(index)
        for index, person in enumerate(side):
            for key in _declared(person.conflicts):
                for hit in owner.get(key, ()):
                    reason[(hit, index) if flip else (index, hit)] = _CONFLICT
    for mentee_id, mentor_id in locked - forbidden:
        reason[row[mentee_id], col[mentor_id]] = _ALLOWED
    return reason


def score_table(
    mentees: Sequence[MenteeProfile],
    mentors: Sequence[MentorProfile],
    weights: Weights,
    *,
    threshold: float,
    min_hours: int,
    on_date: date,
    locked: Iterable[tuple[str, str]] = (),
    forbidden: Iterable[tuple[str, str]] = (),
    forbidden_why: Mapping[tuple[str, str], str] | None = None,
) -> ScoreTable:
    """Score every pair and keep the allowed ones (see the module docstring for the rules).

    ``on_date`` fixes the day whose working hours are compared, so results are reproducible
    and follow that day's DST. ``forbidden_why`` words why a forbidden pair is (default: an
    organizer's rule). Raises ``ValueError`` naming the first bad input: duplicate ids,
    an unknown time zone or style value, a locked or forbidden pair with an unknown id.
    """
    if not _is_real(threshold) or not math.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}")
    if not isinstance(min_hours, numbers.Integral) or isinstance(min_hours, bool) or min_hours < 1:
        raise ValueError(f"minimum hours must be a whole number > 0, got {min_hours!r}")
    mentee_by_id, mentor_by_id = _by_id(mentees, "mentee"), _by_id(mentors, "mentor")
    ordered_mentees = [mentee_by_id[key] for key in sorted(mentee_by_id)]
    ordered_mentors = [mentor_by_id[key] for key in sorted(mentor_by_id)]
    for person in (*ordered_mentees, *ordered_mentors):
        _check_person(person)
    locked = _check_pairs(locked, "locked", mentee_by_id, mentor_by_id)
    forbidden = _check_pairs(forbidden, "forbidden", mentee_by_id, mentor_by_id)
    scores = _score_matrix(ordered_mentees, ordered_mentors, weights, min_hours, on_date)
    reason = _reason_matrix(
        ordered_mentees, ordered_mentors, scores, threshold, locked, forbidden
    )
    return ScoreTable(
        ordered_mentees, ordered_mentors, weights, scores, reason,
        threshold=float(threshold), min_hours=int(min_hours), on_date=on_date,
        locked=locked, forbidden=forbidden, forbidden_why=dict(forbidden_why or {}),
    )


# ------------------------------------------------------------------------------- table


class ScoreTable:
    """The scored pairs of one matching round; build it with ``score_table``."""

    def __init__(self, mentees, mentors, weights, scores, reason, *, threshold, min_hours,
                 on_date, locked, forbidden, forbidden_why=None) -> None:
        self.mentee_ids: list[str] = [e.id for e in mentees]
        self.mentor_ids: list[str] = [t.id for t in mentors]
        self.weights: Weights = weights
        self.threshold: float = threshold
        self.min_hours: int = min_hours
        self.on_date: date = on_date
        self.locked: frozenset[tuple[str, str]] = locked
        self.forbidden: frozenset[tuple[str, str]] = forbidden
        self.forbidden_why: dict[tuple[str, str], str] = forbidden_why or {}
        self._mentees = {e.id: e for e in mentees}
        self._mentors = {t.id: t for t in mentors}
        self._row = {key: i for i, key in enumerate(self.mentee_ids)}
        self._scores = scores
        self._reason = reason

    @cached_property
    def pairs(self) -> list[tuple[str, str, float]]:
        """Allowed ``(mentee, mentor, score)`` rows, sorted by mentee then mentor id."""
        rows, cols = np.nonzero(self._reason == _ALLOWED)
        mentees = np.array(self.mentee_ids, dtype=object)[rows].tolist()
        mentors = np.array(self.mentor_ids, dtype=object)[cols].tolist()
        return list(zip(mentees, mentors, self._scores[rows, cols].tolist(), strict=True))

    def _index(self, mentee_id: str) -> int:
        if mentee_id not in self._row:
            raise KeyError(f"unknown mentee {mentee_id!r}")
        return self._row[mentee_id]

    def removed(self, mentee_id: str) -> dict[str, int]:
        """How many mentors each reason removed for this mentee (each counted once)."""
        counts = np.bincount(self._reason[self._index(mentee_id)], minlength=len(REASONS) + 1)
        return {reason: int(counts[code]) for code, reason in enumerate(REASONS, start=1)}

    def _best_below(self, mentee_id: str, among: np.ndarray | None = None):
        i = self._index(mentee_id)
        below = self._reason[i] == _BELOW
        if among is not None:
            below &= among
        if not below.any():
            return None
        j = int(np.argmax(np.where(below, self._scores[i], -np.inf)))  # ties: smallest id
        return self.mentor_ids[j], float(self._scores[i, j])

    def best_below_threshold(self, mentee_id: str) -> tuple[str, float] | None:
        """The best mentor removed only by the threshold, with its score, if any."""
        return self._best_below(mentee_id)

    def explain(self, mentee_id: str, mentor_id: str) -> PairExplanation:
        """Recompute one pair in full, with words; same score as the table, to the bit."""
        mentee = self._mentees[self.mentee_ids[self._index(mentee_id)]]
        if mentor_id not in self._mentors:
            raise KeyError(f"unknown mentor {mentor_id!r}")
        mentor = self._mentors[mentor_id]
        hours = overlap_hours(mentee.timezone, mentor.timezone, self.on_date)
        parts = {
            "areas": _areas(mentee, mentor),
            "timezone": _timezone(hours),
            "commitment": _commitment(mentee.hours_per_week, self.min_hours),
            "style": _style(
                mentee.preferred_involvement, mentee.preferred_control,
                mentor.involvement, mentor.creative_control,
            ),
            "preference": _preference(mentee, mentor.id),
        }
        weight_sum, total, components = self.weights.total, 0.0, []
        for key, label in COMPONENTS:
            weight, (value, words) = getattr(self.weights, key), parts[key]
            total += weight * value
            points = float(_round2(100.0 * weight * value / weight_sum))
            components.append(ComponentExplanation(key, label, value, weight, points, words))
        score = float(_round2(100.0 * total / weight_sum))

        rules = []
        side = _conflict_side(mentee, mentor)
        if side:
            rules.append(f"conflict of interest declared by {side}")
        if mentee.career_stage in mentor.excluded_stages:
            stage = mentee.career_stage
            rules.append(f"mentor does not take {STAGE_LABELS.get(stage, stage)}")
        pair = (mentee.id, mentor.id)
        if pair in self.forbidden:
            rules.append(self.forbidden_why.get(pair, "forbidden by an organizer"))
        if score < self.threshold:
            rules.append(f"score {_num(score)} is below the threshold of {_num(self.threshold)}")
        locked = pair in self.locked
        overrides = locked and pair not in self.forbidden
        return PairExplanation(
            mentee_id=mentee.id,
            mentor_id=mentor.id,
            score=score,
            components=tuple(components),
            locked=locked,
            excluded_by=() if overrides else tuple(rules),
            overridden_by_lock=tuple(rules) if overrides else (),
            summary="; ".join(c.words for c in components if c.weight > 0),
        )

    def unmatched_reason(self, mentee_id: str, mentor_capacity: Mapping[str, int]) -> str:
        """Why this mentee could be left out, before any competition with other mentees.

        ``mentor_capacity`` is each mentor's free places (missing means none). Only mentors
        with a free place are considered: a full mentor is not a reason about this mentee.
        """
        i = self._index(mentee_id)
        free = np.array([mentor_capacity.get(key, 0) > 0 for key in self.mentor_ids], dtype=bool)
        if not free.any():
            return "no mentor has free capacity"
        codes = self._reason[i][free]
        if (codes == _ALLOWED).any():
            return ("the places of its compatible mentors went to other mentees "
                    "(a better total fit, or a lock)")
        counts = np.bincount(codes, minlength=len(REASONS) + 1)
        nouns = {
            _CONFLICT: ("conflict of interest", "conflicts of interest"),
            _STAGE: ("career-stage exclusion", "career-stage exclusions"),
            _FORBIDDEN: ("forbidden", "forbidden"),
        }
        excluded = ", ".join(
            f"{counts[code]} {one if counts[code] == 1 else many}"
            for code, (one, many) in nouns.items()
            if counts[code]
        )
        best = self._best_below(mentee_id, free)
        if best is None:
            return f"every mentor with free capacity is excluded: {excluded}"
        mentor_id, score = best
        name = self._mentors[mentor_id].name or mentor_id
        below, threshold = int(counts[_BELOW]), _num(self.threshold)
        if below == 1:
            text = f"the only candidate scores below the threshold of {threshold} "
            text += f"({_num(score)} with {name})"
        else:
            text = f"all {below} candidates score below the threshold of {threshold} "
            text += f"(best: {_num(score)} with {name})"
        hard = int(free.sum()) - below
        if hard:
            text += f"; the other {hard} {'is' if hard == 1 else 'are'} excluded: {excluded}"
        return text
