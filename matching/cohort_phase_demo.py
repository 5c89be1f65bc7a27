"""The demo cohort's phases (``seed_demo``, from ``matching.cohort_demo``): Training ending
with a filter, Research with the Scholar Research Plan and the Symposium talk, Extension.
A research sprint at the end of Training was submitted and graded by two graders, and
its deadline has passed, so the scholar reads the grades; the mentor kept one scholar and
(when the cohort has a second) stopped another at the filter; the kept one applied to the
Extension, endorsed and accepted. Each phase carries a grant (the scholars' requests of
them: ``payments.demo``). Made through the services."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from matching.models import (
    Endorsement,
    ExtensionDecision,
    FilterOutcome,
    Funding,
    Milestone,
    Offer,
    OfferStatus,
    Phase,
    Program,
    RubricSection,
)
from matching.services import (
    cohort_extension,
    cohort_milestones,
    cohort_offers,
    cohort_phases,
)

GRADER = "Gabe Grader"

# name, weeks from today (start, end), ends with a filter, places (admits by application),
# the grant each scholar requests once the phase has begun (payments.demo pays them)
PHASES = [("Training", -2, 1, True, None, Decimal("1500")),
          ("Research", 1, 9, False, None, Decimal("6000")),
          ("Extension", 10, 27, False, 2, Decimal("12000"))]
# phase, name, days from today it is due, sections (name, points)
MILESTONES = [
    ("Training", "Research sprint", 3, [("Question", 40), ("Execution", 40),
                                         ("Write-up", 20)]),
    ("Research", "Scholar Research Plan", 30, [("Threat model", 30),
                                               ("Theory of change", 30),
                                               ("SMART plan", 40)]),
    ("Research", "Symposium talk", 60, [("What", 50), ("Why", 30), ("Style", 20)]),
]


def seed_cohort_phases(program: Program, *, organizer, graders, demo_mentor) -> None:
    today = timezone.localdate()
    phases = {}
    for position, (name, start, end, filtered, places, grant) in enumerate(PHASES, start=1):
        phases[name] = Phase.objects.create(
            program=program, name=name, position=position, ends_with_filter=filtered,
            places=places, grant=grant,
            starts_on=today + timedelta(weeks=start, days=1 if start > 0 else 0),
            ends_on=today + timedelta(weeks=end))
    milestones = {}
    for phase, name, days, sections in MILESTONES:
        milestone = Milestone.objects.create(
            phase=phases[phase], name=name, due_at=timezone.now() + timedelta(days=days),
            instructions=f"Submit your {name.lower()} as a link or a file.")
        for position, (section, points) in enumerate(sections):
            RubricSection.objects.create(milestone=milestone, position=position,
                                         name=section, max_points=points)
        milestone.graders.set(graders)
        milestones[name] = milestone
    scholars = _scholars(program, demo_mentor)
    if not scholars:
        return
    kept = scholars[0]
    sprint = milestones["Research sprint"]
    submission = cohort_milestones.submission_save(
        milestone=sprint, mentorship=kept, by=kept.mentee.user,
        url="https://docs.example.org/research-sprint",
        note="The probe results are in section 3.")
    for grader, points, comment in zip(graders, [(34, 30, 16), (30, 33, 18)],
                                       ["A sharp question; the baseline is thin.",
                                        "Good execution; say more about the null result."],
                                       strict=True):
        cohort_milestones.grading_save(submission=submission, by=grader, grades={
            section.pk: (p, comment) for section, p in zip(sprint.sections.all(), points,
                                                           strict=True)})
    # The sprint's deadline has passed: its grades are back with the scholar.
    Milestone.objects.filter(pk=sprint.pk).update(due_at=timezone.now() - timedelta(days=1))
    training = phases["Training"]
    cohort_phases.filter_record(phase=training, mentorship=kept, by=kept.mentor.user,
                                outcome=FilterOutcome.CONTINUE,
                                reason="A strong sprint and a clear plan for Research.")
    _extension(phases["Extension"], kept, organizer)
    if len(scholars) > 1:
        stopped = scholars[1]
        cohort_phases.filter_record(phase=training, mentorship=stopped,
                                    by=stopped.mentor.user, outcome=FilterOutcome.STOP,
                                    reason="We agreed the stream isn't the right fit.")


def _extension(phase, mentorship, organizer):
    """The kept scholar applied to the Extension, was endorsed and accepted."""
    application = cohort_extension.extension_apply(
        phase=phase, mentorship=mentorship, by=mentorship.mentee.user,
        plan="Turn the sprint's probes into a paper, then apply for a grant to continue.",
        funding=Funding.APPLIED, funder="LTFF")
    cohort_extension.extension_endorse(
        application=application, by=mentorship.mentor.user, endorsement=Endorsement.YES,
        note="Works independently now; the paper is within reach.")
    cohort_extension.extension_decide(application=application, by=organizer,
                                      decision=ExtensionDecision.ACCEPTED)


def _scholars(program, demo_mentor):
    """The cohort's mentorships: the accepted offer's, and one more offer accepted (not
    the demo mentor's, whose dashboard stays as the rolling demo has it; one offer at
    least left waiting)."""
    pending = list(Offer.objects.filter(cohort__program=program, status=OfferStatus.PENDING)
                   .exclude(mentor=demo_mentor).order_by("pk"))
    if len(pending) > 1 or (pending and Offer.objects.filter(
            cohort__program=program, status=OfferStatus.PENDING,
            mentor=demo_mentor).exists()):
        cohort_offers.offer_accept(offer=pending[0], by=pending[0].application.user)
    return [o.mentorship for o in Offer.objects.filter(
        cohort__program=program, status=OfferStatus.ACCEPTED).select_related(
        "mentorship__mentor__user", "mentorship__mentee__user").order_by("pk")]
