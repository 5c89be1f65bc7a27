"""A cohort at scale, for benchmarks (``seed_demo --cohort-applicants N --cohort-mentors M``,
``bench/bench_cohort.py``): synthetic mentors with a question each and slots, applicants
choosing three mentors (demand skewed towards some), most choices reviewed, two extra
reviewers scoring half the shared parts. Written in bulk (it bypasses the services, whose
rules it keeps: ranks 1..3 without gaps, ranks only on yeses, slots within the budget and
each cap). Seeded: the same numbers build the same cohort."""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from matching.models import (
    ApplicationStatus,
    Cohort,
    CohortMentor,
    Decision,
    MenteeApplication,
    Mentor,
    MentorApplication,
    MentorChoice,
    MentorQuestion,
    MentorReview,
    Program,
    Reviewer,
    ReviewPart,
    RubricCriterion,
    SharedReview,
)

User = get_user_model()
DOMAIN = "cohort-bulk.example.org"
BATCH = 2000
UNUSABLE = make_password(None)  # synthetic people never sign in


def seed_cohort_bulk(*, applicants: int, mentors: int, slug: str = "bulk-cohort") -> Program:
    """Build the cohort ``slug`` at this size (once: an existing one is returned)."""
    existing = Program.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    rng = random.Random(5000)  # noqa: S311 - synthetic data, the same every run
    now = timezone.now()
    program = Program.objects.create(name=f"Bulk cohort ({applicants}×{mentors})", slug=slug,
                                     admission=Program.Admission.COHORT,
                                     deadline=now + timedelta(days=30))
    cohort = Cohort.objects.create(program=program, max_choices=3,
                                   slot_budget=min(applicants, mentors * 4))
    mentor_criteria = [RubricCriterion.objects.create(cohort=cohort, part=ReviewPart.MENTOR,
                                                      position=i, name=name)
                       for i, name in enumerate(["Taste", "Depth"])]
    shared = RubricCriterion.objects.create(cohort=cohort, part=ReviewPart.SHARED,
                                            name="Motivation")

    users = User.objects.bulk_create(
        [User(email=f"{slug}-mentor{i}@{DOMAIN}", name=f"Mentor {i:03d}", password=UNUSABLE)
         for i in range(mentors)], batch_size=BATCH)
    apps = MentorApplication.objects.bulk_create(
        [MentorApplication(program=program, user=u, email=u.email, name=u.name,
                           timezone="Europe/London", position="academic", capacity=5,
                           minutes_per_week=150, involvement="balanced",
                           creative_control="shared", status=ApplicationStatus.ACCEPTED)
         for u in users], batch_size=BATCH)
    mentor_rows = Mentor.objects.bulk_create(
        [Mentor(program=program, user=u, application=a, capacity=5)
         for u, a in zip(users, apps, strict=True)], batch_size=BATCH)
    slots = [rng.choice((1, 2, 3, 4)) for _ in mentor_rows]
    while sum(slots) > cohort.slot_budget:
        slots[slots.index(max(slots))] -= 1
    listings = CohortMentor.objects.bulk_create(
        [CohortMentor(mentor=m, agenda=f"Agenda {i}", style="Weekly calls", slots=n)
         for i, (m, n) in enumerate(zip(mentor_rows, slots, strict=True))], batch_size=BATCH)
    MentorQuestion.objects.bulk_create(
        [MentorQuestion(listing=listing, prompt="Why this agenda?") for listing in listings],
        batch_size=BATCH)

    people = User.objects.bulk_create(
        [User(email=f"{slug}-applicant{i}@{DOMAIN}", name=f"Applicant {i:05d}",
              password=UNUSABLE)
         for i in range(applicants)], batch_size=BATCH)
    applications = MenteeApplication.objects.bulk_create(
        [MenteeApplication(program=program, user=u, email=u.email, name=u.name,
                           timezone="Europe/Berlin", occupation="masters", hours_per_week=30,
                           goals="Research.", fulltime_intent="yes") for u in people],
        batch_size=BATCH)
    # Demand skewed like MATS's: weights falling with the mentor's index.
    weights = [1 / (1 + i / 5) for i in range(mentors)]
    choices = []
    for application in applications:
        picked: list[Mentor] = []
        while len(picked) < min(3, mentors):
            mentor = rng.choices(mentor_rows, weights)[0]
            if mentor not in picked:
                picked.append(mentor)
        choices += [MentorChoice(application=application, mentor=m, rank=r)
                    for r, m in enumerate(picked, start=1)]
    choices = MentorChoice.objects.bulk_create(choices, batch_size=BATCH)

    reviews, yes_count = [], {}
    for choice in choices:
        if rng.random() < 0.2:
            continue  # not reviewed yet
        scores = {str(c.pk): rng.randint(1, 4) for c in mentor_criteria}
        rating = sum(scores.values()) / len(scores)
        decision = (Decision.YES if rating >= 3 and rng.random() < 0.6 else
                    Decision.MAYBE if rating >= 2 else Decision.NO)
        rank = None
        if decision == Decision.YES:
            yes_count[choice.mentor_id] = rank = yes_count.get(choice.mentor_id, 0) + 1
        reviews.append(MentorReview(choice=choice, scores=scores, rating=rating,
                                    decision=decision, rank=rank, scored_at=now))
    MentorReview.objects.bulk_create(reviews, batch_size=BATCH)
    reviewers = User.objects.bulk_create(
        [User(email=f"{slug}-reviewer{i}@{DOMAIN}", name=f"Reviewer {i}", password=UNUSABLE)
         for i in range(2)])
    Reviewer.objects.bulk_create([Reviewer(cohort=cohort, user=u) for u in reviewers])
    SharedReview.objects.bulk_create(
        [SharedReview(application=a, reviewer=u, scores={str(shared.pk): s}, rating=s,
                      scored_at=now)
         for a in applications[: applicants // 2] for u in reviewers
         for s in [rng.randint(1, 4)]], batch_size=BATCH)
    return program
