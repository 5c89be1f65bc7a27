"""The scorer's hard rules (conflicts, stages, forbids, the threshold, a shared research
area) and why a mentee was left unmatched."""


import math

import pytest

from matching.solver import Problem, solve

from .scoring_helpers import (
    mentee,
    mentor,
    only,
    table,
)

# ----------------------------------------------------------------------------- hard rules


@pytest.mark.parametrize(
    ("mentee_conflicts", "mentor_conflicts", "words"),
    [
        ({"  MENTOR   t1 "}, set(), "conflict of interest declared by the mentee"),
        ({"T1@Example.org"}, set(), "conflict of interest declared by the mentee"),
        (set(), {"mentee  E1"}, "conflict of interest declared by the mentor"),
        ({"t1@example.org"}, {"e1@EXAMPLE.org"}, "conflict of interest declared by both"),
    ],
)
def test_conflict_of_interest(mentee_conflicts, mentor_conflicts, words):
    others = [mentor("t2")]
    t = table([mentee(conflicts=frozenset(mentee_conflicts))],
              [mentor(conflicts=frozenset(mentor_conflicts)), *others])
    assert [(e, m) for e, m, _ in t.pairs] == [("e1", "t2")]
    assert t.explain("e1", "t1").excluded_by == (words,)
    assert not t.explain("e1", "t1").allowed
    assert t.removed("e1") == {"conflict": 1, "career_stage": 0, "forbidden": 0,
                               "no_shared_area": 0, "below_threshold": 0}


def test_partial_names_and_blank_lines_are_not_conflicts():
    t = table([mentee(conflicts=frozenset({"Mentor", "", "   "}))], [mentor(name="")])
    assert len(t.pairs) == 1


def test_career_stage_exclusion():
    t = table([mentee(career_stage="masters"), mentee("e2", career_stage="phd")],
              [mentor(excluded_stages=frozenset({"masters", "bachelors"}))])
    assert [(e, m) for e, m, _ in t.pairs] == [("e2", "t1")]
    assert t.explain("e1", "t1").excluded_by == ("mentor does not take Master's students",)
    assert t.removed("e1")["career_stage"] == 1


def test_forbidden_pair():
    t = table([mentee()], [mentor(), mentor("t2")], forbidden=[("e1", "t1")])
    assert [m for _, m, _ in t.pairs] == ["t2"]
    assert t.explain("e1", "t1").excluded_by == ("forbidden by an organizer",)
    assert t.removed("e1")["forbidden"] == 1


def test_threshold_removes_low_scores_and_reports_the_best_of_them():
    mentors = [mentor("t1", areas=frozenset({"RL"})), mentor("t2", areas=frozenset({"RL"})),
               mentor("t3"), mentor("t4", areas=frozenset({"RL"}), excluded_stages={"phd"})]
    t = table([mentee()], mentors, only("areas"), threshold=50)
    assert t.pairs == [("e1", "t3", 100.0)]
    assert t.removed("e1") == {"conflict": 0, "career_stage": 1, "forbidden": 0,
                               "no_shared_area": 0, "below_threshold": 2}
    assert t.best_below_threshold("e1") == ("t1", 0.0)  # ties: smallest id
    assert t.explain("e1", "t1").excluded_by == ("score 0 is below the threshold of 50",)
    assert table([mentee()], [mentor()]).best_below_threshold("e1") is None


def test_every_applicable_rule_is_listed_but_counted_once():
    e = mentee(conflicts=frozenset({"t1@example.org"}), areas=frozenset({"RL"}))
    t = table([e], [mentor(excluded_stages=frozenset({"phd"}))], only("areas"), threshold=10,
              forbidden=[("e1", "t1")])
    assert t.explain("e1", "t1").excluded_by == (
        "conflict of interest declared by the mentee",
        "mentor does not take PhD students",
        "forbidden by an organizer",
        "score 0 is below the threshold of 10",
    )
    assert t.removed("e1") == {"conflict": 1, "career_stage": 0, "forbidden": 0,
                               "no_shared_area": 0, "below_threshold": 0}


def test_lock_overrides_every_rule_but_a_forbid():
    e = mentee(conflicts=frozenset({"Mentor t1"}), areas=frozenset({"RL"}))
    mentors = [mentor("t1", excluded_stages=frozenset({"phd"})), mentor("t2")]
    t = table([e], mentors, only("areas"), threshold=50, locked=[("e1", "t1")])
    assert t.pairs == [("e1", "t1", 0.0)]
    explanation = t.explain("e1", "t1")
    assert explanation.locked and explanation.allowed
    assert explanation.overridden_by_lock == (
        "conflict of interest declared by the mentee",
        "mentor does not take PhD students",
        "score 0 is below the threshold of 50",
    )
    both = table([e], mentors, threshold=0, locked=[("e1", "t2")], forbidden=[("e1", "t2")])
    assert ("e1", "t2") not in {(a, b) for a, b, _ in both.pairs}
    assert both.explain("e1", "t2").excluded_by == ("forbidden by an organizer",)


def test_locked_pair_below_threshold_reaches_the_solver():
    mentees = [mentee("e1", areas=frozenset({"RL"})), mentee("e2")]
    t = table(mentees, [mentor()], only("areas"), threshold=50, locked=[("e1", "t1")])
    solution = solve(Problem(mentors=[("t1", 1)], mentees=["e1", "e2"], scores=t.pairs,
                             locked=[("e1", "t1")]))
    assert [(a.mentee, a.mentor) for a in solution.assignments] == [("e1", "t1")]


