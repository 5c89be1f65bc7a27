"""The parts of a pair's score: one class per component, registered in the order scores
are summed, and the weights that say how much each counts.

A component gives a value in ``[0, 1]`` two ways that must agree to the last bit (see the
package's docstring): ``pair`` for one mentee and one mentor, with the words that explain
it, and ``matrix`` for every pair at once, with numpy. A matrix that depends on a few
categories fills a lookup table with the scalar function, so the two paths share it.

A new component is a class here, with ``@component``:

    @component
    class Languages(Component):
        key, label, default_weight = "languages", "Shared languages", 1.0

        def pair(self, mentee, mentor, context): ...      # (value, words)
        def matrix(self, mentees, mentors, context): ...  # an n × m array

and, if it reads an answer the profiles don't carry, ``mentee_trait`` / ``mentor_trait``
saying how to read it from an application (the run puts it in ``profile.traits``). Its
weight appears on the run form, in stored runs (a run stored before it existed gets its
default) and in explanations.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from .profiles import (
    CONTROL,
    INVOLVEMENT,
    WORKDAY_HOURS,
    MenteeProfile,
    MentorProfile,
    is_real,
    num,
    overlap_hours,
)

# A mentee who lists many areas is not penalised for it: three shared areas is a full match.
MAX_AREAS = 3
# Style value -> (what the mentee wants, what the mentor does); the two scales share no value.
STYLE_WORDS = {
    "hands_on": ("wants hands-on", "mentor is hands-on"),
    "balanced": ("wants something in between", "mentor is in between"),
    "high_level": ("wants high-level direction", "mentor gives high-level direction"),
    "mentee": ("wants to pick their own direction", "mentor lets the mentee pick"),
    "shared": ("wants to decide together", "mentor prefers to decide together"),
    "mentor": ("wants to be given a project", "mentor prefers to assign a project"),
}


@dataclass(frozen=True)
class Context:
    """What a round's scores depend on besides the people."""

    min_hours: int
    on_date: date


class Component:
    key = ""
    label = ""
    default_weight = 1.0

    def pair(self, mentee: MenteeProfile, mentor: MentorProfile,
             context: Context) -> tuple[float, str]:
        raise NotImplementedError

    def matrix(self, mentees: Sequence[MenteeProfile], mentors: Sequence[MentorProfile],
               context: Context) -> np.ndarray:
        raise NotImplementedError

    # What the component reads of an application that the profiles don't carry already
    # (plain JSON; None: nothing). The run reads it into ``profile.traits[key]`` and keeps
    # it with its inputs, so a replay scores what the run scored.
    def mentee_trait(self, application) -> Any:
        return None

    def mentor_trait(self, application) -> Any:
        return None


REGISTRY: list[Component] = []


def component(cls: type[Component]) -> type[Component]:
    """Register a component (its key once); scores sum them in registration order."""
    if any(existing.key == cls.key for existing in REGISTRY):
        raise ValueError(f"Two score components named {cls.key!r}")
    REGISTRY.append(cls())
    return cls


def lookup(rows: Sequence[Any], cols: Sequence[Any], table_of) -> np.ndarray:
    """Matrix of ``table_of(row_key, col_key)`` computed once per distinct key pair."""
    row_keys, col_keys = sorted(set(rows)), sorted(set(cols))
    table = np.array(
        [[table_of(r, c) for c in col_keys] for r in row_keys], dtype=np.float64
    ).reshape(len(row_keys), len(col_keys))
    row_index = {key: i for i, key in enumerate(row_keys)}
    col_index = {key: j for j, key in enumerate(col_keys)}
    return table[np.ix_([row_index[r] for r in rows], [col_index[c] for c in cols])]


