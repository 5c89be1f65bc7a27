"""The people a matching round scores, and what is true of them whatever the weights:
time-zone overlap, the style scales, conflicts of interest, and the checks every input
passes before anything is computed (``score_table`` refuses bad input by name)."""

from __future__ import annotations

import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

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
WORKDAY = (time(9), time(18))
WORKDAY_HOURS = 9.0
def is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def num(value: float) -> str:
    """4.5 -> "4.5", 40.0 -> "40", 2.75 -> "2.75"."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def round2(value: Any) -> Any:
    return np.round(value, 2)


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
    # What registered components read that the fields above don't carry, by their key
    # (``Component.mentee_trait``); plain JSON, stored with the run.
    traits: Mapping[str, Any] = field(default_factory=dict)


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
    traits: Mapping[str, Any] = field(default_factory=dict)  # (Component.mentor_trait)


# ------------------------------------------------------------------------------ time zones


def zone(name: str) -> ZoneInfo:
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
    a, b = zone(tz_a), zone(tz_b)
    return min(_one_way_overlap(a, b, on_date), _one_way_overlap(b, a, on_date))


def normal(text: str) -> str:
    return " ".join(text.casefold().split())


def keys(person: MenteeProfile | MentorProfile) -> set[str]:
    return {key for key in (normal(person.email), normal(person.name)) if key}


def declared(conflicts: Iterable[str]) -> set[str]:
    return {key for key in map(normal, conflicts) if key}


def conflict_side(mentee: MenteeProfile, mentor: MentorProfile) -> str | None:
    by_mentee = bool(declared(mentee.conflicts) & keys(mentor))
    by_mentor = bool(declared(mentor.conflicts) & keys(mentee))
    if by_mentee and by_mentor:
        return "both"
    return "the mentee" if by_mentee else "the mentor" if by_mentor else None


# ------------------------------------------------------------------------------ checking


def by_id(people: Sequence[Any], kind: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for person in people:
        if person.id in result:
            raise ValueError(f"duplicate {kind} id {person.id!r}")
        result[person.id] = person
    return result


def check_choice(value: str, scale: tuple[str, ...], what: str, blank: bool) -> None:
    if value not in scale and not (blank and value == ""):
        raise ValueError(f"{what} must be one of {', '.join(scale)}, got {value!r}")


def check_person(person: MenteeProfile | MentorProfile) -> None:
    is_mentee = isinstance(person, MenteeProfile)
    where = f"{'mentee' if is_mentee else 'mentor'} {person.id!r}"
    try:
        zone(person.timezone)
    except ValueError as error:
        raise ValueError(f"{where}: {error}") from None
    if is_mentee:
        hours = person.hours_per_week
        if not isinstance(hours, numbers.Integral) or isinstance(hours, bool) or hours < 0:
            raise ValueError(f"{where}: hours per week must be a whole number ≥ 0")
        check_choice(person.preferred_involvement, INVOLVEMENT, f"{where}: involvement", True)
        check_choice(person.preferred_control, CONTROL, f"{where}: control", True)
    else:
        check_choice(person.involvement, INVOLVEMENT, f"{where}: involvement", False)
        check_choice(person.creative_control, CONTROL, f"{where}: creative control", False)


def check_pairs(
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