@pytest.mark.parametrize("name", ["locked", "forbidden"])
def test_pairs_with_unknown_ids_are_refused(name):
    with pytest.raises(ValueError, match=f"{name} pair .*unknown mentor 'nobody'"):
        table([mentee()], [mentor()], **{name: [("e1", "nobody")]})
    with pytest.raises(ValueError, match=f"{name} pair .*unknown mentee 'nobody'"):
        table([mentee()], [mentor()], **{name: [("nobody", "t1")]})


@pytest.mark.parametrize(
    ("mentees", "mentors", "message"),
    [
        ([mentee(), mentee()], [mentor()], "duplicate mentee id 'e1'"),
        ([mentee()], [mentor(), mentor()], "duplicate mentor id 't1'"),
        ([mentee(timezone="Berlin")], [mentor()], "mentee 'e1': unknown time zone 'Berlin'"),
        ([mentee()], [mentor(timezone="")], "mentor 't1': unknown time zone ''"),
        ([mentee(preferred_involvement="lots")], [mentor()], "mentee 'e1': involvement must"),
        ([mentee()], [mentor(creative_control="")], "mentor 't1': creative control must"),
        ([mentee(hours_per_week=-1)], [mentor()], "mentee 'e1': hours per week"),
    ],
)
def test_bad_profiles_are_refused(mentees, mentors, message):
    with pytest.raises(ValueError, match=message):
        table(mentees, mentors)


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="minimum hours"):
        table([mentee()], [mentor()], min_hours=0)
    with pytest.raises(ValueError, match="threshold"):
        table([mentee()], [mentor()], threshold=math.nan)


# ---------------------------------------------------------------------------- unmatched


def test_unmatched_reason_without_free_capacity():
    t = table([mentee()], [mentor()])
    assert t.unmatched_reason("e1", {"t1": 0}) == "no mentor has free capacity"
    assert t.unmatched_reason("e1", {}) == "no mentor has free capacity"
    assert table([mentee()], []).unmatched_reason("e1", {}) == "no mentor has free capacity"


def test_unmatched_reason_when_every_free_mentor_is_excluded():
    mentors = [
        mentor("t1", conflicts=frozenset({"e1@example.org"})),
        mentor("t2", name="Zed", conflicts=frozenset({"Mentee e1"})),
        mentor("t3", excluded_stages=frozenset({"phd"})),
        mentor("t4", excluded_stages=frozenset({"phd"})),
        mentor("t5", excluded_stages=frozenset({"phd"})),
        mentor("t6"),
        mentor("t7"),  # allowed but full
    ]
    t = table([mentee()], mentors, forbidden=[("e1", "t6")])
    capacity = {f"t{k}": 1 for k in range(1, 7)} | {"t7": 0}
    assert t.unmatched_reason("e1", capacity) == (
        "every mentor with free capacity is excluded: 2 conflicts of interest, "
        "3 career-stage exclusions, 1 forbidden"
    )


def test_unmatched_reason_when_every_candidate_is_below_threshold():
    mentors = [mentor("t1", name="Ada Lovelace", areas=frozenset({"Evals", "RL"})),
               mentor("t2", areas=frozenset({"RL"})), mentor("t3", areas=frozenset({"Evals"}))]
    e = mentee(areas=frozenset({"Evals", "RL", "Theory"}))
    t = table([e], mentors, only("areas"), threshold=70)
    assert t.unmatched_reason("e1", {"t1": 1, "t2": 2, "t3": 0}) == (
        "all 2 candidates score below the threshold of 70 (best: 66.67 with Ada Lovelace)"
    )
    assert t.unmatched_reason("e1", {"t2": 1}) == (
        "the only candidate scores below the threshold of 70 (33.33 with Mentor t2)"
    )
    mixed = table([e], mentors, only("areas"), threshold=70, forbidden=[("e1", "t3")])
    assert mixed.unmatched_reason("e1", {"t1": 1, "t3": 1}) == (
        "the only candidate scores below the threshold of 70 (66.67 with Ada Lovelace); "
        "the other 1 is excluded: 1 forbidden"
    )


def test_unmatched_reason_with_a_compatible_mentor():
    t = table([mentee()], [mentor(), mentor("t2", excluded_stages=frozenset({"phd"}))])
    assert t.unmatched_reason("e1", {"t1": 1, "t2": 1}) == (
        "the places of its compatible mentors went to other mentees (a better total fit, or a lock)"
    )
    assert t.unmatched_reason("e1", {"t2": 1}).startswith("every mentor with free capacity")


# ------------------------------------------------------------------ shared research area


def test_a_pair_sharing_no_area_is_not_proposed_when_the_run_requires_one():
    people = ([mentee("e1", areas=frozenset({"Evals"})), mentee("e2", areas=frozenset())],
              [mentor("t1", areas=frozenset({"Evals"})),
               mentor("t2", areas=frozenset({"Governance"}))])
    assert len(table(*people).pairs) == 4  # the run's default is the organizer's choice
    t = table(*people, require_shared_area=True)
    assert [(e, m) for e, m, _ in t.pairs] == [("e1", "t1")]
    assert t.explain("e1", "t2").excluded_by == ("no shared research area",)
    assert t.explain("e2", "t1").excluded_by == ("the mentee listed no research areas",)
    assert t.removed("e1")["no_shared_area"] == 1
    assert "1 with no shared research area" in t.unmatched_reason("e1", {"t2": 1})


def test_a_lock_overrides_the_shared_area_rule():
    t = table([mentee("e1", areas=frozenset({"Evals"}))],
              [mentor("t1", areas=frozenset({"Governance"}))],
              require_shared_area=True, locked=[("e1", "t1")])
    assert [(e, m) for e, m, _ in t.pairs] == [("e1", "t1")]
    assert t.explain("e1", "t1").overridden_by_lock == ("no shared research area",)
