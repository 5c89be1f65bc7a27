"""The compatibility scorer on its own: hand-computed components and words, hard rules, locks,
agreement between the matrix path and ``explain``, determinism and input checks. No database."""

import math
import random
from dataclasses import replace
from datetime import date

import pytest

from matching.scoring import (
    COMPONENTS,
    REASONS,
    MenteeProfile,
    MentorProfile,
    Weights,
    overlap_hours,
    score_table,
)
from matching.solver import Problem, solve

JANUARY = date(2025, 1, 15)
JULY = date(2025, 7, 15)
AREAS = ["Interpretability", "Evals", "Governance", "Control", "RL", "Theory", "Forecasting"]
ZONES = [
    "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles", "Asia/Tokyo",
    "Asia/Kolkata", "Asia/Kathmandu", "Australia/Adelaide", "Pacific/Auckland", "UTC",
]
STAGES = ["bachelors", "masters", "phd", "academic", "industry", "other"]


def mentee(id="e1", **changes) -> MenteeProfile:
    base = MenteeProfile(
        id=id, name=f"Mentee {id}", email=f"{id}@example.org", timezone="Europe/Berlin",
        areas=frozenset({"Evals"}), hours_per_week=5, career_stage="phd",
    )
    return replace(base, **changes)


def mentor(id="t1", **changes) -> MentorProfile:
    base = MentorProfile(
        id=id, name=f"Mentor {id}", email=f"{id}@example.org", timezone="Europe/Berlin",
        areas=frozenset({"Evals"}), involvement="balanced", creative_control="shared",
    )
    return replace(base, **changes)


def table(mentees, mentors, weights=None, **options):
    options = {"threshold": 0, "min_hours": 5, "on_date": JANUARY, **options}
    return score_table(mentees, mentors, weights or Weights(), **options)


def only(key: str) -> Weights:
    """Weights that count one component, so the score is 100 × its value."""
    return Weights(**{k: float(k == key) for k, _ in COMPONENTS})


def component(explanation, key):
    return next(c for c in explanation.components if c.key == key)


# ---------------------------------------------------------------------------- time zones


@pytest.mark.parametrize(
    ("a", "b", "winter", "summer"),
    [
        ("Europe/Berlin", "Europe/Berlin", 9, 9),
        # Berlin 08-17 UTC, New York 14-23 UTC in winter; both shift by an hour in summer.
        ("Europe/Berlin", "America/New_York", 3, 3),
        # Kolkata (+5:30, no DST) 03:30-12:30 UTC; London 09-18 winter, 08-17 summer.
        ("Asia/Kolkata", "Europe/London", 3.5, 4.5),
        # Kathmandu is +5:45: 03:15-12:15 UTC.
        ("Asia/Kathmandu", "Europe/London", 3.25, 4.25),
        ("Asia/Kathmandu", "Asia/Kolkata", 8.75, 8.75),
        # Tokyo 00-09 UTC; Los Angeles 17-02 UTC (PST) or 16-01 UTC (PDT), across midnight:
        # Tokyo's morning is the previous Los Angeles afternoon.
        ("Asia/Tokyo", "America/Los_Angeles", 2, 1),
        # Auckland 20-05 UTC (NZDT) or 21-06 (NZST); London never overlaps.
        ("Pacific/Auckland", "Europe/London", 0, 0),
        # Chatham is +13:45 in January, +12:45 in July; New York 14-23 / 13-22 UTC.
        ("Pacific/Chatham", "America/New_York", 3.75, 1.75),
    ],
)
def test_overlap_hours(a, b, winter, summer):
    assert overlap_hours(a, b, JANUARY) == winter
    assert overlap_hours(b, a, JANUARY) == winter
    assert overlap_hours(a, b, JULY) == summer
    assert overlap_hours(b, a, JULY) == summer


def test_overlap_hours_between_the_us_and_eu_dst_switches():
    # 20 March 2025: New York already on EDT (13-22 UTC), Berlin still on CET (08-17 UTC).
    assert overlap_hours("Europe/Berlin", "America/New_York", date(2025, 3, 20)) == 4


def test_overlap_hours_is_symmetric_on_a_dst_switch_day():
    day = date(2025, 3, 9)  # US clocks go forward
    assert overlap_hours("Asia/Tokyo", "America/Los_Angeles", day) == overlap_hours(
        "America/Los_Angeles", "Asia/Tokyo", day
    )


def test_overlap_hours_rejects_an_unknown_zone():
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        overlap_hours("Mars/Olympus", "UTC", JANUARY)


