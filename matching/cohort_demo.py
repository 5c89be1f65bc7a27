"""The demo cohort (``seed_demo``): a program run the MATS way beside the rolling one, at
its selection stage, so every cohort page shows data.

Four mentors with listings and their own questions (the demo mentor is one of them, so
their dashboard links to it), thirty applicants who chose mentors in order, reviews at
every stage (yes with ranks, maybe, no, not yet), an extra reviewer who scored part of
the shared forms, one conflict, slots allocated under the budget, and the optimal run
approved with its offers at every status. Everything is made through the services, as
people would. Built once: if the cohort program exists, nothing changes.
"""

import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from matching.cohort_phase_demo import GRADER, seed_cohort_phases
from matching.demo_data import DEMO_MENTOR, DEMO_PASSWORD, email_for
from matching.models import (
    MINUTES_PER_MENTEE,
    ApplicationStatus,
    Cohort,
    Decision,
    MenteeApplication,
    Mentor,
    MentorApplication,
    Offer,
    Program,
    Reviewer,
    ReviewPart,
    RubricCriterion,
)
from matching.services import cohort_offers, cohort_reviews, cohort_selection, cohort_slots

User = get_user_model()

SLUG = "summer-cohort"
REVIEWER = "Rita Reviewer"
APPLICANTS = 30

# name, zone, position, organization, capacity, agenda, style, task, questions
COHORT_MENTORS = [
    (DEMO_MENTOR, "Africa/Lagos", "fulltime_safety", "Independent", 4,
     "Mechanistic interpretability of small transformers: circuits for in-context tasks.",
     "Hands-on in the first month, then you set the direction; we meet weekly.",
     "Reproduce one figure of a recent interpretability paper (about 10 hours).",
     ["Which figure did you reproduce, and what surprised you?",
      "What would you study next, and why?"]),
    ("Jonas Weber", "Europe/Berlin", "academic", "University of Tübingen", 3,
     "Evaluations of dangerous capabilities; benchmarks that resist contamination.",
     "High-level direction and a weekly written update; you own the code.",
     "", ["Describe an evaluation you think is misleading, and how you'd fix it."]),
    ("Mei Lin", "Asia/Singapore", "industry", "An AI lab", 2,
     "Scalable oversight: debate and recursive reward modelling in practice.",
     "Pair programming every two weeks; I review your experiments closely.",
     "Write a one-page plan for a small debate experiment.",
     ["Link your one-page plan, and say what result would change your mind."]),
    ("Tomás Rivera", "America/Mexico_City", "phd", "UNAM", 2,
     "Goal misgeneralization in reinforcement learning agents.",
     "Light touch: a call every two weeks, you choose the project.",
     "", []),
]
CRITERIA = [
    (ReviewPart.MENTOR, "Research taste",
     "1: no view of what matters\n2: follows others' views\n3: clear, argued view\n"
     "4: a view that taught me something"),
    (ReviewPart.MENTOR, "Technical depth",
     "1: no relevant experience\n2: coursework\n3: a project of their own\n"
     "4: published or shipped in the area"),
    (ReviewPart.SHARED, "Motivation and fit",
     "1: unclear why\n2: interested\n3: a plan that needs the program\n"
     "4: a track record of acting on it"),
]
FIRST = ["Ada", "Bilal", "Chen", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ivan", "Jia",
         "Kofi", "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tara"]
LAST = ["Novak", "Haddad", "Ito", "Mensah", "Kowalski", "Reyes", "Lund", "Sato", "Okoye",
        "Petrov", "Silva", "Nguyen"]


