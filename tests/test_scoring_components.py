"""A score component is one class (``matching.scoring.components``): registering one is
all it takes for the table, the explanations and the weights to count it, and both
scoring paths agree on it to the bit."""

import random

import numpy as np
import pytest

from matching import scoring
from matching.scoring import components as parts

from .test_scoring import mentee, mentor, table


class SameInitial(parts.Component):
    """Made up for the test: mentee and mentor names start with the same letter."""

    key, label, default_weight = "same_initial", "Same initial", 3.0

    def pair(self, mentee, mentor, context):
        same = mentee.name[:1] == mentor.name[:1]
        return (1.0 if same else 0.25), ("same initial" if same else "different initials")

    def matrix(self, mentees, mentors, context):
        return parts.lookup([e.name[:1] for e in mentees], [t.name[:1] for t in mentors],
                            lambda a, b: 1.0 if a == b else 0.25)


@pytest.fixture
def with_same_initial():
    parts.component(SameInitial)
    yield
    parts.REGISTRY[:] = [c for c in parts.REGISTRY if c.key != SameInitial.key]


def test_a_registered_component_is_scored_weighed_and_explained(with_same_initial):
    weights = scoring.Weights()
    assert weights.same_initial == 3.0  # its default, also for runs stored before it
    assert scoring.Weights.from_dict({"areas": 1.0}).same_initial == 3.0
    rng = random.Random(7)
    mentees = [mentee(f"e{i}", name=rng.choice(["Ada", "Alan", "Bo", "Cy"]) + f" {i}")
               for i in range(12)]
    mentors = [mentor(f"t{j}", name=rng.choice(["Anna", "Ben", "Cleo"]) + f" {j}")
               for j in range(5)]
    t = table(mentees, mentors, weights)
    for e, m, score in t.pairs:
        explained = t.explain(e, m)
        assert explained.score == score  # the matrix and the words agree to the bit
        part = next(c for c in explained.components if c.key == "same_initial")
        assert part.label == "Same initial" and part.words in ("same initial",
                                                               "different initials")


def test_without_it_the_scores_are_what_they_were(with_same_initial):
    people = ([mentee("e1", name="Ada"), mentee("e2", name="Bo")],
              [mentor("t1", name="Anna"), mentor("t2", name="Ben")])
    counted = table(*people, scoring.Weights())
    ignored = table(*people, scoring.Weights(same_initial=0.0))
    parts.REGISTRY[:] = [c for c in parts.REGISTRY if c.key != SameInitial.key]
    before = table(*people, scoring.Weights())
    assert [s for *_, s in ignored.pairs] == [s for *_, s in before.pairs]
    assert not np.array_equal([s for *_, s in counted.pairs], [s for *_, s in before.pairs])


def test_two_components_cannot_share_a_name():
    with pytest.raises(ValueError, match="Two score components named 'areas'"):
        parts.component(type("Areas2", (parts.Component,), {"key": "areas"}))