@pytest.mark.parametrize(
    ("zone", "words", "value"),
    [
        ("Europe/London", "9 h working-day overlap", 1.0),
        ("Europe/Berlin", "8 h working-day overlap", 8 / 9),
        ("Asia/Kolkata", "4.5 h working-day overlap", 0.5),  # 03:30-12:30 vs 08-17 UTC
        ("Asia/Kathmandu", "4.25 h working-day overlap", 4.25 / 9),
        ("Pacific/Auckland", "no working-day overlap", 0.0),
    ],
)
def test_timezone_component(zone, words, value):
    t = table([mentee(timezone=zone)], [mentor(timezone="Europe/London")], only("timezone"),
              on_date=JULY)
    part = component(t.explain("e1", "t1"), "timezone")
    assert part.words == words
    assert part.value == value


# ---------------------------------------------------------------------------- components


@pytest.mark.parametrize(
    ("mine", "theirs", "value", "words"),
    [
        ({"Interpretability", "Evals", "Governance"}, {"Governance", "Evals", "Interpretability"},
         1.0, "3 shared areas: Evals, Governance, Interpretability"),
        # Five listed, three shared: three is a full match.
        (set(AREAS[:5]), set(AREAS[:3]), 1.0,
         "3 shared areas: Evals, Governance, Interpretability"),
        (set(AREAS[:5]), set(AREAS[:4]), 1.0,
         "4 shared areas: Control, Evals, Governance, Interpretability"),
        ({"Evals", "RL"}, {"Evals", "Theory"}, 0.5, "1 shared area: Evals"),
        ({"Evals", "RL", "Theory", "Control"}, {"Evals"}, 1 / 3, "1 shared area: Evals"),
        ({"Evals"}, {"RL"}, 0.0, "no shared research areas"),
        (set(), {"RL"}, 0.0, "the mentee listed no research areas"),
    ],
)
def test_areas_component(mine, theirs, value, words):
    t = table([mentee(areas=frozenset(mine))], [mentor(areas=frozenset(theirs))], only("areas"))
    explanation = t.explain("e1", "t1")
    part = component(explanation, "areas")
    assert (part.value, part.words) == (value, words)
    assert t.pairs == [("e1", "t1", round(100 * value, 2))]


@pytest.mark.parametrize(
    ("hours", "value", "words"),
    [
        (0, 0.0, "0 h/week, under the 5 h minimum"),
        (3, 0.3, "3 h/week, under the 5 h minimum"),
        (5, 0.5, "5 h/week, at the 5 h minimum"),
        (8, 0.8, "8 h/week, above the 5 h minimum"),
        (10, 1.0, "10 h/week, above the 5 h minimum"),
        (40, 1.0, "40 h/week, above the 5 h minimum"),
    ],
)
def test_commitment_component(hours, value, words):
    t = table([mentee(hours_per_week=hours)], [mentor()], only("commitment"))
    part = component(t.explain("e1", "t1"), "commitment")
    assert part.words == words
    assert part.value == pytest.approx(value)
    assert t.pairs[0][2] == pytest.approx(100 * value)


@pytest.mark.parametrize(
    ("wants", "has", "value", "words"),
    [
        (("", ""), ("hands_on", "mentor"), 0.5, "no style preference stated"),
        (("hands_on", ""), ("hands_on", "mentor"), 1.0, "wants hands-on, mentor is hands-on"),
        (("hands_on", ""), ("balanced", "mentor"), 0.5, "wants hands-on, mentor is in between"),
        (("hands_on", ""), ("high_level", "mentor"), 0.0,
         "wants hands-on, mentor gives high-level direction"),
        (("", "mentee"), ("hands_on", "mentor"), 0.0,
         "wants to pick their own direction, mentor prefers to assign a project"),
        (("hands_on", "shared"), ("hands_on", "mentor"), 0.75,
         "wants hands-on, mentor is hands-on; "
         "wants to decide together, mentor prefers to assign a project"),
        (("high_level", "shared"), ("balanced", "shared"), 0.75,
         "wants high-level direction, mentor is in between; "
         "wants to decide together, mentor prefers to decide together"),
    ],
)
def test_style_component(wants, has, value, words):
    t = table(
        [mentee(preferred_involvement=wants[0], preferred_control=wants[1])],
        [mentor(involvement=has[0], creative_control=has[1])],
        only("style"),
    )
    part = component(t.explain("e1", "t1"), "style")
    assert (part.value, part.words) == (value, words)
    assert t.pairs[0][2] == 100 * value


