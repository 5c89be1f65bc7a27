"""Matching runs: score the program's open pairs, solve, keep the proposals, approve them.

A run is queued (``run_queue``) and solved by a worker (``matching.tasks`` calls
``run_solve``): it reads the accepted mentees who have no mentorship yet and the active
mentors with their remaining places, scores every pair (``matching.scoring``), solves
exactly (``matching.solver``) and stores its inputs, proposals and the reasons mentees
were left out, or why it failed. Approval, of a solved run only, turns proposals into
mentorships through ``mentorship_create`` (so the capacity rule holds there too), inside
one transaction that first locks the program: two organizers approving at the same
moment are served in turn, and the second finds the run stale.
"""

import logging
from dataclasses import asdict, dataclass, fields
from datetime import date

from django.core.exceptions import ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from matching import scoring, solver
from matching.models import (
    MatchingRun,
    Mentee,
    Mentor,
    Mentorship,
    MentorshipSource,
    PairRule,
    Program,
    Proposal,
)

from .matching_inputs import (
    earlier_pairs,
    jsonable,
    load_profiles,
    state_fingerprint,
)
from .mentorships import mentorship_create

DEFAULT_THRESHOLD = 20.0

logger = logging.getLogger(__name__)


class StaleRun(ValidationError):
    """The program changed since the run: its proposals may no longer be the best."""


# --------------------------------------------------------------------------- run


def run_queue(*, program: Program, weights: scoring.Weights, threshold: float,
              by, require_shared_area: bool = True) -> MatchingRun:
    """A run waiting for a worker: what to solve, not yet its inputs or proposals.

    The caller enqueues ``matching.tasks.solve_matching_run`` for it on commit (the task
    calls ``run_solve``); ``run_matching`` does both in this process."""
    return MatchingRun.objects.create(
        program=program, created_by=by, weights=weights.to_dict(), threshold=threshold,
        require_shared_area=require_shared_area,
        inputs={}, state_fingerprint="", status=MatchingRun.Status.QUEUED,
    )


def run_queue_again(*, run: MatchingRun, by) -> MatchingRun:
    """A new queued run with the same weights and threshold, on the program as it is now."""
    return run_queue(program=run.program, weights=scoring.Weights.from_dict(run.weights),
                     threshold=run.threshold, require_shared_area=run.require_shared_area,
                     by=by)


def run_matching(*, program: Program, weights: scoring.Weights, threshold: float, by,
                 require_shared_area: bool = True,
                 on_date: date | None = None) -> MatchingRun:
    """Queue a run and solve it at once, in this process (scripts and tests; the admin
    hands the solving to a worker). Nothing is approved here."""
    run = run_queue(program=program, weights=weights, threshold=threshold, by=by,
                    require_shared_area=require_shared_area)
    return run_solve(run_id=run.pk, on_date=on_date)


@dataclass
class _Solved:
    """What solving a run produced, before it is stored."""

    fingerprint: str
    inputs: dict
    unmatched: list
    proposals: list[Proposal]
    solution: solver.Solution
    mentee_count: int
    pair_count: int


def _progress(run: MatchingRun, words: str) -> None:
    # An UPDATE of its own, outside any transaction: the run page reads it while the
    # worker is still busy (and it makes no history entry).
    MatchingRun.objects.filter(pk=run.pk).update(progress=words[:200])


