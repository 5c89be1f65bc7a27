"""Benchmark the matching solver against an independent exact solver on random instances.

    .venv/bin/python bench/bench_solver.py

For each size (mentees x mentors) there is a dense and a sparse instance:

- dense: every mentee has min(mentors, 100) candidate mentors, so 60x15 and 500x100 are
  complete (900 and 50,000 pairs) and 5,000x500 has 500,000 pairs, the field-scale target;
- sparse: every mentee has 20% of the dense candidate count (180, 10,000, 100,000 pairs).

Capacities are drawn so that the seats add up to about 90% of the mentees (some mentors have
none), scores are uniform in [0, 100) with two decimals, 1% of mentees are locked to one of
their candidates and 1% of the pairs are forbidden. Everything is seeded.

The independent solver is HiGHS (``scipy.optimize.linprog``, interior point then crossover) on
the LP of the transportation problem, whose constraint matrix is totally unimodular so the
vertex it returns is integral. The lexicographic objective is one weighted sum: each pair is
worth a constant larger than any possible score difference plus its score. It shares no code
with ``matching.solver``: locks and forbidden pairs are applied here on the raw rows. Both
optima (matched count and total score in the solver's integer units) must agree; the script
exits 1 if any instance differs. Each solver is timed once per instance, problem construction
excluded; our time is the whole ``solve()`` call, validation included.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matching.solver import SCORE_SCALE, Problem, solve  # noqa: E402

SIZES = [(60, 15), (500, 100), (5_000, 500)]
DENSE_CANDIDATES = 100
SPARSE_SHARE = 0.2
SEED = 2026


def build(n_mentees: int, n_mentors: int, candidates: int, seed: int) -> Problem:
    """A seeded random instance; see the module docstring for its shape."""
    rng = np.random.default_rng(seed)
    mentees = [f"e{i:05d}" for i in range(n_mentees)]
    mentors = [f"t{j:04d}" for j in range(n_mentors)]
    mean_seats = 0.9 * n_mentees / n_mentors
    capacity = rng.integers(0, int(round(2 * mean_seats)) + 1, n_mentors)
    # Each mentee's candidates: the first `candidates` of a random permutation of the mentors.
    choice = np.argsort(rng.random((n_mentees, n_mentors)), axis=1)[:, :candidates]
    mentee_of = np.repeat(np.arange(n_mentees), candidates)
    mentor_of = choice.ravel()
    score = np.round(rng.uniform(0, 100, mentee_of.size), 2)

    locked, seats = [], capacity.copy()
    for i in rng.choice(n_mentees, size=n_mentees // 100, replace=False).tolist():
        j = int(choice[i, 0])
        if seats[j] > 0:
            seats[j] -= 1
            locked.append((mentees[i], mentors[j]))
    ruled_out = np.flatnonzero(rng.random(mentee_of.size) < 0.01).tolist()
    forbidden = sorted(
        {(mentees[mentee_of[k]], mentors[mentor_of[k]]) for k in ruled_out} - set(locked)
    )
    scores = tuple(
        zip(
            [mentees[i] for i in mentee_of.tolist()],
            [mentors[j] for j in mentor_of.tolist()],
            score.tolist(),
            strict=True,
        )
    )
    return Problem(
        mentors=tuple(zip(mentors, capacity.tolist(), strict=True)),
        mentees=tuple(mentees),
        scores=scores,
        locked=tuple(locked),
        forbidden=tuple(forbidden),
    )


def highs_optimum(problem: Problem) -> tuple[int, int]:
    """(matched, total score in 1/SCORE_SCALE units) by HiGHS, from the raw problem rows."""
    capacity = dict(problem.mentors)
    locked = dict(problem.locked)
    forbidden = set(problem.forbidden)
    score_of = {(e, t): s for e, t, s in problem.scores}
    fixed_total = 0
    for mentee, mentor in problem.locked:
        capacity[mentor] -= 1
        fixed_total += int(round(score_of.get((mentee, mentor), 0.0) * SCORE_SCALE))
    free = [
        (e, t, s)
        for e, t, s in problem.scores
        if e not in locked and (e, t) not in forbidden and capacity[t] > 0
    ]
    if not free:
        return len(locked), fixed_total
    mentee_row = {e: k for k, e in enumerate(sorted({e for e, _, _ in free}))}
    mentor_row = {t: k for k, t in enumerate(sorted({t for _, t, _ in free}))}
    n = len(free)
    rows = np.array(
        [mentee_row[e] for e, _, _ in free] + [len(mentee_row) + mentor_row[t] for _, t, _ in free]
    )
    cols = np.concatenate([np.arange(n), np.arange(n)])
    shape = (len(mentee_row) + len(mentor_row), n)
    matrix = csr_matrix((np.ones(2 * n), (rows, cols)), shape=shape)
    upper = np.array([1] * len(mentee_row) + [capacity[t] for t in sorted(mentor_row)], float)
    scores = np.array([s for _, _, s in free])
    # One more pair must outweigh any change of score: a matching of k + 1 pairs scores at
    # least (k + 1) * low, one of k pairs at most k * high, with k < len(mentee_row).
    low, high = float(scores.min()), float(scores.max())
    weight = (len(mentee_row) + 1) * (high - low) + abs(low) + 1.0
    result = linprog(-(weight + scores), A_ub=matrix, b_ub=upper, bounds=(0, 1), method="highs-ipm")
    if result.status != 0:
        raise RuntimeError(f"HiGHS: {result.message}")
    x = result.x
    # Crossover returns a vertex, and the constraint matrix (a bipartite incidence matrix) is
    # totally unimodular, so the vertex is integral; check rather than trust.
    if np.abs(x - np.rint(x)).max() > 1e-6:
        raise RuntimeError("HiGHS returned a fractional solution")
    chosen = np.flatnonzero(np.rint(x) > 0)
    total = sum(int(round(float(scores[k]) * SCORE_SCALE)) for k in chosen.tolist())
    return len(locked) + chosen.size, fixed_total + total


def main() -> int:
    header = (
        f"{'instance':<22}{'pairs':>9}{'matched':>9}{'total score':>14}"
        f"{'ours s':>9}{'HiGHS s':>9}{'HiGHS/ours':>11}  same optimum"
    )
    print(header)
    print("-" * len(header))
    mismatches, field_scale = 0, None
    for case, (n_mentees, n_mentors) in enumerate(SIZES):
        dense = min(n_mentors, DENSE_CANDIDATES)
        for label, candidates in (("dense", dense), ("sparse", round(SPARSE_SHARE * dense))):
            problem = build(n_mentees, n_mentors, candidates, SEED + 10 * case + len(label))
            started = time.perf_counter()
            ours = solve(problem)
            ours_seconds = time.perf_counter() - started
            ours_optimum = (
                ours.matched,
                sum(int(round(a.score * SCORE_SCALE)) for a in ours.assignments),
            )
            started = time.perf_counter()
            reference = highs_optimum(problem)
            highs_seconds = time.perf_counter() - started
            same = ours_optimum == reference
            mismatches += not same
            name = f"{n_mentees}x{n_mentors} {label}"
            print(
                f"{name:<22}{len(problem.scores):>9,}{ours.matched:>9,}{ours.total_score:>14,.2f}"
                f"{ours_seconds:>9.3f}{highs_seconds:>9.2f}{highs_seconds / ours_seconds:>10.0f}x"
                f"  {'yes' if same else f'NO: HiGHS {reference}, ours {ours_optimum}'}",
                flush=True,
            )
            if (n_mentees, n_mentors, label) == (5_000, 500, "dense"):
                field_scale = (len(problem.scores), ours_seconds)
    verdict = "all optima equal" if not mismatches else f"{mismatches} optima DIFFER"
    pairs, seconds = field_scale
    print(f"summary: {verdict}; 5000x500 with {pairs:,} pairs solved in {seconds:.2f} s")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