def test_preference_component():
    asked = mentee("e1", preferred_mentors=frozenset({"t1", "gone"}))  # unknown ids ignored
    silent = mentee("e2")
    t = table([asked, silent], [mentor("t1"), mentor("t2")], only("preference"))
    assert t.pairs == [("e1", "t1", 100.0), ("e1", "t2", 0.0), ("e2", "t1", 50.0),
                       ("e2", "t2", 50.0)]
    assert component(t.explain("e1", "t1"), "preference").words == "asked for this mentor"
    assert component(t.explain("e1", "t2"), "preference").words == "asked for other mentors"
    assert component(t.explain("e2", "t1"), "preference").words == "no mentor preference stated"


def test_score_points_and_summary_of_a_full_pair():
    e = mentee(
        areas=frozenset({"Interpretability", "Evals", "Governance"}), hours_per_week=8,
        preferred_involvement="hands_on", preferred_control="shared",
        preferred_mentors=frozenset({"t1"}),
    )
    t = mentor(areas=frozenset({"Interpretability", "Evals", "Governance", "RL"}),
               timezone="America/New_York", involvement="hands_on", creative_control="mentor")
    explanation = table([e], [t], threshold=0).explain("e1", "t1")
    # areas 1, timezone 3/9, commitment 0.8, style 0.75, preference 1; weights 4,2,1,1,2.
    expected = 100 * (4 * 1 + 2 * (3 / 9) + 1 * 0.8 + 1 * 0.75 + 2 * 1) / 10
    assert explanation.score == round(expected, 2) == 82.17
    assert [c.points for c in explanation.components] == [40.0, 6.67, 8.0, 7.5, 20.0]
    assert explanation.summary == (
        "3 shared areas: Evals, Governance, Interpretability; 3 h working-day overlap; "
        "8 h/week, above the 5 h minimum; wants hands-on, mentor is hands-on; "
        "wants to decide together, mentor prefers to assign a project; asked for this mentor"
    )
    assert explanation.allowed and explanation.excluded_by == ()


def test_summary_leaves_out_zero_weight_components():
    explanation = table([mentee()], [mentor()], only("areas")).explain("e1", "t1")
    assert explanation.summary == "1 shared area: Evals"
    assert len(explanation.components) == len(COMPONENTS)


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


# ---------------------------------------------------------------------------- weights


def test_weights_round_trip_and_defaults():
    assert Weights().to_dict() == {"areas": 4.0, "timezone": 2.0, "commitment": 1.0,
                                   "style": 1.0, "preference": 2.0}
    weights = Weights.from_dict({"areas": 1, "timezone": 0.5})
    assert weights == Weights(areas=1.0, timezone=0.5)
    assert Weights.from_dict(weights.to_dict()) == weights
    assert isinstance(weights.areas, float)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"timezone": -1}, "Weight for 'timezone' must be a number ≥ 0."),
        ({"timezone": "2"}, "Weight for 'timezone' must be a number ≥ 0."),
        ({"style": True}, "Weight for 'style' must be a number ≥ 0."),
        ({"areas": math.nan}, "Weight for 'areas' must be a number ≥ 0."),
        ({"areas": math.inf}, "Weight for 'areas' must be finite."),
        ({"areas": 10**400}, "Weight for 'areas' must be finite."),
        ({"timzone": 1}, "Unknown weight 'timzone' (expected: areas, timezone, commitment, "
                         "style, preference)."),
        ({k: 0 for k, _ in COMPONENTS}, "At least one weight must be above 0."),
        ([1, 2], "Weights must be an object"),
    ],
)
def test_weights_validation(data, message):
    with pytest.raises(ValueError) as error:
        Weights.from_dict(data)
    assert str(error.value).startswith(message)


# ---------------------------------------------------------------------- random instances


