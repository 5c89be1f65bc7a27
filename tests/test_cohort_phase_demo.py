"""`seed_demo` gives the cohort's phases data: phases with the current one, a filter
decision, a submitted and graded milestone the scholar reads after its deadline."""

import pytest
from django.urls import reverse

from matching.cohort_demo import SLUG
from matching.models import ExtensionApplication, FilterDecision, Grading, Phase, Submission

from .demo_once import demo_once
from .helpers import signed_in, text

_demo_seeded_once = demo_once()


@pytest.fixture
def seeded(_demo_seeded_once, db):
    """The demo as `seed_demo` leaves it, seeded once for the module."""


def test_the_demo_cohort_has_phases_a_filter_decision_and_grades(seeded, organizer):
    assert list(Phase.objects.filter(program__slug=SLUG).values_list("name", flat=True)) == [
        "Training", "Research", "Extension"]
    assert FilterDecision.objects.filter(phase__program__slug=SLUG).exists()
    submission = Submission.objects.get(milestone__name="Research sprint")
    assert Grading.objects.filter(submission=submission).count() == 2
    page = text(signed_in(organizer).get(reverse("cohort_phases", args=[SLUG])))
    assert "Training" in page and "now" in page and "1 submitted" in page
    scholar = signed_in(submission.mentorship.mentee.user)
    milestones = text(scholar.get(reverse("cohort_milestones", args=[SLUG])))
    assert "the baseline is thin" in milestones and "Average" in milestones
    dashboard = text(scholar.get(reverse("dashboard")))
    assert "Your milestones and grades" in dashboard
    grader = signed_in(Grading.objects.filter(submission=submission).first().grader)
    assert "Submissions to grade" in text(grader.get(reverse("dashboard")))
    application = ExtensionApplication.objects.get(phase__program__slug=SLUG)
    assert application.endorsement == "yes" and application.decision == "accepted"
    decide = text(signed_in(organizer).get(reverse(
        "cohort_extension_decide", args=[SLUG, application.phase_id])))
    assert "Research sprint" in decide and "LTFF" in decide
    mentor = signed_in(submission.mentorship.mentor.user)
    assert "A strong sprint" in text(mentor.get(reverse("cohort_filter", args=[SLUG])))


def test_the_demo_cohort_has_a_grant_paid_and_one_requested(seeded):
    """Each phase carries a grant; the kept scholar's Training grant is paid, the stopped
    scholar's waits for a decision, and the kept scholar's page says so."""
    from payments.models import StipendRequest

    assert all(Phase.objects.filter(program__slug=SLUG).values_list("grant", flat=True))
    requests = {r.status: r for r in StipendRequest.objects.grants().filter(
        program__slug=SLUG).select_related("phase", "mentorship")}
    assert set(requests) == {"paid", "submitted"}
    paid = requests["paid"]
    assert paid.phase.name == "Training" and paid.amount == paid.phase.grant
    assert paid.hours is None and paid.mentorship.status == "active"
    dashboard = text(signed_in(paid.payee).get(reverse("dashboard")))
    assert "Training: 1500.00" in dashboard and f"Request {paid.pk}" in dashboard
    assert "Research begins on" in dashboard
