"""Milestones of a phase: a submission each scholar owes by a due moment (a link or a
file), graded by assigned graders against a rubric of sections with points (MATS: the
Scholar Research Plan on 100 points; the Symposium talk on What 50, Why 30, Style 20).

A grader's grading of one submission is saved whole, every section at once (``Grading``
with one ``SectionGrade`` per section): that is submitting it. Who sees what is the
model's rule (``Milestone.grades_released``, ``Grading`` visibility in
``matching.services.cohort_milestones``): the scholar sees grades and comments only after
the due moment, a grader sees the others' only once theirs is in.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .cohort_phases import Phase
from .mentorships import Mentorship

TEXT_MAX = 3000
COMMENT_MAX = 3000
MAX_SECTION_POINTS = 1000
# An erased submission's note (``matching.privacy.cohort_phases``): its link and file are
# gone, its gradings stay.
ERASED = "(erased)"


class Milestone(models.Model):
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(max_length=120)
    instructions = models.TextField(max_length=TEXT_MAX, blank=True)
    due_at = models.DateTimeField("due", help_text="Submissions close, and grades go back "
                                                   "to the scholars, at this moment.")
    remind_days = models.PositiveSmallIntegerField(
        "remind scholars who haven't submitted this many days before", default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)])
    graders = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                     related_name="graded_milestones")

    history = HistoricalRecords(m2m_fields=[graders])

    class Meta:
        ordering = ["phase", "due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "name"], name="milestone_name_per_phase"),
        ]

    def __str__(self):
        return f"{self.name} ({self.phase.name})"

    @property
    def program(self):
        return self.phase.program

    def is_past_due(self, now=None) -> bool:
        return (now or timezone.now()) >= self.due_at

    def grades_released(self, now=None) -> bool:
        """Scholars see their grades and comments only after the deadline."""
        return self.is_past_due(now)

    @property
    def max_points(self) -> int:
        return self.sections.aggregate(total=Sum("max_points"))["total"] or 0


class RubricSection(models.Model):
    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=120)
    guidance = models.TextField("what earns the points", max_length=TEXT_MAX, blank=True)
    max_points = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SECTION_POINTS)])

    class Meta:
        ordering = ["milestone", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(max_points__gte=1,
                                               max_points__lte=MAX_SECTION_POINTS),
                                   name="rubric_section_points_range"),
        ]

    def __str__(self):
        return f"{self.name} ({self.max_points} points)"


class Submission(models.Model):
    """A scholar's submission of a milestone: a link or an uploaded file (or both)."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE,
                                  related_name="submissions")
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE,
                                   related_name="submissions")
    url = models.URLField("link", max_length=500, blank=True)
    file = models.FileField(upload_to="cohort/milestones/", max_length=200, blank=True)
    note = models.TextField(max_length=TEXT_MAX, blank=True)
    submitted_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["milestone", "mentorship"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "mentorship"],
                                    name="submission_one_per_milestone"),
            models.CheckConstraint(condition=~Q(url="") | ~Q(file="") | Q(note=ERASED),
                                   name="submission_has_link_or_file"),
        ]

    def __str__(self):
        return f"{self.milestone.name} of {self.mentorship.mentee}"


class Grading(models.Model):
    """One grader's grades of one submission, all sections at once."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE,
                                   related_name="gradings")
    grader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="gradings")
    total = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["submission", "submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "grader"],
                                    name="grading_one_per_grader"),
        ]

    def __str__(self):
        return f"{self.grader}'s grading of {self.submission}"


class SectionGrade(models.Model):
    grading = models.ForeignKey(Grading, on_delete=models.CASCADE, related_name="grades")
    section = models.ForeignKey(RubricSection, on_delete=models.CASCADE, related_name="grades")
    points = models.PositiveSmallIntegerField()
    comment = models.TextField(max_length=COMMENT_MAX, blank=True)

    class Meta:
        ordering = ["grading", "section__position", "section_id"]
        constraints = [
            models.UniqueConstraint(fields=["grading", "section"],
                                    name="section_grade_one_per_section"),
        ]

    def __str__(self):
        return f"{self.section.name}: {self.points}"
