"""The matching solver on its own: optimality against brute force and an LP, determinism,
edge cases and every malformed-input message. No database."""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from matching.solver import (
    MAX_ABS_SCORE,
    SCORE_SCALE,
    Assignment,
    Problem,
    ProblemError,
    Solution,
    solve,
    validate_problem,
)

ROOT = Path(__file__).resolve().parent.parent


def scaled(score: float) -> int:
    """The integer the solver optimises for a score (six decimals)."""
    return int(np.rint(score * SCORE_SCALE))


def random_problem(rng: random.Random, *, max_mentees: int = 6, max_mentors: int = 4) -> Problem:
    """A small valid problem: sparse pairs, capacities 0-2, some locks and forbidden pairs."""
    mentees = [f"e{i}" for i in range(rng.randint(0, max_mentees))]
    mentors = {f"t{j}": rng.randint(0, 2) for j in range(rng.randint(0, max_mentors))}
    density = rng.choice([0.2, 0.5, 0.8, 1.0])
    kind = rng.choice(["ties", "floats", "signed"])
    scores = []
    for mentee in mentees:
        for mentor in mentors:
            if rng.random() < density:
                if kind == "ties":
                    score = float(rng.randint(0, 3))  # many equal optima
                elif kind == "floats":
                    score = round(rng.uniform(0, 10), 4)
                else:
                    score = round(rng.uniform(-5, 5), 2)
                scores.append((mentee, mentor, score))
    locked, left = [], dict(mentors)
    for mentee in mentees:
        if rng.random() < 0.2:
            open_mentors = [m for m, cap in left.items() if cap > 0]
            if open_mentors:
                mentor = rng.choice(open_mentors)
                left[mentor] -= 1
                locked.append((mentee, mentor))
    locked_set = set(locked)
    forbidden = []
    for mentee in mentees:
        for mentor in mentors:
            if (mentee, mentor) not in locked_set and rng.random() < 0.15:
                forbidden.append((mentee, mentor))
    return Problem(
        mentors=tuple(mentors.items()),
        mentees=tuple(mentees),
        scores=tuple(scores),
        locked=tuple(locked),
        forbidden=tuple(forbidden),
    )


def brute_force(problem: Problem) -> tuple[int, int]:
    """Best (matched, total scaled score) over every feasible assignment, by enumeration."""
    capacity = dict(problem.mentors)
    scores = {(e, t): s for e, t, s in problem.scores}
    locked = dict(problem.locked)
    forbidden = set(problem.forbidden)
    options = []
    for mentee in problem.mentees:
        if mentee in locked:
            mentor = locked[mentee]
            options.append([(mentor, scaled(scores.get((mentee, mentor), 0.0)))])
            continue
        allowed = [
            (t, scaled(s))
            for (e, t), s in scores.items()
            if e == mentee and (e, t) not in forbidden
        ]
        options.append([None, *allowed])
    best = (0, 0)

    def search(index: int, count: int, total: int) -> None:
        nonlocal best
        if index == len(options):
            best = max(best, (count, total))
            return
        for option in options[index]:
            if option is None:
                search(index + 1, count, total)
                continue
            mentor, score = option
            if capacity[mentor] > 0:
                capacity[mentor] -= 1
                search(index + 1, count + 1, total + score)
                capacity[mentor] += 1

    search(0, 0, 0)
    return best


def assert_feasible(problem: Problem, solution: Solution) -> None:
    capacity = dict(problem.mentors)
    scores = {(e, t): s for e, t, s in problem.scores}
    forbidden = set(problem.forbidden)
    assigned = [a.mentee for a in solution.assignments]
    assert len(assigned) == len(set(assigned)), "a mentee matched twice"
    assert set(problem.locked) <= {(a.mentee, a.mentor) for a in solution.assignments}
    for a in solution.assignments:
        assert (a.mentee, a.mentor) in scores or (a.mentee, a.mentor) in set(problem.locked)
        assert (a.mentee, a.mentor) not in forbidden
        assert a.score == scores.get((a.mentee, a.mentor), 0.0)
        capacity[a.mentor] -= 1
    assert min(capacity.values(), default=0) >= 0, "a mentor over capacity"
    assert list(solution.assignments) == sorted(solution.assignments)
    assert list(solution.unassigned) == sorted(set(problem.mentees) - set(assigned))
    assert solution.total_score == pytest.approx(sum(a.score for a in solution.assignments))


def objective(solution: Solution) -> tuple[int, int]:
    return solution.matched, sum(scaled(a.score) for a in solution.assignments)