def seed_cohort_demo(*, organizer) -> Program:
    """The demo cohort program (made once; returned as it is when it exists)."""
    program = Program.objects.filter(slug=SLUG).first()
    if program is not None:
        return program
    rng = random.Random(19)  # noqa: S311 - demo data, the same every run
    now = timezone.now()
    program = Program.objects.create(
        name="Summer Research Cohort", slug=SLUG, tagline="Apply to the mentors you want",
        admission=Program.Admission.COHORT, deadline=now + timedelta(days=21))
    program.organizers.add(organizer)  # the organizer's steps below are in their scope
    cohort = Cohort.objects.create(
        program=program, max_choices=3, scale=4, slot_budget=8,
        intro="Each mentor takes a few scholars for ten weeks. Read the mentors' agendas, "
              "choose up to three in order, and answer their questions.")
    for position, (part, name, anchors) in enumerate(CRITERIA):
        RubricCriterion.objects.create(cohort=cohort, part=part, position=position,
                                       name=name, anchors=anchors)
    mentors = [_mentor(program, row, now) for row in COHORT_MENTORS]
    reviewer = _person(REVIEWER, password=True)
    Reviewer.objects.create(cohort=cohort, user=reviewer, added_by=organizer)

    applications = []
    for number in range(APPLICANTS):
        name = f"{FIRST[number % len(FIRST)]} {LAST[(number * 7) % len(LAST)]}"
        applications.append(_applicant(program, name, number, rng, now))
    # Most choose three, in an order skewed towards the first mentors (MATS saw demand
    # vary widely by mentor); a few have sent the form and not chosen yet.
    listed = {m.pk: m for m in cohort_selection.listed_mentors(program)}
    for application in applications[:-3]:
        order = sorted(mentors, key=lambda m: rng.random() * (1 + mentors.index(m)))
        chosen = [cohort_selection.ChoiceInput(mentor_id=m.pk, answers={
            q.pk: f"{application.name.split()[0]}'s answer: {rng.choice(ANSWERS)}"
            for q in listed[m.pk].listing.questions.all()})
            for m in order[:rng.choice((1, 2, 3, 3, 3))]]
        cohort_selection.choices_save(application=application, by=application.user,
                                      chosen=chosen)
    _reviews(cohort, mentors, rng)
    # One conflict: the second mentor knows an applicant who chose them.
    known = mentors[1].choices.order_by("pk").first()
    if known is not None:
        cohort_reviews.conflict_declare(cohort=cohort, application=known.application,
                                        user=mentors[1].user, by=mentors[1].user,
                                        note="A former student of mine.")
    for application in applications[:18]:
        if not cohort_reviews.has_conflict(reviewer, application) and \
                application.mentor_choices.exists():
            cohort_reviews.shared_review_save(
                application=application, by=reviewer, notes="",
                scores={_criterion(cohort, ReviewPart.SHARED).pk: rng.randint(2, 4)})
    cohort_slots.slots_set(cohort=cohort, allocation={mentors[0].pk: 3, mentors[1].pk: 2,
                                                       mentors[2].pk: 1}, by=organizer)
    _offers(cohort, organizer, mentors)
    seed_cohort_phases(program, organizer=organizer, demo_mentor=mentors[0],
                       graders=[reviewer, _person(GRADER, password=True)])
    return program


def _offers(cohort, organizer, mentors):
    """The optimal run approved, and its offers at every status: one accepted (with
    another mentor than the demo mentor, whose dashboard stays as the rolling demo has
    it), one declined and one lapsed (each slot's next yes proposed: one of those
    proposals sent, the other dismissed for the next candidate), the rest waiting."""
    run = cohort_offers.cohort_run_store(cohort=cohort, mode="optimal", by=organizer)
    sent = cohort_offers.cohort_run_approve(run=run, by=organizer)
    waiting = {o.mentor_id for o in sent
               if cohort_offers.best_waiting_candidate(cohort, o.mentor) is not None}
    order = sorted(sent, key=lambda o: (o.mentor_id not in waiting, o.pk))
    declined, lapsed = order[0], order[1]
    accepted = next(o for o in sent if o not in (declined, lapsed)
                    and o.mentor_id != mentors[0].pk)
    cohort_offers.offer_accept(offer=accepted, by=accepted.application.user)
    proposed = [cohort_offers.offer_decline(offer=declined, by=declined.application.user)]
    Offer.objects.filter(pk=lapsed.pk).update(
        accept_by=timezone.localdate() - timedelta(days=1))
    cohort_offers.offers_lapse()
    proposed.append(Offer.objects.filter(replaces=lapsed).first())
    proposed = [p for p in proposed if p is not None]
    if proposed:
        cohort_offers.reoffer_approve(offer=proposed[0], by=organizer)
    if len(proposed) > 1:
        cohort_offers.reoffer_dismiss(offer=proposed[1], by=organizer)