def _solve(run: MatchingRun, on_date: date) -> _Solved:
    """Score and solve the run's program as it is now (reads only; writes only progress)."""
    program, threshold = run.program, run.threshold
    weights = scoring.Weights.from_dict(run.weights)
    _progress(run, "Reading the mentees' and mentors' profiles")
    fingerprint = state_fingerprint(program)
    mentees, mentors, mentee_profiles, mentor_profiles = load_profiles(program)
    remaining = {str(m.pk): max(m.capacity - m.load, 0) for m in mentors}
    mentee_ids = {p.id for p in mentee_profiles}

    rules = PairRule.objects.filter(program=program).select_related(
        "mentee__user", "mentor__user").order_by("pk")
    forbidden = [(str(r.mentee_id), str(r.mentor_id)) for r in rules if r.kind == "forbid"]
    forbidden_why = earlier_pairs(program, mentee_ids, remaining)
    forbidden += [pair for pair in forbidden_why if pair not in forbidden]
    locked, warnings = [], []
    locks_per_mentor: dict[str, int] = {}
    for rule in rules:
        if rule.kind != PairRule.Kind.LOCK:
            continue
        pair = (str(rule.mentee_id), str(rule.mentor_id))
        if pair[0] not in mentee_ids or pair[1] not in remaining:
            warnings.append(f"Lock {rule.mentee.user} – {rule.mentor.user} skipped: the mentee "
                            "is already matched or the mentor is not available.")
            continue
        if locks_per_mentor.get(pair[1], 0) >= remaining[pair[1]]:
            warnings.append(f"Lock {rule.mentee.user} – {rule.mentor.user} skipped: the mentor "
                            "has no place left for it.")
            continue
        if any(p[0] == pair[0] for p in locked):
            warnings.append(f"Lock {rule.mentee.user} – {rule.mentor.user} skipped: the mentee "
                            "is already locked to another mentor.")
            continue
        locks_per_mentor[pair[1]] = locks_per_mentor.get(pair[1], 0) + 1
        locked.append(pair)

    _progress(run, f"Scoring {len(mentee_profiles):,} mentees against "
                   f"{len(mentor_profiles):,} mentors")
    table = scoring.score_table(
        mentee_profiles, mentor_profiles, weights, threshold=threshold,
        min_hours=program.min_hours_per_week, on_date=on_date, locked=locked,
        forbidden=forbidden, forbidden_why=forbidden_why,
        require_shared_area=run.require_shared_area,
    )
    _progress(run, f"Solving: {len(table.pairs):,} allowed pairs of {len(mentee_profiles):,} "
                   f"mentees and {len(mentor_profiles):,} mentors")
    solution = solver.solve(solver.Problem(
        mentors=sorted(remaining.items()), mentees=sorted(mentee_ids),
        scores=table.pairs, locked=locked,
    ))

    load = {str(m.pk): m.load for m in mentors}
    inputs = {
        "on_date": on_date.isoformat(),
        "min_hours": program.min_hours_per_week,
        "mentees": [jsonable(p) for p in mentee_profiles],
        "mentors": [
            {**jsonable(p), "capacity": m.capacity, "load": load[p.id],
             "remaining": remaining[p.id]}
            for p, m in zip(mentor_profiles, mentors, strict=True)
        ],
        "locked": [list(p) for p in locked],
        "forbidden": [list(p) for p in forbidden],
        "forbidden_why": [[*pair, words] for pair, words in sorted(forbidden_why.items())],
        "warnings": warnings,
    }
    names = {p.id: p.name for p in mentee_profiles}
    # Each entry names the mentee as the run saw them, so the run page can list a page
    # of them without reading every profile the run kept.
    unmatched = [
        {"mentee": mentee_id, "name": names[mentee_id],
         "reason": table.unmatched_reason(mentee_id, remaining)}
        for mentee_id in solution.unassigned
    ]
    locked_set = set(locked)
    proposals = []
    for a in solution.assignments:
        explanation = table.explain(a.mentee, a.mentor)
        proposals.append(Proposal(
            run=run, mentee_id=int(a.mentee), mentor_id=int(a.mentor), score=a.score,
            components=[asdict(c) for c in explanation.components],
            summary=explanation.summary, locked=(a.mentee, a.mentor) in locked_set,
        ))
    return _Solved(fingerprint=fingerprint, inputs=inputs, unmatched=unmatched,
                   proposals=proposals, solution=solution, mentee_count=len(mentee_ids),
                   pair_count=len(table.pairs))


def _failure_words(exc: Exception) -> str:
    if isinstance(exc, solver.ProblemError | ValueError):
        return f"The run could not be scored or solved: {exc}"
    return (f"Solving stopped on an unexpected error ({type(exc).__name__}: {exc}). "
            "The details are in the worker's log; re-run to try again.")