def shuffled(problem: Problem, rng: random.Random) -> Problem:
    def mixed(rows):
        rows = list(rows)
        rng.shuffle(rows)
        return tuple(rows)

    return Problem(
        mentors=mixed(problem.mentors),
        mentees=mixed(problem.mentees),
        scores=mixed(problem.scores),
        locked=mixed(problem.locked),
        forbidden=mixed(problem.forbidden),
    )


# ------------------------------------------------------------------------------ optimality


def test_optimal_against_brute_force_on_many_small_instances():
    rng = random.Random(20260514)
    for case in range(600):
        problem = random_problem(rng)
        solution = solve(problem)
        assert_feasible(problem, solution)
        assert objective(solution) == brute_force(problem), f"case {case}: {problem}"


def lp_optimum(problem: Problem) -> tuple[int, int]:
    """Best (matched, total scaled score) by HiGHS in two stages: most pairs, then best score.
    The constraint matrix is that of a transportation problem, so the optimum is integral."""
    locked = dict(problem.locked)
    forbidden = set(problem.forbidden)
    capacity = dict(problem.mentors)
    scores = {(e, t): s for e, t, s in problem.scores}
    fixed = [(e, t, scaled(scores.get((e, t), 0.0))) for e, t in problem.locked]
    for _, mentor, _ in fixed:
        capacity[mentor] -= 1
    free = [
        (e, t, scaled(s))
        for (e, t), s in scores.items()
        if e not in locked and (e, t) not in forbidden and capacity[t] > 0
    ]
    base = (len(fixed), sum(s for *_, s in fixed))
    if not free:
        return base
    mentees = sorted({e for e, _, _ in free})
    mentors = sorted({t for _, t, _ in free})
    rows = [mentees.index(e) for e, _, _ in free] + [
        len(mentees) + mentors.index(t) for _, t, _ in free
    ]
    cols = list(range(len(free))) * 2
    shape = (len(mentees) + len(mentors), len(free))
    a = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
    upper = [1] * len(mentees) + [capacity[t] for t in mentors]
    limits = LinearConstraint(a, -np.inf, upper)
    ones = np.ones(len(free))
    first = milp(-ones, constraints=[limits], integrality=ones, bounds=Bounds(0, 1))
    count = round(-first.fun)
    weights = np.array([s for *_, s in free], dtype=float)
    exactly = LinearConstraint(ones, count, count)
    second = milp(-weights, constraints=[limits, exactly], integrality=ones, bounds=Bounds(0, 1))
    x = np.rint(second.x).astype(int)
    return base[0] + int(x.sum()), base[1] + int(weights.astype(np.int64) @ x)


def test_optimal_against_an_lp_on_medium_instances():
    rng = random.Random(7)
    for _ in range(12):
        problem = random_problem(rng, max_mentees=80, max_mentors=15)
        capacities = tuple((m, rng.randint(0, 6)) for m, _ in problem.mentors)
        # Wider capacities, then keep only the locks that still fit.
        room = dict(capacities)
        locked = []
        for mentee, mentor in problem.locked:
            if room[mentor] > 0:
                room[mentor] -= 1
                locked.append((mentee, mentor))
        problem = Problem(capacities, problem.mentees, problem.scores, locked, problem.forbidden)
        solution = solve(problem)
        assert_feasible(problem, solution)
        assert objective(solution) == lp_optimum(problem)


def test_cardinality_beats_score():
    # t1 can take one mentee: giving it to a (score 10) would leave b unmatched.
    problem = Problem(
        mentors={"t1": 1, "t2": 1},
        mentees=["a", "b"],
        scores=[("a", "t1", 10.0), ("a", "t2", 1.0), ("b", "t1", 1.0)],
    )
    solution = solve(problem)
    assert solution.assignments == (Assignment("a", "t2", 1.0), Assignment("b", "t1", 1.0))
    assert solution.total_score == 2.0


def test_a_negative_pair_is_used_when_it_matches_one_more_mentee():
    problem = Problem(mentors={"t1": 1}, mentees=["a"], scores=[("a", "t1", -3.5)])
    assert solve(problem).assignments == (Assignment("a", "t1", -3.5),)


def test_score_decides_between_equally_large_matchings():
    problem = Problem(
        mentors={"t1": 1, "t2": 1},
        mentees=["a", "b"],
        scores=[("a", "t1", 1.0), ("a", "t2", 2.0), ("b", "t1", 2.0), ("b", "t2", 1.0)],
    )
    solution = solve(problem)
    assert solution.assignments == (Assignment("a", "t2", 2.0), Assignment("b", "t1", 2.0))
    assert solution.total_score == 4.0


# ------------------------------------------------------------------------------ edge cases


def test_no_mentees():
    solution = solve(Problem(mentors={"t1": 3}, mentees=[], scores=[]))
    assert solution == Solution(assignments=(), unassigned=(), total_score=0.0)


