"""The cohort of the end-to-end browser journey (tests/test_browser_cohort_journey.py), and
what its crowd does off screen.

A program run the MATS way: four mentors with their own questions, an extra reviewer (the
one the organizer adds in the browser is the second, so that she can see scores are hidden
until hers is in), a budget of six slots, phases (Training ending with the mentors'
filter, Research with the Scholar Research Plan graded by two graders, an Extension that
admits by application).

The journey's people act in the browser; the 29 other applicants, their reviews and the
offers nobody watches are made through the services, as those people would through the
same pages, to keep the test fast."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from matching.models import (
    Milestone,
    Offer,
    OfferStatus,
    Phase,
    Reviewer,
    RubricSection,
)
from matching.services import cohort_extension, cohort_milestones, cohort_offers
from matching.services import cohort_reviews as reviews
from mm_program.models import User
from payments.models import StipendBudget

from .cohort_helpers import CohortScenario, applicant, cohort_program, review
from .factories import UserFactory

MENTORS = 4
CROWD = 29  # applicants made through the services; the 30th applies in the browser
YES_PER_MENTOR = 3  # each mentor's yeses among those who chose them first
SLOT_BUDGET = 6
SRP_SECTIONS = [("Threat model", 30), ("Theory of change", 30), ("SMART plan", 40)]
TRAINING_GRANT = Decimal("1500.00")  # each scholar's, requested once Training has begun


@dataclass
class Journey:
    s: CohortScenario
    organizer: User
    first_reviewer: User
    graders: list
    training: Phase
    research: Phase
    extension: Phase
    srp: Milestone

    @property
    def slug(self) -> str:
        return self.s.program.slug

    @property
    def mentors(self) -> list:
        return self.s.mentors

    def mentor_name(self, index: int) -> str:
        return str(self.s.mentors[index].user)


def journey_cohort(organizer) -> Journey:
    """The program as the organizers set it up in admin, before anyone applies."""
    s = cohort_program(slug="summer", mentors=MENTORS, questions=1, capacity=3,
                       budget=SLOT_BUDGET, max_choices=3)
    first_reviewer = UserFactory(name="Sam Reviewer", email="sam@summer.example.org")
    Reviewer.objects.create(cohort=s.cohort, user=first_reviewer, added_by=organizer)
    today = timezone.localdate()
    training = Phase.objects.create(program=s.program, name="Training", position=1,
                                    starts_on=today - timedelta(days=1),
                                    ends_on=today + timedelta(days=20), ends_with_filter=True,
                                    grant=TRAINING_GRANT)
    StipendBudget.objects.create(program=s.program, amount=TRAINING_GRANT * 10)
    research = Phase.objects.create(program=s.program, name="Research", position=2,
                                    starts_on=today + timedelta(days=21),
                                    ends_on=today + timedelta(days=70))
    extension = Phase.objects.create(program=s.program, name="Extension", position=3,
                                     starts_on=today + timedelta(days=71),
                                     ends_on=today + timedelta(days=160), places=1)
    srp = Milestone.objects.create(phase=research, name="Scholar Research Plan",
                                   due_at=timezone.now() + timedelta(days=30))
    for position, (name, points) in enumerate(SRP_SECTIONS):
        RubricSection.objects.create(milestone=srp, position=position, name=name,
                                     max_points=points)
    # Their accounts exist; the organizer assigns them to the SRP in the browser.
    graders = [UserFactory(name="Grace Grader", email="grace@summer.example.org"),
               UserFactory(name="Gil Grader", email="gil@summer.example.org")]
    return Journey(s=s, organizer=organizer, first_reviewer=first_reviewer,
                   graders=graders, training=training, research=research,
                   extension=extension, srp=srp)


# --------------------------------------------------------------------------- the crowd


def crowd_applies(j: Journey) -> list:
    """29 applicants, number n choosing mentors n, n+1 and n+2 (mod 4) in that order."""
    return [applicant(j.s, n, choose=[(n + k) % MENTORS for k in range(3)])
            for n in range(1, CROWD + 1)]


def first_choosers(j: Journey, index: int) -> list:
    """The crowd's applicants whose first choice is mentor `index`, oldest first."""
    mentor = j.mentors[index]
    return [a for a in j.s.applications
            if a.mentor_choices.filter(rank=1, mentor=mentor).exists()]


def crowd_reviews(j: Journey, *, first_rank_of: dict) -> None:
    """Each mentor says yes to the first YES_PER_MENTOR of those who chose them first,
    ranked in that order from ``first_rank_of[mentor index]`` on (rank 1 of mentor 0 is
    kept for the browser's applicant), and no to the next one; the first reviewer scores
    every application's shared part."""
    for index in range(MENTORS):
        chosen_first = first_choosers(j, index)
        start = first_rank_of.get(index, 1)
        for offset, application in enumerate(chosen_first[:YES_PER_MENTOR]):
            review(j.s, application, index, rank=start + offset, scores=(3, 3))
        review(j.s, chosen_first[YES_PER_MENTOR], index, decision="no", scores=(1, 2))
    for application in j.s.applications:
        reviews.shared_review_save(application=application, by=j.first_reviewer,
                                   scores={c.pk: 3 for c in j.s.shared_criteria}, notes="")


def offer_to(application) -> Offer:
    return Offer.objects.get(application=application, status=OfferStatus.PENDING)


def accept_offers(applications) -> list:
    """Those applicants accept their pending offer (as on their offer page)."""
    return [cohort_offers.offer_accept(offer=offer_to(a), by=a.user) for a in applications]


def scholar_submits(j: Journey, mentorship, url: str):
    return cohort_milestones.submission_save(milestone=j.srp, mentorship=mentorship,
                                             by=mentorship.mentee.user, url=url)


def scholar_applies_to_extend(j: Journey, mentorship, *, endorse: str):
    application = cohort_extension.extension_apply(
        phase=j.extension, mentorship=mentorship, by=mentorship.mentee.user,
        plan="Finish the paper and submit it to a workshop.", funding="none")
    return cohort_extension.extension_endorse(
        application=application, by=mentorship.mentor.user, endorsement=endorse,
        note="Solid progress on the plan.")


def deadline_passes(milestone: Milestone) -> None:
    """Time moves past the milestone's due moment (grades are released after it)."""
    milestone.due_at = timezone.now() - timedelta(minutes=1)
    milestone.save(update_fields=["due_at"])


# --------------------------------------------------------------------------- browser


def from_dashboard(page, link: str) -> None:
    """Open one of the person's cohort pages the way they would: from their page."""
    page.goto("/dashboard/")
    page.get_by_role("link", name=link).click()


def score(page, criterion: str, points: int) -> None:
    """Pick `points` on a rubric criterion's button group."""
    page.get_by_role("group", name=criterion).first.get_by_text(str(points), exact=True).click()
