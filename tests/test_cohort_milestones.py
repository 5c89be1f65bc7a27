"""Milestones: the scholar submits from their page; graders grade each rubric section with
a comment; the scholar reads grades only after the deadline; a grader reads the others'
only once theirs is in; nobody else opens a grading page; missing submissions are
reminded."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from matching.models import Grading, Milestone, Submission
from matching.services import cohort_milestones as milestones
from mm_program import reminders

from .helpers import signed_in, text

pytestmark = pytest.mark.django_db


def scholar(m):
    return m.mentee.user


def submit(s, m, url="https://docs.example.org/srp"):
    return milestones.submission_save(milestone=s.srp, mentorship=m, by=scholar(m), url=url)


def grade(s, submission, grader, points=(20, 25, 30), comment="Clear."):
    return milestones.grading_save(submission=submission, by=grader, grades={
        sec.pk: (p, f"{comment} ({sec.name})") for sec, p in zip(s.sections, points,
                                                                 strict=True)})


def test_the_scholar_submits_a_link_or_a_file_from_their_page(phased):
    s = phased
    ada = s.mentorships[0]
    client = signed_in(scholar(ada))
    url = reverse("cohort_milestones", args=[s.program.slug])
    assert "Not submitted yet" in text(client.get(url))
    # Neither a link nor a file: refused in words, the note typed kept.
    response = client.post(url, {"milestone": s.srp.pk, f"s{s.srp.pk}-url": "",
                                 f"s{s.srp.pk}-note": "Draft two"})
    assert response.status_code == 400
    assert "Give a link to your work, or upload a file." in text(response)
    assert "Draft two" in text(response)
    upload = SimpleUploadedFile("srp.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    response = client.post(url, {"milestone": s.srp.pk, f"s{s.srp.pk}-file": upload,
                                 f"s{s.srp.pk}-note": "Draft two"})
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.file and submission.note == "Draft two"
    # The file opens for its scholar and graders, not another scholar.
    file_url = reverse("cohort_submission_file", args=[s.program.slug, submission.pk])
    assert client.get(file_url).status_code == 200
    assert signed_in(s.graders[0]).get(file_url).status_code == 200
    assert signed_in(scholar(s.mentorships[2])).get(file_url).status_code == 404


def test_submissions_close_at_the_deadline(phased):
    s = phased
    Milestone.objects.filter(pk=s.srp.pk).update(due_at=timezone.now() - timedelta(hours=1))
    s.srp.refresh_from_db()
    with pytest.raises(ValidationError, match="submissions are closed"):
        submit(s, s.mentorships[0])
    with pytest.raises(PermissionDenied):
        milestones.submission_save(milestone=s.srp, mentorship=s.mentorships[0],
                                   by=scholar(s.mentorships[1]), url="https://x.example")


def test_a_scholar_sees_grades_only_after_the_deadline(phased):
    s = phased
    ada = s.mentorships[0]
    submission = submit(s, ada)
    grade(s, submission, s.graders[0], comment="Sharp threat model")
    url = reverse("cohort_milestones", args=[s.program.slug])
    before = text(signed_in(scholar(ada)).get(url))
    assert "Sharp threat model" not in before and "75" not in before
    assert "come back after the deadline" in before
    assert milestones.gradings_shown(submission, scholar(ada)) == []
    Milestone.objects.filter(pk=s.srp.pk).update(due_at=timezone.now() - timedelta(minutes=1))
    after = text(signed_in(scholar(ada)).get(url))
    assert "Sharp threat model" in after and "<strong>75</strong> of 100" in after
    # Another scholar never reads them, even after the deadline.
    with pytest.raises(PermissionDenied):
        milestones.gradings_shown(submission, scholar(s.mentorships[1]))


def test_a_grader_cant_see_another_graders_scores_before_submitting_theirs(phased):
    s = phased
    submission = submit(s, s.mentorships[0])
    grade(s, submission, s.graders[0], points=(11, 12, 13), comment="First grader")
    url = reverse("cohort_grading", args=[s.program.slug, submission.pk])
    second = signed_in(s.graders[1])
    page = text(second.get(url))
    assert "First grader" not in page and ">36<" not in page
    assert "once yours are in" in page
    assert milestones.gradings_shown(submission, s.graders[1]) == []
    data = {f"points_{sec.pk}": "20" for sec in s.sections}
    data |= {f"comment_{sec.pk}": "Second" for sec in s.sections}
    assert second.post(url, data).status_code == 302
    page = text(second.get(url))
    assert "First grader" in page and "36" in page
    assert Grading.objects.filter(submission=submission).count() == 2


def test_a_non_grader_cant_open_a_grading_page(phased):
    s = phased
    ada = s.mentorships[0]
    submission = submit(s, ada)
    grade(s, submission, s.graders[0], comment="Hidden")
    url = reverse("cohort_grading", args=[s.program.slug, submission.pk])
    for person in (scholar(ada), s.mentors[0].user, scholar(s.mentorships[2])):
        response = signed_in(person).get(url)
        assert response.status_code == 403
        assert "Hidden" not in text(response)
        response = signed_in(person).post(url, {f"points_{s.sections[0].pk}": "30"})
        assert response.status_code == 403
    assert signed_in(scholar(ada)).get(
        reverse("cohort_grader", args=[s.program.slug])).status_code == 403
    with pytest.raises(PermissionDenied):
        grade(s, submission, s.mentors[0].user)
    assert Grading.objects.count() == 1


def test_out_of_range_points_are_refused_per_section_keeping_what_was_typed(phased):
    s = phased
    submission = submit(s, s.mentorships[0])
    url = reverse("cohort_grading", args=[s.program.slug, submission.pk])
    threat, change, plan = s.sections
    response = signed_in(s.graders[0]).post(url, {
        f"points_{threat.pk}": "31", f"comment_{threat.pk}": "Too generous?",
        f"points_{change.pk}": "abc", f"points_{plan.pk}": "40"})
    assert response.status_code == 400
    page = text(response)
    assert "Threat model is out of 30" in page and "“abc” isn't a whole number" in page
    assert "Too generous?" in page and 'value="40"' in page
    assert not Grading.objects.exists()


def test_missing_submissions_are_reminded_before_the_due_day(phased):
    s = phased
    submit(s, s.mentorships[0])
    due_day = timezone.localdate(s.srp.due_at)
    assert not [d for d in reminders.due_items(due_day - timedelta(days=5))
                if d.kind == "milestone-missing"]
    due = [d for d in reminders.due_items(due_day - timedelta(days=2))
           if d.kind == "milestone-missing"]
    assert {d.user for d in due} == {scholar(s.mentorships[1]), scholar(s.mentorships[2])}
    assert {d.occasion for d in due} == {
        f"milestone-missing/milestone:{s.srp.pk}/mentorship:{m.pk}"
        for m in s.mentorships[1:]}