def test_no_mentors():
    solution = solve(Problem(mentors={}, mentees=["b", "a"], scores=[]))
    assert solution.assignments == ()
    assert solution.unassigned == ("a", "b")


def test_empty_problem():
    assert solve(Problem(mentors=(), mentees=(), scores=())).matched == 0


def test_all_pairs_forbidden():
    pairs = [("a", "t1"), ("b", "t1")]
    problem = Problem(
        mentors={"t1": 2},
        mentees=["a", "b"],
        scores=[(e, t, 1.0) for e, t in pairs],
        forbidden=pairs,
    )
    solution = solve(problem)
    assert solution.assignments == ()
    assert solution.unassigned == ("a", "b")


def test_zero_capacity_mentors_get_no_one():
    problem = Problem(
        mentors={"t0": 0, "t1": 1},
        mentees=["a", "b"],
        scores=[("a", "t0", 9.0), ("b", "t0", 9.0), ("a", "t1", 1.0)],
    )
    solution = solve(problem)
    assert solution.assignments == (Assignment("a", "t1", 1.0),)
    assert solution.unassigned == ("b",)


def test_locks_only():
    problem = Problem(
        mentors={"t1": 1, "t2": 2},
        mentees=["a", "b", "c"],
        scores=[("a", "t1", 4.0)],
        locked=[("a", "t1"), ("b", "t2")],
    )
    solution = solve(problem)
    # A locked pair keeps its listed score, or 0 when it is not in the score table.
    assert solution.assignments == (Assignment("a", "t1", 4.0), Assignment("b", "t2", 0.0))
    assert solution.unassigned == ("c",)
    assert solution.total_score == 4.0


def test_locks_are_kept_even_when_worse_and_use_capacity():
    problem = Problem(
        mentors={"t1": 1, "t2": 1},
        mentees=["a", "b"],
        scores=[("a", "t1", 1.0), ("a", "t2", 10.0), ("b", "t2", 10.0)],
        locked=[("b", "t2")],
    )
    solution = solve(problem)
    assert solution.assignments == (Assignment("a", "t1", 1.0), Assignment("b", "t2", 10.0))


def test_total_score_is_the_sum_of_the_given_scores():
    problem = Problem(
        mentors={"t1": 3},
        mentees=["a", "b", "c"],
        scores=[("a", "t1", 0.1), ("b", "t1", 0.2), ("c", "t1", 0.7)],
    )
    assert solve(problem).total_score == 1.0


def test_mentors_may_be_given_as_a_mapping_or_pairs():
    by_mapping = Problem(mentors={"t1": 1}, mentees=["a"], scores=[("a", "t1", 1.0)])
    by_pairs = Problem(mentors=[("t1", 1)], mentees=("a",), scores=(("a", "t1", 1.0),))
    assert by_mapping == by_pairs
    assert solve(by_mapping) == solve(by_pairs)


# ----------------------------------------------------------------------------- determinism


def test_same_answer_for_shuffled_copies():
    rng = random.Random(99)
    for _ in range(40):
        problem = random_problem(rng, max_mentees=60, max_mentors=12)
        expected = solve(problem)
        for _ in range(3):
            assert solve(shuffled(problem, rng)) == expected


def test_same_answer_with_all_scores_tied():
    # Thousands of optimal matchings: the choice among them must not depend on input order.
    rng = random.Random(5)
    mentees = [f"e{i:03d}" for i in range(150)]
    mentors = {f"t{j:02d}": 3 for j in range(30)}
    scores = [(e, t, 1.0) for e in mentees for t in mentors if rng.random() < 0.3]
    problem = Problem(mentors=mentors, mentees=mentees, scores=scores)
    expected = solve(problem)
    for _ in range(5):
        assert solve(shuffled(problem, rng)) == expected


_HASH_SEED_SCRIPT = """
import json, random, sys
from matching.solver import Problem, solve
rng = random.Random(3)
mentees = [f"e{i}" for i in range(120)]
mentors = {f"t{j}": rng.randint(0, 4) for j in range(25)}
scores = [(e, t, float(rng.randint(0, 2))) for e in mentees for t in mentors if rng.random() < 0.3]
solution = solve(Problem(mentors=mentors, mentees=mentees, scores=scores))
print(json.dumps([list(a) for a in solution.assignments]))
"""


def test_same_answer_whatever_the_hash_seed():
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", _HASH_SEED_SCRIPT],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=True,
        )
        outputs.add(run.stdout)
    assert len(outputs) == 1
    assert len(json.loads(outputs.pop())) > 0


# ------------------------------------------------------------------------ malformed input

