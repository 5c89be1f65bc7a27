"""Milestones: the scholar's submission, the graders' gradings, and who sees which.

- ``milestones_owed`` and ``missing``: a milestone is owed by every running mentorship of
  its program that had started by its due moment; ``missing`` are those without a
  submission (reminded by ``matching.cohort_phase_reminders``).
- ``submission_save``: the scholar submits a link or a file (or replaces theirs) until the
  due moment.
- ``grading_save``: an assigned grader grades every section of one submission at once,
  with a comment each; saving again corrects it.
- ``gradings_shown``: the one rule of who reads grades. Organizers: all. A grader: the
  others' only once their own is in. The scholar: all, once the deadline has passed.
  Anyone else: nothing (PermissionDenied).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone
from django.utils.formats import date_format

from matching.models import (
    RUNNING_STATUSES,
    Grading,
    Mentorship,
    Milestone,
    SectionGrade,
    Submission,
)
from matching.models.cohort_milestones import COMMENT_MAX
from matching.scoping import organizes


def owed_by(milestone: Milestone):
    """The mentorships that owe this milestone: running, started by its due day."""
    return Mentorship.objects.filter(
        program_id=milestone.phase.program_id, status__in=RUNNING_STATUSES,
        start_date__lte=timezone.localdate(milestone.due_at))


def missing(milestone: Milestone):
    return owed_by(milestone).exclude(submissions__milestone=milestone)


def milestones_owed(mentorship: Mentorship):
    """The milestones of the mentorship's program, in order of their due moment."""
    return (Milestone.objects.filter(phase__program_id=mentorship.program_id)
            .select_related("phase").prefetch_related("sections").order_by("due_at", "pk"))


def is_grader(milestone: Milestone, user) -> bool:
    return bool(user and user.is_authenticated
                and milestone.graders.filter(pk=user.pk).exists())


# --------------------------------------------------------------------------- submitting


@transaction.atomic
def submission_save(*, milestone: Milestone, mentorship: Mentorship, by, url: str = "",
                    file=None, note: str = "", now=None) -> Submission:
    """The scholar submits (or replaces) their milestone: a link, a file, or both (a
    replacement without a new file keeps the one sent before). Raises PermissionDenied
    for anyone but the mentorship's scholar, ValidationError in words otherwise."""
    now = now or timezone.now()
    if mentorship.mentee is None or mentorship.mentee.user_id != getattr(by, "pk", None):
        raise PermissionDenied("Only the scholar submits their milestone.")
    if milestone.phase.program_id != mentorship.program_id:
        raise ValidationError("This milestone belongs to another program.")
    if mentorship.status not in RUNNING_STATUSES:
        raise ValidationError(f"This mentorship is {mentorship.get_status_display().lower()}:"
                              " it owes no milestone.")
    if milestone.is_past_due(now):
        due = date_format(timezone.localtime(milestone.due_at), "j F Y, H:i")
        raise ValidationError(f"{milestone.name} was due {due}: submissions are closed. "
                              "Write to the organizers if you need more time.")
    submission = (Submission.objects.select_for_update()
                  .filter(milestone=milestone, mentorship=mentorship).first()
                  or Submission(milestone=milestone, mentorship=mentorship))
    url = (url or "").strip()
    if not url and not file and not submission.file:
        raise ValidationError({"url": "Give a link to your work, or upload a file."})
    submission.url, submission.note = url, (note or "").strip()
    if file:
        submission.file = file
    submission._history_user = by
    submission.save()
    return submission


# --------------------------------------------------------------------------- grading


@transaction.atomic
def grading_save(*, submission: Submission, by, grades: dict) -> Grading:
    """An assigned grader's points and comment for every section of the rubric
    (``grades``: section pk → (points, comment)), all or nothing. Raises
    PermissionDenied for anyone not assigned to the milestone (and for the scholar
    themselves), ValidationError with one message per section otherwise."""
    milestone = submission.milestone
    if not is_grader(milestone, by):
        raise PermissionDenied("Only the milestone's graders grade it.")
    if submission.mentorship.mentee.user_id == by.pk:
        raise PermissionDenied("You can't grade your own submission.")
    sections = list(milestone.sections.all())
    if not sections:
        raise ValidationError("This milestone has no rubric yet: the organizers add its "
                              "sections in admin.")
    errors, clean = {}, {}
    for section in sections:
        points, comment = grades.get(section.pk, (None, ""))
        comment = (comment or "").strip()
        if points is None or points == "":
            errors[f"points_{section.pk}"] = f"Give {section.name} 0 to {section.max_points}."
            continue
        try:
            points = int(points)
        except (TypeError, ValueError):
            errors[f"points_{section.pk}"] = f"“{str(points)[:10]}” isn't a whole number."
            continue
        if not 0 <= points <= section.max_points:
            errors[f"points_{section.pk}"] = (f"{section.name} is out of "
                                              f"{section.max_points}: give 0 to "
                                              f"{section.max_points}.")
        elif len(comment) > COMMENT_MAX:
            errors[f"comment_{section.pk}"] = f"At most {COMMENT_MAX} characters."
        else:
            clean[section.pk] = (points, comment)
    if errors:
        raise ValidationError(errors)
    grading, _ = Grading.objects.select_for_update().get_or_create(submission=submission,
                                                                   grader=by)
    grading.grades.all().delete()
    SectionGrade.objects.bulk_create([
        SectionGrade(grading=grading, section_id=pk, points=p, comment=c)
        for pk, (p, c) in clean.items()])
    grading.total = sum(p for p, _ in clean.values())
    grading._history_user = by
    grading.save()
    return grading


def gradings_shown(submission: Submission, user, now=None) -> list[Grading]:
    """The gradings of `submission` that `user` may read, with their section grades."""
    milestone = submission.milestone
    gradings = (submission.gradings.select_related("grader")
                .prefetch_related("grades__section"))
    if organizes(user, milestone.phase.program_id):
        return list(gradings)
    if is_grader(milestone, user):
        return list(gradings) if gradings.filter(grader=user).exists() else []
    if submission.mentorship.mentee.user_id == getattr(user, "pk", None):
        return list(gradings) if milestone.grades_released(now) else []
    raise PermissionDenied("These grades aren't yours to see.")


def may_open_submission(submission: Submission, user) -> bool:
    """The scholar, their mentor, the milestone's graders and organizers open it."""
    m = submission.mentorship
    return (organizes(user, m.program_id) or user.pk in (m.mentee.user_id, m.mentor.user_id)
            or is_grader(submission.milestone, user))


# --------------------------------------------------------------------------- figures


@dataclass(frozen=True)
class Progress:
    milestone: Milestone
    owed: int
    submitted: int
    graded: int
    gradings: int
    average: float | None
    graders: int


def milestone_progress(milestone: Milestone) -> Progress:
    """How far a milestone is: owed, submitted, graded, and the average total."""
    submissions = Submission.objects.filter(milestone=milestone)
    counts = submissions.aggregate(
        n=Count("pk", distinct=True),
        graded=Count("pk", filter=Q(gradings__isnull=False), distinct=True))
    gradings = Grading.objects.filter(submission__milestone=milestone).aggregate(
        n=Count("pk"), avg=Avg("total"))
    return Progress(milestone=milestone, owed=owed_by(milestone).count(),
                    submitted=counts["n"], graded=counts["graded"], gradings=gradings["n"],
                    average=gradings["avg"], graders=milestone.graders.count())
