"""Matching in a cohort program, from both sides, in two modes organizers compare.

A pair is possible only where the applicant chose the mentor and the mentor said yes (a
yes that counts: ``cohort_reviews.yes_reviews``). Its score, 0–100, is the weighted mean
(``Cohort`` weights) of three parts, each 0–1:

- the applicant's ranking: a first choice is 1, the last of ``max_choices`` 1/N;
- the mentor's ranking: their first yes is 1, their last 1/yeses (``cohort_slots`` order);
- the rating: the pair rating of the reviews (``cohort_reviews.pair_rating``), 0 unrated.

Each mentor's quota is their slots. **Optimal** runs ``matching/solver.py`` unchanged (the
most people placed, then the largest total score); **stable** runs applicant-proposing
deferred acceptance (``matching/stable.py``). Both keep the organizers' locks and forbids
(``CohortPairRule``). The comparison reports, for each, the people placed, the total score
and the blocking pairs, so organizers choose knowing the trade.
"""

import hashlib
import json
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from matching import solver, stable
from matching.models import (
    HELD_OFFER_STATUSES,
    Cohort,
    CohortMentor,
    CohortPairRule,
    MenteeApplication,
    Mentor,
    Offer,
)
from matching.scoping import organizes
from matching.scoring.table import ComponentExplanation

from .cohort_reviews import shown_rating
from .cohort_slots import yes_rows_by_mentor

MODES = {"optimal": "Optimal (most placed, then best total)",
         "stable": "Stable (applicant-proposing deferred acceptance)"}


@dataclass(frozen=True)
class Pair:
    application_id: int
    mentor_id: int
    choice_rank: int  # the applicant's order: 1 = first choice
    mentor_position: int  # the mentor's order: 0 = their first yes
    score: float
    components: tuple[ComponentExplanation, ...]


@dataclass
class ModeResult:
    mode: str
    label: str
    placed: dict[int, int]  # application id → mentor id
    total: float
    blocking: list[tuple[int, int]]

    @property
    def placed_count(self) -> int:
        return len(self.placed)


@dataclass
class Comparison:
    cohort: Cohort
    pairs: dict[tuple[int, int], Pair]
    slots: dict[int, int]
    locked: list[tuple[int, int]]
    forbidden: list[tuple[int, int]]
    modes: dict[str, ModeResult] = field(default_factory=dict)

    @property
    def applicants(self) -> int:
        """Applicants with at least one possible pair."""
        return len({a for a, _ in self.pairs})


def pair_score(cohort: Cohort, *, choice_rank: int, mentor_position: int, yeses: int,
               rating: float | None) -> tuple[float, tuple[ComponentExplanation, ...]]:
    """The score of a possible pair (0–100) and its parts, in words."""
    weights = cohort.weights
    total_weight = sum(weights.values())
    parts = (
        ("mentee_rank", "Applicant's ranking",
         (cohort.max_choices - choice_rank + 1) / cohort.max_choices,
         f"their choice no. {choice_rank} of up to {cohort.max_choices}"),
        ("mentor_rank", "Mentor's ranking", (yeses - mentor_position) / yeses,
         f"the mentor's yes no. {mentor_position + 1} of {yeses}"),
        ("rating", "Reviewers' rating", rating or 0.0,
         shown_rating(rating, cohort.scale)),
    )
    components = tuple(
        ComponentExplanation(key=key, label=label, value=round(value, 4),
                             weight=weights[key],
                             points=round(100 * weights[key] * value / total_weight, 2),
                             words=words)
        for key, label, value, words in parts)
    score = 100 * sum(weights[key] * value for key, _, value, _ in parts) / total_weight
    return round(score, 4), components


def cohort_pairs(cohort: Cohort) -> dict[tuple[int, int], Pair]:
    """Every possible pair with its score: one query for the yeses."""
    pairs = {}
    for mentor_id, rows in yes_rows_by_mentor(cohort).items():
        for position, row in enumerate(rows):
            score, components = pair_score(cohort, choice_rank=row.choice_rank,
                                           mentor_position=position, yeses=len(rows),
                                           rating=row.rating)
            pairs[(row.application_id, mentor_id)] = Pair(
                row.application_id, mentor_id, row.choice_rank, position, score, components)
    return pairs


def cohort_inputs(cohort: Cohort) -> Comparison:
    """What both modes solve, as the cohort is now (a handful of queries): the possible
    pairs, each mentor's slots still free, the locks and forbids.

    Once offers are out, an applicant holding one (proposed, sent or accepted) is no
    longer to place, each held offer takes one of its mentor's slots, and a pair that
    already had an offer (declined, lapsed, dismissed) is not proposed again."""
    slots = dict(CohortMentor.objects.filter(mentor__program_id=cohort.program_id,
                                             mentor__is_active=True)
                 .values_list("mentor_id", "slots"))
    offered = set(Offer.objects.filter(cohort=cohort).values_list("application_id",
                                                                  "mentor_id"))
    held = list(Offer.objects.filter(cohort=cohort, status__in=HELD_OFFER_STATUSES)
                .values_list("application_id", "mentor_id"))
    for _, mentor_id in held:
        if mentor_id in slots:
            slots[mentor_id] = max(slots[mentor_id] - 1, 0)
    holding = {a for a, _ in held}
    pairs = {key: pair for key, pair in cohort_pairs(cohort).items()
             if key[1] in slots and key[0] not in holding and key not in offered}
    rules = list(CohortPairRule.objects.filter(cohort=cohort).order_by("pk")
                 .values_list("application_id", "mentor_id", "kind"))
    # A lock holds while its pair is possible and its mentor has a slot for it (slots
    # may have been lowered since): the earliest locks first.
    locked, room = [], dict(slots)
    for a, m, kind in rules:
        if kind == CohortPairRule.Kind.LOCK and (a, m) in pairs and room[m] > 0:
            locked.append((a, m))
            room[m] -= 1
    forbidden = [(a, m) for a, m, kind in rules if kind == CohortPairRule.Kind.FORBID]
    return Comparison(cohort=cohort, pairs=pairs, slots=slots, locked=locked,
                      forbidden=forbidden)