@component
class Areas(Component):
    key, label, default_weight = "areas", "Shared research areas", 4.0

    def pair(self, mentee, mentor, context):
        if not mentee.areas:
            return 0.0, "the mentee listed no research areas"
        shared = sorted(mentee.areas & mentor.areas, key=lambda name: (name.casefold(), name))
        value = min(len(shared) / min(len(mentee.areas), MAX_AREAS), 1.0)
        if not shared:
            return value, "no shared research areas"
        noun = "area" if len(shared) == 1 else "areas"
        return value, f"{len(shared)} shared {noun}: {', '.join(shared)}"

    def matrix(self, mentees, mentors, context):
        # Only areas that both sides use matter; a boolean-as-float32 product counts shared
        # ones exactly (small integers) and runs in BLAS.
        used = (set().union(*(e.areas for e in mentees))
                & set().union(*(t.areas for t in mentors)))
        column = {area: k for k, area in enumerate(sorted(used))}
        left = np.zeros((len(mentees), len(column)), dtype=np.float32)
        right = np.zeros((len(mentors), len(column)), dtype=np.float32)
        for matrix, people in ((left, mentees), (right, mentors)):
            for row, person in enumerate(people):
                for area in person.areas:
                    if area in column:
                        matrix[row, column[area]] = 1.0
        shared = (left @ right.T).astype(np.float64)
        denominator = np.array([min(len(e.areas), MAX_AREAS) for e in mentees],
                               dtype=np.float64)
        value = np.zeros_like(shared)
        listed = denominator > 0
        value[listed] = np.minimum(shared[listed] / denominator[listed, None], 1.0)
        return value


def _timezone(hours: float) -> tuple[float, str]:
    words = f"{num(hours)} h working-day overlap" if hours > 0 else "no working-day overlap"
    return min(hours, WORKDAY_HOURS) / WORKDAY_HOURS, words


@component
class TimeZone(Component):
    key, label, default_weight = "timezone", "Working-hours overlap", 2.0

    def pair(self, mentee, mentor, context):
        return _timezone(overlap_hours(mentee.timezone, mentor.timezone, context.on_date))

    def matrix(self, mentees, mentors, context):
        return lookup([e.timezone for e in mentees], [t.timezone for t in mentors],
                      lambda a, b: _timezone(overlap_hours(a, b, context.on_date))[0])


def _commitment(hours: int, min_hours: int) -> tuple[float, str]:
    where = "under" if hours < min_hours else "at" if hours == min_hours else "above"
    words = f"{hours} h/week, {where} the {min_hours} h minimum"
    if hours < min_hours:
        return 0.5 * hours / min_hours, words
    return 0.5 + 0.5 * min(1.0, (hours - min_hours) / min_hours), words


@component
class Commitment(Component):
    key, label, default_weight = "commitment", "Commitment", 1.0

    def pair(self, mentee, mentor, context):
        return _commitment(mentee.hours_per_week, context.min_hours)

    def matrix(self, mentees, mentors, context):
        hours = [_commitment(e.hours_per_week, context.min_hours)[0] for e in mentees]
        return np.array(hours, dtype=np.float64)[:, None]  # the same for every mentor


def _fit(scale: tuple[str, ...], wanted: str, actual: str) -> float:
    """Same point of a 3-step scale 1, neighbours 0.5, opposite ends 0."""
    return 1.0 - abs(scale.index(wanted) - scale.index(actual)) / 2


def _style(wants_involvement: str, wants_control: str, involvement: str,
           control: str) -> tuple[float, str]:
    """Average fit over the preferences the mentee stated; 0.5 (neutral) if none."""
    fits, words = [], []
    for scale, wanted, actual in ((INVOLVEMENT, wants_involvement, involvement),
                                  (CONTROL, wants_control, control)):
        if wanted:
            fits.append(_fit(scale, wanted, actual))
            words.append(f"{STYLE_WORDS[wanted][0]}, {STYLE_WORDS[actual][1]}")
    if not fits:
        return 0.5, "no style preference stated"
    return sum(fits) / len(fits), "; ".join(words)


@component
class Style(Component):
    key, label, default_weight = "style", "Style fit", 1.0

    def pair(self, mentee, mentor, context):
        return _style(mentee.preferred_involvement, mentee.preferred_control,
                      mentor.involvement, mentor.creative_control)

    def matrix(self, mentees, mentors, context):
        return lookup([(e.preferred_involvement, e.preferred_control) for e in mentees],
                      [(t.involvement, t.creative_control) for t in mentors],
                      lambda wants, has: _style(*wants, *has)[0])


