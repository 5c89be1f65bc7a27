"""A scholar's phases in their data export and erasure: their submission and, once the
deadline has passed, its grades; never the mentor's filter reason or endorsement about
them; erased, the texts go and the points stay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from matching.models import ExtensionApplication, Milestone, Phase, SectionGrade, Submission
from matching.services import cohort_extension, cohort_milestones, cohort_phases
from mm_program.privacy.export import person_export
from mm_program.privacy.services import person_erase

from .helpers import today

pytestmark = pytest.mark.django_db


@pytest.fixture
def graded(phased):
    s = phased
    ada = s.mentorships[0]
    submission = cohort_milestones.submission_save(
        milestone=s.srp, mentorship=ada, by=ada.mentee.user, url="https://x.example/ADA-SRP")
    cohort_milestones.grading_save(submission=submission, by=s.graders[0], grades={
        sec.pk: (10, "GRADER-COMMENT") for sec in s.sections})
    cohort_phases.filter_record(phase=s.training, mentorship=ada, by=s.mentors[0].user,
                                outcome="continue", reason="MENTOR-REASON")
    extension = Phase.objects.create(program=s.program, name="Extension", places=3,
                                     starts_on=today() + timedelta(days=70),
                                     ends_on=today() + timedelta(days=90))
    application = cohort_extension.extension_apply(
        phase=extension, mentorship=ada, by=ada.mentee.user, plan="ADA-PLAN", funding="none")
    cohort_extension.extension_endorse(application=application, by=s.mentors[0].user,
                                       endorsement="yes", note="ENDORSEMENT-NOTE")
    return s, ada


def test_the_export_holds_the_scholars_own_and_grades_only_after_the_deadline(graded):
    s, ada = graded
    before = str(person_export(user=ada.mentee.user))
    assert "ADA-SRP" in before and "ADA-PLAN" in before
    assert "GRADER-COMMENT" not in before
    assert "MENTOR-REASON" not in before and "ENDORSEMENT-NOTE" not in before
    Milestone.objects.filter(pk=s.srp.pk).update(due_at=timezone.now() - timedelta(hours=1))
    after = str(person_export(user=ada.mentee.user))
    assert "GRADER-COMMENT" in after and "MENTOR-REASON" not in after
    assert "MENTOR-REASON" in str(person_export(user=s.mentors[0].user))


def test_erasing_the_scholar_clears_the_texts_and_keeps_the_points(graded, organizer):
    s, ada = graded
    person_erase(user=ada.mentee.user, by=organizer)
    submission = Submission.objects.get()
    assert submission.url == "" and submission.note == "(erased)"
    assert {g.comment for g in SectionGrade.objects.all()} == {""}
    assert {g.points for g in SectionGrade.objects.all()} == {10}
    application = ExtensionApplication.objects.get()
    assert application.plan == "(erased)" and application.endorsement_note == ""
    assert application.endorsement == "yes"
    assert ada.filter_decisions.get().reason == "(erased)"
