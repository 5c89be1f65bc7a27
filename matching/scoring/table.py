"""The table of a matching round: every pair scored as whole matrices (the sum of the
registered components), the rules that remove pairs, and the words for any one pair."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np

from .components import REGISTRY, Areas, Context, Weights
from .profiles import (
    STAGE_LABELS,
    MenteeProfile,
    MentorProfile,
    by_id,
    check_pairs,
    check_person,
    conflict_side,
    declared,
    is_real,
    keys,
    num,
    round2,
)

# Reasons a pair is removed, in the order ``removed`` reports them. When several apply, the
# pair is counted under the first (see _reason_matrix), so the counts partition the removals.
REASONS: tuple[str, ...] = ("conflict", "career_stage", "forbidden", "no_shared_area",
                            "below_threshold")
_ALLOWED, _CONFLICT, _STAGE, _FORBIDDEN, _NO_AREA, _BELOW = range(6)


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


# ------------------------------------------------------------------------- matrix path


def _score_matrix(mentees, mentors, weights: Weights, context: Context) -> np.ndarray:
    n, m = len(mentees), len(mentors)
    total = np.zeros((n, m))
    if not n or not m:
        return total
    # Same order and operations as ScoreTable.explain; zero weights add exactly 0.0 there.
    for part in REGISTRY:
        weight = getattr(weights, part.key)
        if weight:
            total += weight * part.matrix(mentees, mentors, context)
    return round2(100.0 * total / weights.total)


def _reason_matrix(mentees, mentors, scores, threshold, locked, forbidden,
                   no_shared_area: np.ndarray | None) -> np.ndarray:
    """Per pair, 0 if allowed, else the code of the first reason in REASONS that applies."""
    n, m = scores.shape
    reason = np.zeros((n, m), dtype=np.int8)
    reason[scores < threshold] = _BELOW
    if no_shared_area is not None:
        reason[no_shared_area] = _NO_AREA
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
            for key in keys(person):
                owner.setdefault(key, []).append(index)
        for index, person in enumerate(side):
            for key in declared(person.conflicts):
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
    require_shared_area: bool = False,
) -> ScoreTable:
    """Score every pair and keep the allowed ones (see the module docstring for the rules).

    ``on_date`` fixes the day whose working hours are compared, so results are reproducible
    and follow that day's DST. ``forbidden_why`` words why a forbidden pair is (default: an
    organizer's rule). With ``require_shared_area``, a pair that shares no research area is
    removed too (unless locked). Raises ``ValueError`` naming the first bad input: duplicate ids,
    an unknown time zone or style value, a locked or forbidden pair with an unknown id.
    """
    if not is_real(threshold) or not math.isfinite(threshold):
        raise ValueError(f"threshold must be a finite number, got {threshold!r}")
    if not isinstance(min_hours, numbers.Integral) or isinstance(min_hours, bool) or min_hours < 1:
        raise ValueError(f"minimum hours must be a whole number > 0, got {min_hours!r}")
    mentee_by_id, mentor_by_id = by_id(mentees, "mentee"), by_id(mentors, "mentor")
    ordered_mentees = [mentee_by_id[key] for key in sorted(mentee_by_id)]
    ordered_mentors = [mentor_by_id[key] for key in sorted(mentor_by_id)]
    for person in (*ordered_mentees, *ordered_mentors):
        check_person(person)
    locked = check_pairs(locked, "locked", mentee_by_id, mentor_by_id)
    forbidden = check_pairs(forbidden, "forbidden", mentee_by_id, mentor_by_id)
    context = Context(min_hours=int(min_hours), on_date=on_date)
    scores = _score_matrix(ordered_mentees, ordered_mentors, weights, context)
    no_shared_area = None
    if require_shared_area and ordered_mentees and ordered_mentors:
        no_shared_area = Areas().matrix(ordered_mentees, ordered_mentors, context) == 0
    reason = _reason_matrix(ordered_mentees, ordered_mentors, scores, threshold, locked,
                            forbidden, no_shared_area)
    return ScoreTable(
        ordered_mentees, ordered_mentors, weights, scores, reason,
        threshold=float(threshold), min_hours=int(min_hours), on_date=on_date,
        locked=locked, forbidden=forbidden, forbidden_why=dict(forbidden_why or {}),
        require_shared_area=bool(require_shared_area),
    )


# ------------------------------------------------------------------------------- table


class ScoreTable:
    """The scored pairs of one matching round; build it with ``score_table``."""

    def __init__(self, mentees, mentors, weights, scores, reason, *, threshold, min_hours,
                 on_date, locked, forbidden, forbidden_why=None,
                 require_shared_area=False) -> None:
        self.mentee_ids: list[str] = [e.id for e in mentees]
        self.mentor_ids: list[str] = [t.id for t in mentors]
        self.weights: Weights = weights
        self.threshold: float = threshold
        self.min_hours: int = min_hours
        self.on_date: date = on_date
        self.locked: frozenset[tuple[str, str]] = locked
        self.forbidden: frozenset[tuple[str, str]] = forbidden
        self.forbidden_why: dict[tuple[str, str], str] = forbidden_why or {}
        self.require_shared_area: bool = require_shared_area
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
        context = Context(min_hours=self.min_hours, on_date=self.on_date)
        weight_sum, total, components = self.weights.total, 0.0, []
        for part in REGISTRY:
            weight = getattr(self.weights, part.key)
            value, words = part.pair(mentee, mentor, context)
            total += weight * value
            points = float(round2(100.0 * weight * value / weight_sum))
            components.append(ComponentExplanation(part.key, part.label, value, weight,
                                                   points, words))
        score = float(round2(100.0 * total / weight_sum))

        rules = []
        side = conflict_side(mentee, mentor)
        if side:
            rules.append(f"conflict of interest declared by {side}")
        if mentee.career_stage in mentor.excluded_stages:
            stage = mentee.career_stage
            rules.append(f"mentor does not take {STAGE_LABELS.get(stage, stage)}")
        pair = (mentee.id, mentor.id)
        if pair in self.forbidden:
            rules.append(self.forbidden_why.get(pair, "forbidden by an organizer"))
        if self.require_shared_area and not (mentee.areas & mentor.areas):
            rules.append("no shared research area" if mentee.areas
                         else "the mentee listed no research areas")
        if score < self.threshold:
            rules.append(f"score {num(score)} is below the threshold of {num(self.threshold)}")
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
            _NO_AREA: ("with no shared research area", "with no shared research area"),
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
        below, threshold = int(counts[_BELOW]), num(self.threshold)
        if below == 1:
            text = f"the only candidate scores below the threshold of {threshold} "
            text += f"({num(score)} with {name})"
        else:
            text = f"all {below} candidates score below the threshold of {threshold} "
            text += f"(best: {num(score)} with {name})"
        hard = int(free.sum()) - below
        if hard:
            text += f"; the other {hard} {'is' if hard == 1 else 'are'} excluded: {excluded}"
        return text