def run_solve(*, run_id: int, on_date: date | None = None) -> MatchingRun | None:
    """Score and solve a queued run and store its inputs, proposals and the reasons
    mentees were left out; or record why it failed. Nothing is approved here.

    Safe to call twice for the same run (a task delivered again): a run already solved
    or failed is left as it is, and of two workers solving the same run at once only the
    first to finish stores its result. ``None`` if the run no longer exists.
    """
    with transaction.atomic():
        run = (MatchingRun.objects.select_for_update().select_related("program")
               .defer("inputs").filter(pk=run_id).first())
        if run is None or not run.is_under_way:
            return run
        run.status, run.solve_started_at = MatchingRun.Status.SOLVING, timezone.now()
        run.save(update_fields=["status", "solve_started_at"])
    try:
        solved = _solve(run, on_date or timezone.localdate())
    except (OperationalError, InterfaceError):
        raise  # the database went away: the task tries again (matching.tasks)
    except Exception as exc:  # noqa: BLE001 - the run's own failure, recorded on it
        logger.exception("Matching run %s failed", run.pk)
        return run_fail(run_id=run.pk, failure=_failure_words(exc))
    with transaction.atomic():
        run = MatchingRun.objects.select_for_update().defer("inputs").get(pk=run.pk)
        if run.status != MatchingRun.Status.SOLVING:
            return run  # another delivery of the task stored its result first
        solution = solved.solution
        run.status = MatchingRun.Status.PROPOSED
        run.inputs, run.state_fingerprint = solved.inputs, solved.fingerprint
        run.total_score, run.matched_count = solution.total_score, solution.matched
        run.mentee_count, run.pair_count = solved.mentee_count, solved.pair_count
        run.solve_seconds, run.unmatched = solution.solve_seconds, solved.unmatched
        run.progress, run.solve_finished_at = "", timezone.now()
        run.save(update_fields=[
            "status", "inputs", "state_fingerprint", "total_score", "matched_count",
            "mentee_count", "pair_count", "solve_seconds", "unmatched", "progress",
            "solve_finished_at",
        ])
        Proposal.objects.bulk_create(solved.proposals, batch_size=1000)
    return run


def run_fail(*, run_id: int, failure: str) -> MatchingRun | None:
    """Record why a run could not be solved, in words the organizer reads on the run
    page; a run already solved or failed is left as it is."""
    with transaction.atomic():
        run = MatchingRun.objects.select_for_update().defer("inputs").filter(
            pk=run_id).first()
        if run is None or not run.is_under_way:
            return run
        run.status, run.failure = MatchingRun.Status.FAILED, failure
        run.progress, run.solve_finished_at = "", timezone.now()
        run.save(update_fields=["status", "failure", "progress", "solve_finished_at"])
    return run


def _profile(cls, data: dict):
    """A scoring profile from a run's stored JSON (lists back to frozensets)."""
    names = {f.name for f in fields(cls)}
    return cls(**{k: frozenset(v) if isinstance(v, list) else v
                  for k, v in data.items() if k in names})


def run_table(run: MatchingRun) -> scoring.ScoreTable:
    """A run's score table rebuilt from its stored inputs alone, not from today's profiles,
    weights or rules: months later, any pair can be explained as the run saw it."""
    data = run.inputs
    return scoring.score_table(
        [_profile(scoring.MenteeProfile, p) for p in data["mentees"]],
        [_profile(scoring.MentorProfile, p) for p in data["mentors"]],
        scoring.Weights.from_dict(run.weights), threshold=run.threshold,
        min_hours=data["min_hours"], on_date=date.fromisoformat(data["on_date"]),
        locked=[tuple(p) for p in data["locked"]],
        forbidden=[tuple(p) for p in data["forbidden"]],
        forbidden_why={(a, b): words for a, b, words in data.get("forbidden_why", [])},
        require_shared_area=run.require_shared_area,
    )


