"""Exact mentor–mentee matching, independent of Django.

The objective is lexicographic:

1. as many mentees matched as possible,
2. then the largest total score,

never above a mentor's (remaining) capacity, and always keeping every pair an organizer locked.

It is solved as a maximum flow of minimum cost on the bipartite graph mentee -> mentor
(``SimpleMinCostFlow.solve_max_flow_with_min_cost`` from OR-Tools): the flow value is the
matching size, so cardinality comes first by construction, and among all maximum flows the
cheapest one, with cost ``-score``, has the largest total score. This avoids the usual
"big-M" cost (``-(BIG + score)``) that would grow with the instance and could overflow int64.

Scores are any finite numbers in ``[-MAX_ABS_SCORE, MAX_ABS_SCORE]``. The flow solver works
on integers, so each score is rounded to ``1 / SCORE_SCALE`` (six decimals); the result is
exactly optimal for those rounded scores, so its float total is within
``matched / SCORE_SCALE`` of the float optimum. Every allowed pair is used as given, including
negative ones: with cardinality first, a negative-score pair is still chosen if it matches one
more mentee.
Thresholds ("don't propose pairs below X") belong upstream, when the score table is built.

Determinism: ids are sorted and the arcs are built in (mentee, mentor) order before the solver
sees them, so the same problem in any row order gives the same network and so the same answer;
nothing depends on dict/set iteration order or ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from typing import Any, NamedTuple

import numpy as np
from ortools.graph.python import min_cost_flow

# Six decimals of score resolution; costs then stay far inside int64 (see _check_int64_room).
SCORE_SCALE = 1_000_000
MAX_ABS_SCORE = 1_000_000.0
_INT64_ROOM = 2**62


class ProblemError(ValueError):
    """A problem that cannot be solved as given; the message names what is wrong."""


class Assignment(NamedTuple):
    mentee: str
    mentor: str
    score: float


def _freeze(rows: Iterable[Any]) -> tuple[Any, ...]:
    return rows if isinstance(rows, tuple) else tuple(rows)


@dataclass(frozen=True)
class Problem:
    """A matching problem.

    ``mentors`` is a sequence of ``(id, remaining capacity)`` (a mapping is accepted too; a
    sequence lets ``validate_problem`` report duplicate ids). ``scores`` lists the allowed
    pairs ``(mentee, mentor, score)``; a locked pair is allowed even when it is not listed
    (its score is then 0). ``forbidden`` pairs are never used.
    """

    mentors: tuple[tuple[str, int], ...]
    mentees: tuple[str, ...]
    scores: tuple[tuple[str, str, float], ...]
    locked: tuple[tuple[str, str], ...] = ()
    forbidden: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        # Frozen, but accept lists/dicts from callers: normalise to tuples once, here.
        mentors = self.mentors
        if isinstance(mentors, Mapping):
            mentors = tuple(mentors.items())
        object.__setattr__(self, "mentors", _freeze(mentors))
        object.__setattr__(self, "mentees", _freeze(self.mentees))
        object.__setattr__(self, "scores", _freeze(self.scores))
        object.__setattr__(self, "locked", _freeze(self.locked))
        object.__setattr__(self, "forbidden", _freeze(self.forbidden))


@dataclass(frozen=True)
class Solution:
    """An optimal matching. ``assignments`` (locked pairs included) is sorted by
    (mentee, mentor) and ``unassigned`` by id; ``solve_seconds`` is left out of equality so
    two solves of the same problem compare equal."""

    assignments: tuple[Assignment, ...]
    unassigned: tuple[str, ...]
    total_score: float
    solve_seconds: float = field(default=0.0, compare=False)

    @property
    def matched(self) -> int:
        return len(self.assignments)


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class _Compiled:
    """The validated problem as index arrays over sorted ids."""

    mentee_ids: list[str]
    mentor_ids: list[str]
    capacity: np.ndarray  # int64 per mentor index
    score_mentee: np.ndarray  # int64 per score row, mentee index
    score_mentor: np.ndarray  # int64 per score row, mentor index
    score_value: np.ndarray  # float64 per score row
    locked_mentee: np.ndarray
    locked_mentor: np.ndarray
    forbidden_mentee: np.ndarray
    forbidden_mentor: np.ndarray


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_real(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _is_integral(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _clamped_float(value: Any) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _columns(rows: Sequence[Any], name: str, width: int, shape: str) -> list[tuple[Any, ...]]:
    """Transpose rows into ``width`` columns, naming the first row of the wrong shape."""
    if not rows:
        return [() for _ in range(width)]
    # Fast path for the usual tuples/lists: map() runs in C, which matters at 500k rows.
    kinds = set(map(type, rows))
    if all(issubclass(kind, tuple | list) for kind in kinds) and set(map(len, rows)) == {width}:
        return [tuple(map(itemgetter(k), rows)) for k in range(width)]
    for index, row in enumerate(rows):
        # Strings are sequences too; a "pair" given as "ab" must not pass as ('a', 'b').
        if isinstance(row, str | bytes) or not isinstance(row, Sequence) or len(row) != width:
            raise ProblemError(f"{name}[{index}]: expected {shape}, got {_show(row)}")
    return list(zip(*rows, strict=True))


def _check_ids(values: Sequence[Any], name: str, kind: str) -> dict[str, int]:
    """Map each id to its row, rejecting non-strings and duplicates."""
    first_row: dict[str, int] = {}
    for index, value in enumerate(values):
        if not isinstance(value, str):
            raise ProblemError(f"{name}[{index}]: {kind} id must be a string, got {_show(value)}")
        previous = first_row.setdefault(value, index)
        if previous != index:
            raise ProblemError(
                f"{name}[{index}]: duplicate {kind} id {value!r} (also {name}[{previous}])"
            )
    return first_row


def _lookup(ids: Sequence[Any], index: Mapping[str, int], name: str, kind: str) -> np.ndarray:
    """Indices of ``ids`` in ``index``; names the first row with an unknown or non-string id."""
    try:
        # C-level loop; an unhashable id (a list, say) raises and is reported below.
        found = map(index.get, ids, repeat(-1, len(ids)))
        result = np.fromiter(found, dtype=np.int64, count=len(ids))
    except TypeError:
        result = np.full(len(ids), -1, dtype=np.int64)
    bad = np.flatnonzero(result < 0)
    if bad.size:
        row = int(bad[0])
        value = ids[row]
        if not isinstance(value, str):
            raise ProblemError(f"{name}[{row}]: {kind} id must be a string, got {_show(value)}")
        raise ProblemError(f"{name}[{row}]: unknown {kind} {value!r}")
    return result


def _first_duplicate(keys: np.ndarray) -> tuple[int, int] | None:
    """Rows (first, second) of the earliest repeated key, or None."""
    if keys.size < 2:
        return None
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    repeats = np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1])
    if not repeats.size:
        return None
    # Report the repeat whose later row comes first in the input, so the message is stable.
    later = order[repeats + 1]
    pick = int(np.argmin(later))
    return int(order[repeats[pick]]), int(later[pick])


def _compile(problem: Problem) -> _Compiled:
    mentor_rows = _columns(problem.mentors, "mentors", 2, "(id, capacity)")
    mentor_row_of = _check_ids(mentor_rows[0], "mentors", "mentor")
    for mentor, capacity in zip(mentor_rows[0], mentor_rows[1], strict=True):
        if not _is_integral(capacity):
            raise ProblemError(
                f"mentor {mentor!r}: capacity must be a whole number, got {_show(capacity)}"
            )
        if capacity < 0:
            raise ProblemError(f"mentor {mentor!r}: capacity must be 0 or more, got {capacity}")
    mentee_row_of = _check_ids(problem.mentees, "mentees", "mentee")

    mentor_ids = sorted(mentor_row_of)
    mentee_ids = sorted(mentee_row_of)
    mentor_index = {mentor: i for i, mentor in enumerate(mentor_ids)}
    mentee_index = {mentee: i for i, mentee in enumerate(mentee_ids)}
    capacity = np.zeros(len(mentor_ids), dtype=np.int64)
    for mentor, cap in zip(mentor_rows[0], mentor_rows[1], strict=True):
        capacity[mentor_index[mentor]] = int(cap)
    n_mentors = max(len(mentor_ids), 1)

    def pairs(
        rows: Sequence[Any], name: str, width: int, shape: str
    ) -> tuple[list[tuple[Any, ...]], np.ndarray, np.ndarray, np.ndarray]:
        """Columns, mentee and mentor indices and pair keys of ``rows``; no repeated pair."""
        columns = _columns(rows, name, width, shape)
        mentees = _lookup(columns[0], mentee_index, name, "mentee")
        mentors = _lookup(columns[1], mentor_index, name, "mentor")
        keys = mentees * n_mentors + mentors
        duplicate = _first_duplicate(keys)
        if duplicate is not None:
            first, second = duplicate
            raise ProblemError(
                f"duplicate pair mentee {columns[0][first]!r} / mentor {columns[1][first]!r} "
                f"in {name} ({name}[{first}] and {name}[{second}])"
            )
        return columns, mentees, mentors, keys

    columns, score_mentee, score_mentor, _ = pairs(
        problem.scores, "scores", 3, "(mentee, mentor, score)"
    )
    values = columns[2]
    if not set(map(type, values)) <= {float, int}:
        for row, value in enumerate(values):
            if not _is_real(value):
                raise ProblemError(f"scores[{row}]: score must be a number, got {_show(value)}")
    try:
        score_value = np.fromiter(values, dtype=np.float64, count=len(values))
    except OverflowError:
        # An int beyond float range (JSON allows 1e400-digit integers); the range check names it.
        score_value = np.array([_clamped_float(value) for value in values], dtype=np.float64)
    # "not <=" also catches NaN.
    bad = np.flatnonzero(~(np.abs(score_value) <= MAX_ABS_SCORE))
    if bad.size:
        row = int(bad[0])
        value = values[row]
        if not math.isfinite(score_value[row]) and not _is_integral(value):
            raise ProblemError(f"scores[{row}]: score must be finite, got {value!r}")
        raise ProblemError(
            f"scores[{row}]: score must be between -{MAX_ABS_SCORE:.0f} and {MAX_ABS_SCORE:.0f}, "
            f"got {_show(value)}"
        )

    locked_columns, locked_mentee, locked_mentor, locked_keys = pairs(
        problem.locked, "locked", 2, "(mentee, mentor)"
    )
    duplicate = _first_duplicate(locked_mentee)
    if duplicate is not None:
        first, second = duplicate
        raise ProblemError(
            f"mentee {locked_columns[0][first]!r} is locked to two mentors: "
            f"{locked_columns[1][first]!r} (locked[{first}]) and "
            f"{locked_columns[1][second]!r} (locked[{second}])"
        )
    _, forbidden_mentee, forbidden_mentor, forbidden_keys = pairs(
        problem.forbidden, "forbidden", 2, "(mentee, mentor)"
    )
    clash = np.flatnonzero(np.isin(locked_keys, forbidden_keys))
    if clash.size:
        row = int(clash[0])
        other = int(np.flatnonzero(forbidden_keys == locked_keys[row])[0])
        raise ProblemError(
            f"pair mentee {locked_columns[0][row]!r} / mentor {locked_columns[1][row]!r} "
            f"is both locked and forbidden (locked[{row}], forbidden[{other}])"
        )
    locks_per_mentor = np.bincount(locked_mentor, minlength=len(mentor_ids))
    over = np.flatnonzero(locks_per_mentor > capacity)
    if over.size:
        mentor = int(over[0])
        raise ProblemError(
            f"mentor {mentor_ids[mentor]!r}: {locks_per_mentor[mentor]} locked mentees "
            f"exceed capacity {capacity[mentor]}"
        )

    return _Compiled(
        mentee_ids=mentee_ids,
        mentor_ids=mentor_ids,
        capacity=capacity,
        score_mentee=score_mentee,
        score_mentor=score_mentor,
        score_value=score_value,
        locked_mentee=locked_mentee,
        locked_mentor=locked_mentor,
        forbidden_mentee=forbidden_mentee,
        forbidden_mentor=forbidden_mentor,
    )


def validate_problem(problem: Problem) -> None:
    """Raise ``ProblemError`` naming the first thing wrong with ``problem``, if anything."""
    _compile(problem)


# --------------------------------------------------------------------------------- solve


def _check_int64_room(max_cost: int, num_nodes: int, flow: int) -> None:
    # OR-Tools' cost scaling multiplies costs by (num_nodes + 1); the total cost is at most
    # flow * max_cost. Both must stay in int64 (MAX_ABS_SCORE keeps this true far beyond
    # field scale, but say so rather than let the solver refuse with BAD_COST_RANGE).
    if max_cost * (num_nodes + 1) >= _INT64_ROOM or max_cost * max(flow, 1) >= _INT64_ROOM:
        raise ProblemError(
            f"problem too large for exact integer costs: {num_nodes} nodes, "
            f"largest |score| {max_cost / SCORE_SCALE:g}"
        )


def _max_flow_min_cost(
    tails: np.ndarray, heads: np.ndarray, costs: np.ndarray, supplies: np.ndarray
) -> np.ndarray:
    """Flow (0/1) on each unit arc of a maximum flow of minimum cost."""
    num_nodes = supplies.size
    _check_int64_room(int(np.abs(costs).max(initial=0)), num_nodes, int(supplies.clip(0).sum()))
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32),
        heads.astype(np.int32),
        np.ones(tails.size, dtype=np.int64),
        costs.astype(np.int64),
    )
    flow.set_nodes_supplies(np.arange(num_nodes, dtype=np.int32), supplies.astype(np.int64))
    status = flow.solve_max_flow_with_min_cost()
    if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:
        # Every input that passed validation is feasible (flow 0 always is), so this is a bug.
        raise RuntimeError(f"min-cost flow did not reach an optimum: {status!r}")
    return np.asarray(flow.flows(np.arange(tails.size, dtype=np.int32)))


def _locked_scores(c: _Compiled, score_keys: np.ndarray, n_mentors: int) -> list[float]:
    """Score of each locked pair: from the score table if listed, else 0."""
    result = np.zeros(c.locked_mentee.size, dtype=np.float64)
    if result.size and score_keys.size:
        locked_keys = c.locked_mentee * max(n_mentors, 1) + c.locked_mentor
        order = np.argsort(score_keys, kind="stable")
        sorted_keys = score_keys[order]
        where = np.searchsorted(sorted_keys, locked_keys).clip(max=sorted_keys.size - 1)
        listed = sorted_keys[where] == locked_keys
        result[listed] = c.score_value[order[where[listed]]]
    return result.tolist()


def solve(problem: Problem) -> Solution:
    """The optimal matching for ``problem`` (see the module docstring for the objective).

    Raises ``ProblemError`` if the problem is malformed.
    """
    started = time.perf_counter()
    c = _compile(problem)
    n_mentees, n_mentors = len(c.mentee_ids), len(c.mentor_ids)

    score_keys = c.score_mentee * max(n_mentors, 1) + c.score_mentor
    chosen_mentee = c.locked_mentee.tolist()
    chosen_mentor = c.locked_mentor.tolist()
    chosen_score = _locked_scores(c, score_keys, n_mentors)

    # The free problem: unlocked mentees, allowed non-forbidden pairs, capacity left after locks.
    remaining = c.capacity - np.bincount(c.locked_mentor, minlength=n_mentors)
    is_locked = np.zeros(n_mentees, dtype=bool)
    is_locked[c.locked_mentee] = True
    forbidden_keys = c.forbidden_mentee * max(n_mentors, 1) + c.forbidden_mentor
    keep = ~is_locked[c.score_mentee] & (remaining[c.score_mentor] > 0)
    if forbidden_keys.size:
        keep &= ~np.isin(score_keys, forbidden_keys)
    arc_keys = score_keys[keep]
    # Canonical arc order (keys are unique after validation) makes the result independent of
    # the order rows were given in.
    order = np.argsort(arc_keys, kind="stable")
    arc_mentee = c.score_mentee[keep][order]
    arc_mentor = c.score_mentor[keep][order]
    arc_value = c.score_value[keep][order]

    if arc_mentee.size:
        # Only nodes that touch an arc go into the network; np.unique keeps them sorted.
        mentee_nodes, arc_tail = np.unique(arc_mentee, return_inverse=True)
        mentor_nodes, arc_head = np.unique(arc_mentor, return_inverse=True)
        supplies = np.concatenate(
            [np.ones(mentee_nodes.size, dtype=np.int64), -remaining[mentor_nodes]]
        )
        costs = -np.rint(arc_value * SCORE_SCALE).astype(np.int64)
        flows = _max_flow_min_cost(arc_tail, arc_head + mentee_nodes.size, costs, supplies)
        used = flows > 0
        chosen_mentee += arc_mentee[used].tolist()
        chosen_mentor += arc_mentor[used].tolist()
        chosen_score += arc_value[used].tolist()

    assignments = sorted(
        Assignment(c.mentee_ids[mentee], c.mentor_ids[mentor], float(score))
        for mentee, mentor, score in zip(chosen_mentee, chosen_mentor, chosen_score, strict=True)
    )
    matched = np.zeros(n_mentees, dtype=bool)
    matched[chosen_mentee] = True
    unassigned = tuple(c.mentee_ids[i] for i in np.flatnonzero(~matched).tolist())
    total = round(math.fsum(a.score for a in assignments), 6) + 0.0  # no "-0.0"
    return Solution(
        assignments=tuple(assignments),
        unassigned=unassigned,
        total_score=total,
        solve_seconds=time.perf_counter() - started,
    )


# ----------------------------------------------------------------------------- JSON form

_TOP_LEVEL_KEYS = ("mentors", "mentees", "scores", "locked", "forbidden")
_OPTIONAL_KEYS = frozenset({"locked", "forbidden"})


def _objects(data: Mapping[str, Any], name: str, keys: tuple[str, ...]) -> list[tuple[Any, ...]]:
    rows = data.get(name, [])
    if not isinstance(rows, list):
        raise ProblemError(f"{name!r} must be a list, got {type(rows).__name__}")
    result = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ProblemError(f"{name}[{index}]: expected an object, got {_show(row)}")
        for key in keys:
            if key not in row:
                raise ProblemError(f"{name}[{index}]: missing key {key!r}")
        result.append(tuple(row[key] for key in keys))
    return result


def problem_from_dict(data: Any) -> Problem:
    """Build a ``Problem`` from the JSON form (see ``solve_matching``), checking its shape.

    Values (ids, capacities, scores) are checked later by ``validate_problem``; ``locked``
    and ``forbidden`` may be left out. Unknown top-level keys are refused, because a typo
    such as ``"forbiden"`` would otherwise silently allow pairs an organizer ruled out.
    """
    if not isinstance(data, dict):
        raise ProblemError(f"the problem must be a JSON object, got {type(data).__name__}")
    unknown = sorted(set(data) - set(_TOP_LEVEL_KEYS))
    if unknown:
        raise ProblemError(f"unknown key {unknown[0]!r} (expected: {', '.join(_TOP_LEVEL_KEYS)})")
    for key in _TOP_LEVEL_KEYS:
        if key not in data and key not in _OPTIONAL_KEYS:
            raise ProblemError(f"missing key {key!r}")
    mentors = _objects(data, "mentors", ("id", "capacity"))
    mentees = [row[0] for row in _objects(data, "mentees", ("id",))]
    return Problem(
        mentors=tuple(mentors),
        mentees=tuple(mentees),
        scores=tuple(_objects(data, "scores", ("mentee", "mentor", "score"))),
        locked=tuple(_objects(data, "locked", ("mentee", "mentor"))),
        forbidden=tuple(_objects(data, "forbidden", ("mentee", "mentor"))),
    )


def solution_to_dict(solution: Solution) -> dict[str, Any]:
    """The JSON form of a solution (see ``solve_matching``)."""
    return {
        "assignments": [
            {"mentee": a.mentee, "mentor": a.mentor, "score": a.score} for a in solution.assignments
        ],
        "unassigned": list(solution.unassigned),
        "total_score": solution.total_score,
        "stats": {"solve_seconds": round(solution.solve_seconds, 6)},
    }
