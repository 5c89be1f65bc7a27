"""Fixtures of the phase tests: a cohort program in its Training phase (ending with a
filter in a few days), then Research with the Scholar Research Plan due, two mentors with
a scholar each (the first mentor two), and two graders of the plan."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from matching.models import Milestone, Phase, RubricSection

from .cohort_helpers import cohort_program
from .factories import MentorshipFactory, UserFactory


@dataclass
class PhaseScenario:
    program: object
    training: Phase
    research: Phase
    srp: Milestone
    sections: list
    mentors: list
    mentorships: list
    graders: list


def phase_scenario(*, srp_due_days: int = 10) -> PhaseScenario:
    s = cohort_program(mentors=2, questions=0)
    today = timezone.localdate()
    training = Phase.objects.create(program=s.program, name="Training", position=1,
                                    starts_on=today - timedelta(days=20),
                                    ends_on=today + timedelta(days=3), ends_with_filter=True)
    research = Phase.objects.create(program=s.program, name="Research", position=2,
                                    starts_on=today + timedelta(days=4),
                                    ends_on=today + timedelta(days=60))
    srp = Milestone.objects.create(phase=research, name="Scholar Research Plan",
                                   due_at=timezone.now() + timedelta(days=srp_due_days))
    sections = [RubricSection.objects.create(milestone=srp, position=n, name=name,
                                             max_points=points)
                for n, (name, points) in enumerate([("Threat model", 30),
                                                    ("Theory of change", 30),
                                                    ("SMART plan", 40)])]
    mentorships = [
        MentorshipFactory(program=s.program, mentor=s.mentors[0],
                          start_date=today - timedelta(days=20),
                          mentee__user__name="Scholar Ada"),
        MentorshipFactory(program=s.program, mentor=s.mentors[0],
                          start_date=today - timedelta(days=20),
                          mentee__user__name="Scholar Bo"),
        MentorshipFactory(program=s.program, mentor=s.mentors[1],
                          start_date=today - timedelta(days=20),
                          mentee__user__name="Scholar Cy"),
    ]
    graders = [UserFactory(name="Grader One"), UserFactory(name="Grader Two")]
    srp.graders.set(graders)
    return PhaseScenario(program=s.program, training=training, research=research, srp=srp,
                         sections=sections, mentors=s.mentors, mentorships=mentorships,
                         graders=graders)


@pytest.fixture
def phased(db):
    return phase_scenario()
