"""Deferred acceptance with quotas (matching/stable.py): its result is stable, within
quotas and only on pairs both sides accept; blocking pairs are counted right; and on a
known market the optimal solver places more people at the price of a blocking pair."""

from hypothesis import given, settings
from hypothesis import strategies as st

from matching import solver
from matching.stable import Market, blocking_pairs, deferred_acceptance


@st.composite
def markets(draw):
    mentors = [f"m{i}" for i in range(draw(st.integers(1, 5)))]
    applicants = [f"a{i}" for i in range(draw(st.integers(0, 12)))]
    prefs = {a: draw(st.lists(st.sampled_from(mentors), unique=True, max_size=3))
             for a in applicants}
    order = {}
    for m in mentors:
        yeses = draw(st.lists(st.sampled_from(applicants), unique=True)) if applicants else []
        order[m] = {a: position for position, a in enumerate(yeses)}
    quotas = {m: draw(st.integers(0, 3)) for m in mentors}
    return Market(prefs=prefs, order=order, quotas=quotas)


@settings(max_examples=200, deadline=None)
@given(markets())
def test_deferred_acceptance_is_stable_within_quotas_on_acceptable_pairs(market):
    assignment = deferred_acceptance(market)
    assert blocking_pairs(market, assignment) == []
    for applicant, mentor in assignment.items():
        assert mentor in market.prefs[applicant]
        assert applicant in market.order[mentor]
    for mentor, quota in market.quotas.items():
        assert list(assignment.values()).count(mentor) <= quota


def test_a_known_market_shows_the_trade_between_stable_and_optimal():
    # a1 wants m1 then m2; a2 wants m1 only. m1 (one place) prefers a1; m2 takes a1.
    market = Market(prefs={"a1": ["m1", "m2"], "a2": ["m1"]},
                    order={"m1": {"a1": 0, "a2": 1}, "m2": {"a1": 0}},
                    quotas={"m1": 1, "m2": 1})
    stable = deferred_acceptance(market)
    assert stable == {"a1": "m1"}  # a2 is left out
    optimal = solver.solve(solver.Problem(
        mentors=[("m1", 1), ("m2", 1)], mentees=["a1", "a2"],
        scores=[("a1", "m1", 1.0), ("a1", "m2", 0.5), ("a2", "m1", 0.5)]))
    placed = {a.mentee: a.mentor for a in optimal.assignments}
    assert placed == {"a1": "m2", "a2": "m1"}
    # a1 and m1 would both rather be together: one blocking pair.
    assert blocking_pairs(market, placed) == [("a1", "m1")]


def test_a_mentor_who_prefers_a_newcomer_displaces_the_worst_held():
    market = Market(prefs={"a1": ["m"], "a2": ["m"], "a3": ["m"]},
                    order={"m": {"a3": 0, "a1": 1, "a2": 2}}, quotas={"m": 2})
    assert deferred_acceptance(market) == {"a1": "m", "a3": "m"}


def test_locks_take_a_place_and_forbids_strike_a_pair():
    market = Market(prefs={"a1": ["m"], "a2": ["m", "n"], "a3": ["m"]},
                    order={"m": {"a1": 0, "a2": 1, "a3": 2}, "n": {"a2": 0}},
                    quotas={"m": 2, "n": 1}, locked=(("a3", "m"),),
                    forbidden=(("a1", "m"),))
    assignment = deferred_acceptance(market)
    assert assignment == {"a2": "m", "a3": "m"}
    assert blocking_pairs(market, assignment) == []
    # The locked applicant is never displaced: a2 does not block by outranking a3.
    full = Market(prefs=market.prefs, order=market.order, quotas={"m": 1, "n": 1},
                  locked=market.locked)
    assert deferred_acceptance(full) == {"a2": "n", "a3": "m"}
    assert blocking_pairs(full, {"a2": "n", "a3": "m"}) == []