@component
class Preference(Component):
    key, label, default_weight = "preference", "Mentee's preference", 2.0

    def pair(self, mentee, mentor, context):
        # No preference stated -> 0.5, the midpoint: such a mentee ranks all mentors alike,
        # and when mentees compete for a mentor, one who asked for them beats one who stated
        # nothing, who beats one who asked for someone else. 0 would instead rank "said
        # nothing" with "asked for someone else", and 1 would make stating a preference a
        # penalty elsewhere.
        if not mentee.preferred_mentors:
            return 0.5, "no mentor preference stated"
        if mentor.id in mentee.preferred_mentors:
            return 1.0, "asked for this mentor"
        return 0.0, "asked for other mentors"

    def matrix(self, mentees, mentors, context):
        preference = np.zeros((len(mentees), len(mentors)))
        column = {t.id: j for j, t in enumerate(mentors)}
        for i, e in enumerate(mentees):
            if not e.preferred_mentors:
                preference[i] = 0.5
            for mentor_id in e.preferred_mentors:
                if mentor_id in column:
                    preference[i, column[mentor_id]] = 1.0
        return preference


# The components as (key, label), in the order scores sum them.
COMPONENTS: tuple[tuple[str, str], ...] = tuple((c.key, c.label) for c in REGISTRY)


class Weights:
    """How much each component counts; only ratios matter (scores are normalised by the
    sum). Immutable, one weight per registered component, read as ``weights.areas``."""

    __slots__ = ("_values",)

    def __init__(self, **given: float) -> None:
        keys = [c.key for c in REGISTRY]
        unknown = sorted((key for key in given if key not in keys), key=repr)
        if unknown:
            raise TypeError(f"Unknown weight {unknown[0]!r} (expected: {', '.join(keys)}).")
        values = {}
        for c in REGISTRY:
            value = given.get(c.key, c.default_weight)
            if not is_real(value) or not value >= 0:  # "not >=" also catches NaN
                raise ValueError(f"Weight for {c.key!r} must be a number ≥ 0.")
            try:
                value = float(value)
            except OverflowError:
                value = math.inf
            if not math.isfinite(value):
                raise ValueError(f"Weight for {c.key!r} must be finite.")
            values[c.key] = value
        object.__setattr__(self, "_values", values)
        if self.total == 0:
            raise ValueError("At least one weight must be above 0.")
        if not math.isfinite(self.total):
            raise ValueError("Weights are too large to add up.")

    def __getattr__(self, key: str) -> float:
        try:
            return object.__getattribute__(self, "_values")[key]
        except KeyError:
            raise AttributeError(key) from None

    def __setattr__(self, key, value):
        raise AttributeError("Weights are immutable")

    def __eq__(self, other) -> bool:
        return isinstance(other, Weights) and other._values == self._values

    def __hash__(self) -> int:
        return hash(tuple(self._values.items()))

    def __repr__(self) -> str:
        return f"Weights({', '.join(f'{k}={v!r}' for k, v in self._values.items())})"

    @property
    def total(self) -> float:
        # Summed in registration order, once, so both scoring paths divide by the same float.
        total = 0.0
        for value in self._values.values():
            total += value
        return total

    def to_dict(self) -> dict[str, float]:
        return dict(self._values)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Weights:
        """Weights from stored JSON. Missing keys take their defaults (so weights saved
        before a component existed still load); unknown keys are refused, since a typo such
        as "timzone" would otherwise silently leave that weight at its default."""
        if not isinstance(data, Mapping):
            raise ValueError("Weights must be an object mapping component names to numbers.")
        keys = [c.key for c in REGISTRY]
        unknown = sorted((key for key in data if key not in keys), key=repr)
        if unknown:
            raise ValueError(f"Unknown weight {unknown[0]!r} (expected: {', '.join(keys)}).")
        return cls(**data)
