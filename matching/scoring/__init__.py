"""Compatibility scores for mentee–mentor pairs, and the words that explain them.

Companion to ``solver``: ``score_table`` builds the allowed ``(mentee, mentor, score)`` rows
that ``solver.Problem(scores=...)`` takes, and ``ScoreTable.explain`` says in words why a pair
scored what it did, so organizers can judge a proposal rather than trust a number.

A score is ``100 × Σ weight_k × value_k / Σ weight_k`` over the registered components
(``components``: one class each, in ``COMPONENTS`` order),
each valued in ``[0, 1]``, rounded to two decimals. Field scale is thousands of mentees times
hundreds of mentors, so the table is computed as whole matrices with numpy; Python only loops
over people (and over the few distinct time zones), never over pairs. Words are built one pair
at a time, for the pairs someone looks at.

The two paths must agree to the last bit: a proposal whose explanation shows 71.25 while the
solver used 71.26 would be a bug report. So every value that depends on a few categories
(time-zone pair, style preferences, hours) is computed by the same scalar function in both paths
(the matrix path fills lookup tables with it), the rest uses the same IEEE operations in the
same order, and both round with ``np.round``, which differs from Python's ``round`` on ties.

Hard rules remove a pair whatever its score: a declared conflict of interest, a career stage
the mentor excluded, an organizer's forbid, a score below the threshold. An organizer's lock
overrides all of them except a forbid on the same pair: a lock is a decision made by a person
who saw the pair (perhaps knowing the "conflict" is stale), while lock plus forbid on one pair
is contradictory, and ``solver`` rejects it as malformed anyway.

Determinism: people are sorted by id before anything is computed, so input order never matters.
"""

from .components import COMPONENTS, REGISTRY, Component, Context, Weights, component
from .profiles import (
    CONTROL,
    INVOLVEMENT,
    STAGE_LABELS,
    MenteeProfile,
    MentorProfile,
    overlap_hours,
)
from .table import REASONS, ComponentExplanation, PairExplanation, ScoreTable, score_table

__all__ = [
    "COMPONENTS", "CONTROL", "INVOLVEMENT", "REASONS", "REGISTRY", "STAGE_LABELS",
    "Component", "ComponentExplanation", "Context", "MenteeProfile", "MentorProfile",
    "PairExplanation", "ScoreTable", "Weights", "component", "overlap_hours", "score_table",
]