GOOD = {
    "mentors": (("t1", 1), ("t2", 2)),
    "mentees": ("a", "b"),
    "scores": (("a", "t1", 1.0), ("b", "t2", 2.0)),
    "locked": (),
    "forbidden": (),
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"mentors": (("t1", 1), (7, 1))}, "mentors[1]: mentor id must be a string, got 7"),
        (
            {"mentors": (("t1", 1), ("t2", 1), ("t1", 3))},
            "mentors[2]: duplicate mentor id 't1' (also mentors[0])",
        ),
        ({"mentors": (("t1", -1),)}, "mentor 't1': capacity must be 0 or more, got -1"),
        ({"mentors": (("t1", 1.5),)}, "mentor 't1': capacity must be a whole number, got 1.5"),
        ({"mentors": (("t1", True),)}, "mentor 't1': capacity must be a whole number, got True"),
        ({"mentors": (("t1",),)}, "mentors[0]: expected (id, capacity), got ('t1',)"),
        ({"mentees": ("a", None)}, "mentees[1]: mentee id must be a string, got None"),
        ({"mentees": ("a", "b", "a")}, "mentees[2]: duplicate mentee id 'a' (also mentees[0])"),
        (
            {"scores": (("a", "t1", 1.0), ("m-9", "t1", 1.0))},
            "scores[1]: unknown mentee 'm-9'",
        ),
        ({"scores": (("a", "x", 1.0),)}, "scores[0]: unknown mentor 'x'"),
        ({"scores": (("a", ["t1"], 1.0),)}, "scores[0]: mentor id must be a string, got ['t1']"),
        ({"scores": (("a", "t1"),)}, "scores[0]: expected (mentee, mentor, score), got"),
        ({"scores": ("a-t1",)}, "scores[0]: expected (mentee, mentor, score), got 'a-t1'"),
        (
            {"scores": (("a", "t1", 1.0), ("b", "t1", 1.0), ("a", "t1", 2.0))},
            "duplicate pair mentee 'a' / mentor 't1' in scores (scores[0] and scores[2])",
        ),
        ({"scores": (("a", "t1", "high"),)}, "scores[0]: score must be a number, got 'high'"),
        ({"scores": (("a", "t1", None),)}, "scores[0]: score must be a number, got None"),
        ({"scores": (("a", "t1", False),)}, "scores[0]: score must be a number, got False"),
        ({"scores": (("a", "t1", float("nan")),)}, "scores[0]: score must be finite, got nan"),
        ({"scores": (("a", "t1", float("-inf")),)}, "scores[0]: score must be finite, got -inf"),
        (
            {"scores": (("a", "t1", MAX_ABS_SCORE * 10),)},
            "scores[0]: score must be between -1000000 and 1000000, got 10000000.0",
        ),
        (
            {"scores": (("a", "t1", 10**400),)},
            "scores[0]: score must be between -1000000 and 1000000",
        ),
        ({"locked": (("zz", "t1"),)}, "locked[0]: unknown mentee 'zz'"),
        ({"locked": (("a", "zz"),)}, "locked[0]: unknown mentor 'zz'"),
        (
            {"locked": (("a", "t1"), ("a", "t1"))},
            "duplicate pair mentee 'a' / mentor 't1' in locked (locked[0] and locked[1])",
        ),
        (
            {"locked": (("a", "t1"), ("b", "t2"), ("a", "t2"))},
            "mentee 'a' is locked to two mentors: 't1' (locked[0]) and 't2' (locked[2])",
        ),
        ({"forbidden": (("a", "nobody"),)}, "forbidden[0]: unknown mentor 'nobody'"),
        (
            {"forbidden": (("b", "t2"), ("b", "t2"))},
            "duplicate pair mentee 'b' / mentor 't2' in forbidden (forbidden[0] and forbidden[1])",
        ),
        (
            {"locked": (("b", "t2"),), "forbidden": (("a", "t1"), ("b", "t2"))},
            "pair mentee 'b' / mentor 't2' is both locked and forbidden (locked[0], forbidden[1])",
        ),
        (
            {"locked": (("a", "t1"), ("b", "t1"))},
            "mentor 't1': 2 locked mentees exceed capacity 1",
        ),
    ],
)
def test_malformed_problems_are_named(change, message):
    problem = Problem(**{**GOOD, **change})
    with pytest.raises(ProblemError) as raised:
        validate_problem(problem)
    assert str(raised.value).startswith(message)
    with pytest.raises(ProblemError):
        solve(problem)


def test_the_good_problem_is_valid():
    validate_problem(Problem(**GOOD))
    assert solve(Problem(**GOOD)).total_score == 3.0


def test_integer_scores_are_numbers():
    problem = Problem(mentors={"t1": 1}, mentees=["a"], scores=[("a", "t1", 3)])
    assert solve(problem).assignments == (Assignment("a", "t1", 3.0),)