def run_explain(*, run: MatchingRun, mentee_id: str, mentor_id: str) -> scoring.PairExplanation:
    """One pair of a run explained from its stored inputs, as ``run_table(run).explain``
    would, without scoring the run's other pairs (millions, in a large program).

    Raises KeyError if either person was not in the run."""
    data = run.inputs
    mentee = next((p for p in data.get("mentees", ()) if p["id"] == mentee_id), None)
    mentor = next((p for p in data.get("mentors", ()) if p["id"] == mentor_id), None)
    if mentee is None or mentor is None:
        raise KeyError((mentee_id, mentor_id))
    pair = [mentee_id, mentor_id]
    table = scoring.score_table(
        [_profile(scoring.MenteeProfile, mentee)], [_profile(scoring.MentorProfile, mentor)],
        scoring.Weights.from_dict(run.weights), threshold=run.threshold,
        min_hours=data["min_hours"], on_date=date.fromisoformat(data["on_date"]),
        locked=[tuple(p) for p in data["locked"] if p == pair],
        forbidden=[tuple(p) for p in data["forbidden"] if p == pair],
        forbidden_why={(a, b): words for a, b, words in data.get("forbidden_why", [])
                       if [a, b] == pair},
        require_shared_area=run.require_shared_area,
    )
    return table.explain(mentee_id, mentor_id)


# Above this many allowed pairs, what proposing one pair would cost is not worked out
# while the organizer waits (it means solving the whole run again): say how to see it.
COST_PAIRS_LIMIT = 200_000


@dataclass(frozen=True)
class Competition:
    """Why a pair the run allowed was not proposed: where each side went instead, and
    what proposing it would have cost the whole matching."""

    mentee_went_to: tuple[str, float] | None  # (mentor's name, score) of its proposal
    mentee_left_out: str  # why the run left the mentee out, if it did
    mentor_places: int  # the mentor's free places in the run
    mentor_went_to: tuple[tuple[str, float], ...]  # (mentee's name, score) of each
    cost: str  # in words; "" when not worked out


def run_why_not(*, run: MatchingRun, mentee_id: str, mentor_id: str) -> Competition | None:
    """For a pair the run allowed but did not propose: who was proposed instead, and the
    exact cost of proposing it (the run solved again with the pair locked: fewer mentees
    matched, or a lower total score). None for a pair the run proposed."""
    proposals = list(run.proposals.select_related("mentee__user", "mentor__user"))
    if any(str(p.mentee_id) == mentee_id and str(p.mentor_id) == mentor_id
           for p in proposals):
        return None
    names = {("mentee", p["id"]): p["name"] for p in run.inputs.get("mentees", [])}
    names |= {("mentor", p["id"]): p["name"] for p in run.inputs.get("mentors", [])}
    mentee_went = next(((names.get(("mentor", str(p.mentor_id)), ""), p.score)
                        for p in proposals if str(p.mentee_id) == mentee_id), None)
    left_out = next((u["reason"] for u in run.unmatched if u["mentee"] == mentee_id), "")
    places = next((m["remaining"] for m in run.inputs.get("mentors", [])
                   if m["id"] == mentor_id), 0)
    mentor_went = tuple((names.get(("mentee", str(p.mentee_id)), ""), p.score)
                        for p in proposals if str(p.mentor_id) == mentor_id)
    return Competition(mentee_went_to=mentee_went, mentee_left_out=left_out,
                       mentor_places=places, mentor_went_to=mentor_went,
                       cost=_cost_of_proposing(run, mentee_id, mentor_id))


def _cost_of_proposing(run: MatchingRun, mentee_id: str, mentor_id: str) -> str:
    data = run.inputs
    locked = [tuple(p) for p in data["locked"]]
    if any(pair[0] == mentee_id for pair in locked):
        return "the mentee is locked to another mentor"
    table = run_table(run)
    if len(table.pairs) > COST_PAIRS_LIMIT:
        return ("too large a run to work out here: lock the pair and re-run to see what "
                "it costs")
    mentors = sorted((m["id"], m["remaining"]) for m in data["mentors"])
    problem = dict(mentors=mentors, mentees=sorted(table.mentee_ids), scores=table.pairs)
    best = solver.solve(solver.Problem(**problem, locked=locked))
    try:
        forced = solver.solve(solver.Problem(**problem, locked=[*locked,
                                                                (mentee_id, mentor_id)]))
    except solver.ProblemError:
        return "the mentor's places are all held by locks"
    if forced.matched < best.matched:
        lost = best.matched - forced.matched
        return (f"proposing it would leave {lost} more mentee{'s' if lost != 1 else ''} "
                "unmatched (the run matches as many as it can first)")
    drop = round(best.total_score - forced.total_score, 2)
    if drop > 0:
        return (f"proposing it would lower the run's total score by {drop:g} points "
                f"({best.total_score:g} to {forced.total_score:g})")
    return "an equally good matching: the run's tie-break chose the other"