def inputs_fingerprint(c: Comparison) -> str:
    """A digest of what a run solved: a stored run can be approved only while the cohort
    still gives the same inputs (reviews, slots, rules, offers and weights)."""
    data = [sorted((a, m, p.score) for (a, m), p in c.pairs.items()),
            sorted(c.slots.items()), c.locked, sorted(c.forbidden)]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


def cohort_compare(*, cohort: Cohort) -> Comparison:
    """Both modes on the cohort as it is now: a handful of queries, then two solves."""
    comparison = cohort_inputs(cohort)
    market = _market(comparison)
    comparison.modes["optimal"] = _optimal(comparison, market)
    comparison.modes["stable"] = _stable(comparison, market)
    return comparison


def _market(c: Comparison) -> stable.Market:
    prefs: dict[str, list[tuple[int, str]]] = {}
    order: dict[str, dict[str, float]] = {}
    for (application_id, mentor_id), pair in c.pairs.items():
        prefs.setdefault(str(application_id), []).append((pair.choice_rank, str(mentor_id)))
        order.setdefault(str(mentor_id), {})[str(application_id)] = pair.mentor_position
    return stable.Market(
        prefs={a: [m for _, m in sorted(ms)] for a, ms in prefs.items()}, order=order,
        quotas={str(m): n for m, n in c.slots.items()},
        locked=tuple((str(a), str(m)) for a, m in c.locked),
        forbidden=tuple((str(a), str(m)) for a, m in c.forbidden))


def _result(c: Comparison, market: stable.Market, mode: str, placed: dict[int, int]):
    total = round(sum(c.pairs[(a, m)].score for a, m in placed.items()
                      if (a, m) in c.pairs), 2)
    blocking = stable.blocking_pairs(market, {str(a): str(m) for a, m in placed.items()})
    return ModeResult(mode=mode, label=MODES[mode], placed=placed, total=total,
                      blocking=[(int(a), int(m)) for a, m in blocking])


def _optimal(c: Comparison, market: stable.Market) -> ModeResult:
    problem = solver.Problem(
        mentors=tuple((str(m), n) for m, n in sorted(c.slots.items())),
        mentees=tuple(sorted({str(a) for a, _ in c.pairs})),
        scores=tuple((str(a), str(m), p.score) for (a, m), p in sorted(c.pairs.items())),
        locked=tuple((str(a), str(m)) for a, m in c.locked),
        forbidden=tuple((str(a), str(m)) for a, m in c.forbidden if (a, m) in c.pairs))
    solution = solver.solve(problem)
    return _result(c, market, "optimal",
                   {int(x.mentee): int(x.mentor) for x in solution.assignments})


def _stable(c: Comparison, market: stable.Market) -> ModeResult:
    assignment = stable.deferred_acceptance(market)
    return _result(c, market, "stable", {int(a): int(m) for a, m in assignment.items()})


@transaction.atomic
def cohort_pair_rule_set(*, cohort: Cohort, application: MenteeApplication, mentor: Mentor,
                         kind: str | None, by) -> CohortPairRule | None:
    """Lock or forbid a pair for both modes (``kind=None`` removes the rule). A lock needs
    a possible pair (the applicant chose the mentor, who said yes) and a free slot."""
    if not organizes(by, cohort.program_id):
        raise PermissionDenied("Only the program's organizers lock or forbid pairs.")
    if application.program_id != cohort.program_id or mentor.program_id != cohort.program_id:
        raise ValidationError("The applicant and the mentor must both be in this program.")
    CohortMentor.objects.select_for_update(of=("self",)).filter(mentor=mentor).first()
    CohortPairRule.objects.filter(application=application, mentor=mentor).delete()
    if kind is None:
        return None
    if kind == CohortPairRule.Kind.LOCK:
        if (application.pk, mentor.pk) not in cohort_pairs(cohort):
            raise ValidationError(f"{application.name} and {mentor.user} are not a possible "
                                  "pair: the applicant must have chosen the mentor, and the "
                                  "mentor said yes.")
        if CohortPairRule.objects.filter(application=application, kind=kind).exists():
            raise ValidationError(f"{application.name} is already locked to another mentor: "
                                  "remove that lock first.")
        slots = CohortMentor.objects.filter(mentor=mentor).values_list("slots", flat=True)
        locks = CohortPairRule.objects.filter(mentor=mentor, kind=kind).count()
        if locks >= (slots.first() or 0):
            raise ValidationError(f"{mentor.user}'s slots are all taken by locks: give them "
                                  "another slot first.")
    elif kind != CohortPairRule.Kind.FORBID:
        raise ValidationError("Choose lock or forbid.")
    return CohortPairRule.objects.create(cohort=cohort, application=application,
                                         mentor=mentor, kind=kind, created_by=by)
