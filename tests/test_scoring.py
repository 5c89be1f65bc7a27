"""The compatibility scorer on its own: hand-computed components and words, hard rules, locks,
agreement between the matrix path and ``explain``, determinism and input checks. No database."""

import math
import random
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

from .scoring_helpers import (
    AREAS,
    JANUARY,
    JULY,
    STAGES,
    ZONES,
    component,
    mentee,
    mentor,
    only,
    table,
)

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


