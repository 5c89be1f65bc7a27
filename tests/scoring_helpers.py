"""The scorer tests' profiles and shortcuts (tests/test_scoring.py and
tests/test_scoring_rules.py): a mentee and a mentor who match on everything unless told
otherwise, a score table with no threshold, weights that count one component."""

from dataclasses import replace
from datetime import date

from matching.scoring import COMPONENTS, MenteeProfile, MentorProfile, Weights, score_table

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