def run_replay(run: MatchingRun) -> tuple[scoring.ScoreTable, solver.Solution]:
    """Score and solve a run again from its stored inputs: the same proposals."""
    table = run_table(run)
    solution = solver.solve(solver.Problem(
        mentors=sorted((m["id"], m["remaining"]) for m in run.inputs["mentors"]),
        mentees=sorted(table.mentee_ids), scores=table.pairs,
        locked=[tuple(p) for p in run.inputs["locked"]],
    ))
    return table, solution


# --------------------------------------------------------------------------- rules


def pair_rule_set(*, program: Program, mentee: Mentee, mentor: Mentor, kind: str | None,
                  by) -> PairRule | None:
    """Lock or forbid a pair for later runs (``kind=None`` removes the rule)."""
    if mentee.program_id != program.pk or mentor.program_id != program.pk:
        raise ValidationError("The mentee and the mentor must both be in this program.")
    with transaction.atomic():
        PairRule.objects.filter(mentee=mentee, mentor=mentor).delete()
        if kind is None:
            return None
        if kind == PairRule.Kind.LOCK and PairRule.objects.filter(
            mentee=mentee, kind=PairRule.Kind.LOCK
        ).exists():
            raise ValidationError(
                f"{mentee.user} is already locked to another mentor: remove that lock first."
            )
        return PairRule.objects.create(program=program, mentee=mentee, mentor=mentor,
                                       kind=kind, created_by=by)


# --------------------------------------------------------------------------- approve


def run_approve(*, run: MatchingRun, by, proposal_ids=None) -> list[Mentorship]:
    """Create the mentorships of the chosen proposals (all not yet approved if None).

    Raises ValidationError if the run is not solved (queued, solving or failed), StaleRun
    if capacities, statuses or rules changed since the run (anyone else's change: this
    run's own approvals are taken into account), and ValidationError if a mentorship
    cannot be created; then nothing is approved.
    """
    with transaction.atomic():
        program = Program.objects.select_for_update().get(pk=run.program_id)
        run = MatchingRun.objects.select_for_update().defer("inputs").get(pk=run.pk)
        if not run.is_solved:
            raise ValidationError(
                "This run failed: re-run it." if run.status == MatchingRun.Status.FAILED
                else "This run is still being solved: approve its proposals once it is done."
            )
        if state_fingerprint(program) != run.state_fingerprint:
            raise StaleRun(
                "Mentors' capacity, mentorships or locks have changed since this run: "
                "re-run matching before approving."
            )
        pending = run.proposals.filter(mentorship__isnull=True, approved_at__isnull=True)
        if proposal_ids is not None:
            pending = pending.filter(pk__in=list(proposal_ids))
        pending = list(pending.select_related("mentor", "mentee").order_by("pk"))
        if not pending:
            raise ValidationError("Select at least one proposal that is not approved yet.")
        created, now = [], timezone.now()
        for proposal in pending:
            mentorship = mentorship_create(
                mentor=proposal.mentor, mentee=proposal.mentee,
                source=MentorshipSource.MATCH, created_by=by,
            )
            proposal.mentorship, proposal.approved_at, proposal.approved_by = (
                mentorship, now, by
            )
            proposal.save(update_fields=["mentorship", "approved_at", "approved_by"])
            created.append(mentorship)
        left = run.proposals.filter(approved_at__isnull=True).exists()
        run.status = MatchingRun.Status.PARTLY_APPROVED if left else MatchingRun.Status.APPROVED
        # This run's own approvals changed the state; anyone else's change would have
        # been caught above.
        run.state_fingerprint = state_fingerprint(program)
        run.save(update_fields=["status", "state_fingerprint"])
    return created
