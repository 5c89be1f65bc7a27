"""The cohort program's pages, for the accessibility audits (tests/a11y_pages.py): the
public listing, the applicant's and the scholar's pages, the mentor's, the reviewer's
and grader's, and the organizers' steps, each as the demo cohort (``seed_demo``) has them.

POST-only addresses are excused in tests/a11y_pages.EXCUSED: each returns to one of the
pages here."""

from __future__ import annotations

from matching.models import MenteeApplication, Offer, Program
from matching.models.cohort_milestones import Submission
from matching.models.cohort_phases import Phase
from mm_program.models import User
from payments.models import StipendRequest
from payments.services.stipends import stipend_request_reject

SCHOLAR, APPLICANT, OFFERED, REVIEWER = ("cohort scholar", "cohort applicant",
                                         "cohort offer holder", "cohort reviewer")
# The scholar whose Training grant the audit's seed rejected: they may ask again (a form).
GRANTEE = "cohort grantee"
GROUP = "cohort"


def cohort_people(officer) -> dict:
    """The cohort's people the audit signs in as, besides the demo's mentor (a cohort
    mentor too) and organizer."""
    program = Program.objects.get(cohort__isnull=False)
    scholar = Submission.objects.filter(mentorship__program=program).order_by("pk").first()
    pending = MenteeApplication.objects.filter(program=program, status="pending",
                                               user__isnull=False).order_by("pk").first()
    offer = Offer.objects.filter(cohort__program=program).exclude(
        application__user__isnull=True).order_by("pk").first()
    return {SCHOLAR: scholar.mentorship.mentee.user, APPLICANT: pending.user,
            OFFERED: offer.application.user,
            REVIEWER: User.objects.get(email="rita.reviewer@example.org"),
            GRANTEE: _grant_asked_again(program, officer)}


def _grant_asked_again(program, officer):
    """The demo has every cohort scholar's Training grant requested (one paid, one
    waiting): the waiting one is rejected here, so that its scholar's grant page shows
    the request form again."""
    waiting = StipendRequest.objects.grants().filter(
        program=program, status="submitted").order_by("pk").first()
    stipend_request_reject(stipend_request=waiting, by=officer,
                           reason="The account holder's name doesn't match: ask again.")
    return waiting.payee


def cohort_pages(demo, page_class, mentor: str, organizer: str, anonymous: str) -> list:
    Page = page_class
    program = Program.objects.select_related("cohort").get(cohort__isnull=False)
    slug = program.slug
    applicant = MenteeApplication.objects.filter(
        program=program, mentor_choices__mentor__user=demo.people[mentor]).order_by("pk").first()
    submission = Submission.objects.filter(mentorship__program=program).order_by("pk").first()
    extension_phase = Phase.objects.filter(program=program).order_by("-position",
                                                                      "-pk").first()
    run = program.matching_runs.exclude(mode="").order_by("pk").first()
    paid = StipendRequest.objects.grants().get(program=program, status="paid")
    rejected = StipendRequest.objects.grants().get(program=program, status="rejected")
    organizers = f"/organizers/cohorts/{slug}"
    pages = [
        Page(anonymous, f"/cohorts/{slug}/"),
        Page(APPLICANT, f"/cohorts/{slug}/apply/"),
        Page(OFFERED, f"/cohorts/{slug}/offer/"),
        Page(SCHOLAR, f"/cohorts/{slug}/milestones/"),
        Page(SCHOLAR, f"/cohorts/{slug}/extension/"),
        # A grant paid (the page says so, no form), and one the scholar may ask again;
        # their dashboards list each phase's grant.
        Page(SCHOLAR, "/dashboard/"),
        Page(GRANTEE, "/dashboard/"),
        Page(SCHOLAR, f"/stipends/grant/{paid.mentorship_id}/{paid.phase_id}/"),
        Page(SCHOLAR, f"/stipends/{paid.pk}/"),
        Page(GRANTEE, f"/stipends/grant/{rejected.mentorship_id}/{rejected.phase_id}/"),
        Page(mentor, f"/cohorts/{slug}/mentor/"),
        Page(mentor, f"/cohorts/{slug}/applicants/{applicant.pk}/"),
        Page(mentor, f"/cohorts/{slug}/filter/"),
        Page(mentor, f"/cohorts/{slug}/extension/endorse/"),
        Page(REVIEWER, f"/cohorts/{slug}/review/"),
        Page(REVIEWER, f"/cohorts/{slug}/grading/"),
        Page(REVIEWER, f"/cohorts/{slug}/grading/{submission.pk}/"),
        Page(organizer, f"{organizers}/"),
        Page(organizer, f"{organizers}/slots/"),
        Page(organizer, f"{organizers}/matching/"),
        Page(organizer, f"{organizers}/runs/{run.pk}/"),
        Page(organizer, f"{organizers}/offers/"),
        Page(organizer, f"{organizers}/phases/"),
        Page(organizer, f"{organizers}/phases/{extension_phase.pk}/applications/"),
    ]
    return [Page(p.who, p.path, p.steps, p.status, p.audit_first, GROUP) for p in pages]
