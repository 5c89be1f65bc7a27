"""A score component is one class (``matching.scoring.components``): registering one is
all it takes for the table, the explanations and the weights to count it (and for a run
to read what it needs of the applications), and both scoring paths agree on it to the
bit."""

import random

import numpy as np
import pytest

from matching import scoring
from matching.models import Mentee, MenteeApplication
from matching.scoring import components as parts
from matching.services.matching import run_matching, run_table

from .matching_helpers import accepted_mentee, accepted_mentor
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


class SameField(parts.Component):
    """Made up for the test: reads an answer the profiles don't carry."""

    key, label, default_weight = "same_field", "Same field", 10.0

    def mentee_trait(self, application):
        return application.field_of_study.casefold()

    def mentor_trait(self, application):
        return application.organization.casefold()

    def pair(self, mentee, mentor, context):
        same = mentee.traits.get(self.key) == mentor.traits.get(self.key)
        return (1.0 if same else 0.0), ("same field" if same else "other fields")

    def matrix(self, mentees, mentors, context):
        return parts.lookup([e.traits.get(self.key) for e in mentees],
                            [t.traits.get(self.key) for t in mentors],
                            lambda a, b: 1.0 if a == b else 0.0)


@pytest.fixture
def with_same_field():
    parts.component(SameField)
    yield
    parts.REGISTRY[:] = [c for c in parts.REGISTRY if c.key != SameField.key]


@pytest.mark.django_db
def test_a_component_reads_an_answer_into_the_run_and_its_replay(with_same_field, program,
                                                                 organizer):
    physics = accepted_mentor(program, "Pia Physics", organization="Physics")
    accepted_mentor(program, "Carl Chem", organization="Chemistry")
    ada = accepted_mentee(program, "Ada A", field_of_study="physics")
    run = run_matching(program=program, weights=scoring.Weights(), threshold=0.0,
                       by=organizer)
    [proposal] = [p for p in run.proposals.all() if p.mentee_id == ada.pk]
    assert proposal.mentor_id == physics.pk  # the only reason to prefer Pia
    MenteeApplication.objects.filter(pk=Mentee.objects.get(pk=ada.pk).application_id).update(
        field_of_study="chemistry")  # what the run read is kept with it
    replayed = run_table(run).explain(str(ada.pk), str(physics.pk))
    assert next(c for c in replayed.components if c.key == "same_field").words == "same field"