ANSWERS = [
    "I reproduced the induction-head figure; the phase change came later than expected.",
    "I'd look at how the circuit changes under fine-tuning.",
    "MMLU-style multiple choice can be memorised; I'd hold out paraphrases.",
    "Debate helps most where the judge can check one step at a time.",
    "A null result on the toy task would make me doubt the whole approach.",
]


def _criterion(cohort, part):
    return RubricCriterion.objects.filter(cohort=cohort, part=part).order_by("position").first()


def _person(name, *, password=False):
    email = email_for(name)
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created:
        if password:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=user, email=email,
                                       defaults={"primary": True, "verified": True})
    return user


def _mentor(program, row, now):
    name, zone, position, organization, capacity, agenda, style, task, questions = row
    user = _person(name)
    application = MentorApplication.objects.create(
        program=program, email=user.email, user=user, name=name, timezone=zone,
        position=position, organization=organization, capacity=capacity,
        minutes_per_week=MINUTES_PER_MENTEE * capacity, involvement="balanced",
        creative_control="shared", heard_about="The organizers",
        status=ApplicationStatus.ACCEPTED, decided_at=now - timedelta(days=30))
    mentor = Mentor.objects.create(program=program, user=user, application=application,
                                   capacity=capacity)
    cohort_selection.listing_save(
        listing=cohort_selection.listing_for(mentor), by=user, agenda=agenda, style=style,
        task=task, task_url="", questions=questions)
    return mentor


def _applicant(program, name, number, rng, now):
    email = f"cohort.applicant{number:02d}@example.org"
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    application = MenteeApplication.objects.create(
        program=program, user=user, name=name, email=email,
        timezone=rng.choice(["Europe/London", "America/New_York", "Asia/Kolkata",
                             "Europe/Warsaw"]),
        occupation=rng.choice(["masters", "phd", "industry", "bachelors"]),
        field_of_study=rng.choice(["Computer science", "Mathematics", "Physics"]),
        hours_per_week=rng.choice([20, 30, 40, 40]),
        goals="Do a first research project in AI safety and decide whether to go full time.",
        fulltime_intent=rng.choice(["yes", "maybe"]),
        research_interests="Interpretability, evaluations and oversight.")
    MenteeApplication.objects.filter(pk=application.pk).update(
        submitted_at=now - timedelta(days=20 - number // 2, hours=number))
    return application


def _reviews(cohort, mentors, rng):
    """Each mentor has reviewed most who chose them: yeses ranked, maybes, noes, and a
    few left to do, with scores that roughly agree with the decision."""
    for mentor in mentors:
        choices = list(mentor.choices.select_related("application").order_by("rank", "pk"))
        yes_rank = 0
        for index, choice in enumerate(choices):
            if index >= len(choices) - 2:
                continue  # still to review
            quality = rng.random()
            decision = (Decision.YES if quality > 0.55 else
                        Decision.MAYBE if quality > 0.3 else Decision.NO)
            rank = None
            if decision == Decision.YES:
                yes_rank += 1
                rank = yes_rank
            base = 1 + round(quality * 3)
            cohort_reviews.mentor_review_save(
                choice=choice, by=mentor.user, decision=decision, rank=rank,
                notes="Strong reproduction; ask about the null result." if rank == 1 else "",
                scores={c.pk: max(1, min(4, base + rng.choice((-1, 0, 0, 1))))
                        for c in RubricCriterion.objects.filter(
                            cohort=cohort, part=ReviewPart.MENTOR)})
