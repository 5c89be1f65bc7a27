"""Scenario builders for cohort programs (no fixtures): a program run the MATS way, its
mentors with listings and questions, applicants with their ordered choices, reviews."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from matching.models import (
    Cohort,
    MentorQuestion,
    Program,
    ReviewPart,
    RubricCriterion,
)
from matching.services import cohort_reviews, cohort_selection
from matching.services.cohort_selection import ChoiceInput

from .factories import MenteeApplicationFactory, MentorFactory, UserFactory


@dataclass
class CohortScenario:
    program: Program
    cohort: Cohort
    mentors: list = field(default_factory=list)
    applications: list = field(default_factory=list)
    criteria: list = field(default_factory=list)
    shared_criteria: list = field(default_factory=list)


def cohort_program(*, slug="mats", mentors=3, questions=1, capacity=3, budget=6,
                   max_choices=3, open_days=30, **cohort_fields) -> CohortScenario:
    program = Program.objects.create(
        name=f"MATS {slug}", slug=slug, admission=Program.Admission.COHORT,
        deadline=timezone.now() + timedelta(days=open_days))
    cohort = Cohort.objects.create(program=program, max_choices=max_choices,
                                   slot_budget=budget, **cohort_fields)
    scenario = CohortScenario(program=program, cohort=cohort)
    for position, name in enumerate(["Research taste", "Technical depth"]):
        scenario.criteria.append(RubricCriterion.objects.create(
            cohort=cohort, part=ReviewPart.MENTOR, position=position, name=name,
            anchors="1: weak\n4: outstanding"))
    scenario.shared_criteria.append(RubricCriterion.objects.create(
        cohort=cohort, part=ReviewPart.SHARED, name="Motivation", anchors="1: unclear"))
    for number in range(mentors):
        mentor = MentorFactory(program=program, capacity=capacity,
                               user__name=f"Mentor {slug} {number}",
                               user__email=f"mentor{number}@{slug}.example.org")
        listing = cohort_selection.listing_for(mentor)
        listing.agenda = f"Agenda of mentor {number}"
        listing.save()
        for q in range(questions):
            MentorQuestion.objects.create(listing=listing, position=q,
                                          prompt=f"Question {q} of mentor {number}?")
        scenario.mentors.append(mentor)
    return scenario


def applicant(scenario: CohortScenario, number: int, *, choose=(), name=None):
    """An applicant who sent the shared form and chose `choose` (mentor indexes, in
    order), answering their questions."""
    user = UserFactory(email=f"applicant{number}@{scenario.program.slug}.example.org",
                       name=name or f"Applicant {number}")
    application = MenteeApplicationFactory(program=scenario.program, user=user)
    if choose:
        choose_mentors(scenario, application, choose)
    scenario.applications.append(application)
    return application


def choose_mentors(scenario, application, indexes):
    mentors = {m.pk: m for m in cohort_selection.listed_mentors(scenario.program)}
    chosen = []
    for index in indexes:
        mentor = mentors[scenario.mentors[index].pk]
        chosen.append(ChoiceInput(mentor_id=mentor.pk, answers={
            q.pk: f"My answer to {q.prompt}" for q in mentor.listing.questions.all()}))
    return cohort_selection.choices_save(application=application, by=application.user,
                                         chosen=chosen)


def review(scenario, application, mentor_index, *, decision="yes", rank=None, scores=(3, 3),
           notes=""):
    mentor = scenario.mentors[mentor_index]
    choice = application.mentor_choices.get(mentor=mentor)
    return cohort_reviews.mentor_review_save(
        choice=choice, by=mentor.user,
        scores={c.pk: s for c, s in zip(scenario.criteria, scores, strict=False)},
        decision=decision, rank=rank, notes=notes)