def random_instance(rng: random.Random, n_mentees: int, n_mentors: int):
    def conflicts(names):
        picks = [rng.choice(names) for _ in range(rng.choice([0, 0, 0, 1, 2]))]
        return frozenset(rng.choice([p.upper(), f"  {p} "]) for p in picks)

    mentee_ids = [f"e{i}" for i in range(n_mentees)]
    mentor_ids = [f"t{j}" for j in range(n_mentors)]
    mentor_keys = [f"Mentor {j}" for j in range(n_mentors)] + [f"{m}@x.org" for m in mentor_ids]
    mentee_keys = [f"Mentee {i}" for i in range(n_mentees)] + [f"{m}@x.org" for m in mentee_ids]
    mentees = [
        MenteeProfile(
            id=key, name=f"Mentee {i}", email=f"{key}@x.org", timezone=rng.choice(ZONES),
            areas=frozenset(rng.sample(AREAS, rng.randint(0, 5))),
            hours_per_week=rng.randint(1, 20), career_stage=rng.choice(STAGES),
            preferred_involvement=rng.choice(["", "hands_on", "balanced", "high_level"]),
            preferred_control=rng.choice(["", "mentee", "shared", "mentor"]),
            preferred_mentors=frozenset(
                rng.sample(mentor_ids, min(len(mentor_ids), rng.choice([0, 0, 1, 2])))
            ),
            conflicts=conflicts(mentor_keys) if mentor_keys else frozenset(),
        )
        for i, key in enumerate(mentee_ids)
    ]
    mentors = [
        MentorProfile(
            id=key, name=f"Mentor {j}", email=f"{key}@x.org", timezone=rng.choice(ZONES),
            areas=frozenset(rng.sample(AREAS, rng.randint(1, 5))),
            involvement=rng.choice(["hands_on", "balanced", "high_level"]),
            creative_control=rng.choice(["mentee", "shared", "mentor"]),
            excluded_stages=frozenset(rng.sample(STAGES, rng.choice([0, 0, 1, 2]))),
            conflicts=conflicts(mentee_keys) if mentee_keys else frozenset(),
        )
        for j, key in enumerate(mentor_ids)
    ]
    weights = Weights(**{k: rng.choice([0, 0.5, 1, 2, 3.7]) for k, _ in COMPONENTS[:-1]},
                      preference=rng.choice([1, 2.2]))
    pairs = [(e, t) for e in mentee_ids for t in mentor_ids]
    locked = rng.sample(pairs, min(len(pairs), rng.randint(0, 3)))
    forbidden = rng.sample(pairs, min(len(pairs), rng.randint(0, 3)))
    options = {
        "threshold": rng.choice([0, 25, 40, 55.5]),
        "min_hours": rng.choice([3, 5, 7]),
        "on_date": rng.choice([JANUARY, JULY, date(2025, 3, 30), date(2025, 11, 2)]),
        "locked": locked,
        "forbidden": forbidden,
    }
    return mentees, mentors, weights, options


@pytest.mark.parametrize("seed", range(50))
def test_explain_agrees_with_the_table(seed):
    rng = random.Random(seed)
    mentees, mentors, weights, options = random_instance(rng, rng.randint(0, 12),
                                                         rng.randint(0, 8))
    t = score_table(mentees, mentors, weights, **options)
    allowed = {(e, m): s for e, m, s in t.pairs}
    for e in mentees:
        removed = t.removed(e.id)
        assert sum(removed.values()) + sum(1 for a, _ in allowed if a == e.id) == len(mentors)
        best = t.best_below_threshold(e.id)
        for m in mentors:
            explanation = t.explain(e.id, m.id)
            assert explanation.allowed == ((e.id, m.id) in allowed)
            if explanation.allowed:
                assert explanation.score == allowed[e.id, m.id]  # exact, not approximate
            points = sum(c.points for c in explanation.components)
            assert abs(points - explanation.score) <= 0.01 * len(COMPONENTS)
            assert explanation.locked == ((e.id, m.id) in set(options["locked"]))
        if best is not None:
            assert removed["below_threshold"] > 0
            assert t.explain(e.id, best[0]).score == best[1]


@pytest.mark.parametrize("seed", range(5))
def test_input_order_does_not_matter(seed):
    rng = random.Random(seed)
    mentees, mentors, weights, options = random_instance(rng, 15, 8)
    first = score_table(mentees, mentors, weights, **options)
    rng.shuffle(mentees)
    rng.shuffle(mentors)
    options["locked"] = list(reversed(options["locked"]))
    second = score_table(mentees, mentors, weights, **options)
    assert first.pairs == second.pairs
    assert first.pairs == sorted(first.pairs)
    assert [first.removed(e.id) for e in mentees] == [second.removed(e.id) for e in mentees]


def test_thousand_by_hundred_smoke():
    rng = random.Random(7)
    mentees, mentors, weights, options = random_instance(rng, 1000, 100)
    t = score_table(mentees, mentors, weights, **options)
    assert 0 < len(t.pairs) <= 100_000
    assert all(0 <= s <= 100 for _, _, s in t.pairs)
    assert set(t.removed("e0")) == set(REASONS)


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
