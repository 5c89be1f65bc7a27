"""Reviews of a cohort's applications: the organizers' rubric, each mentor's review of the
applicants who chose them, extra reviewers' scores of the shared part, and conflicts of
interest that hide an applicant from a reviewer.

Who may see what is decided in one place, ``matching.services.cohort_reviews``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .applications import MenteeApplication
from .cohort import TEXT_MAX, Cohort, MentorChoice
from .participants import Mentor


class ReviewPart(models.TextChoices):
    MENTOR = "mentor", "Mentor's review (their own questions and fit)"
    SHARED = "shared", "Shared part (read by extra reviewers)"


class RubricCriterion(models.Model):
    """One criterion reviewers score from 1 to ``Cohort.scale``, with anchors that say
    what the scores mean ("1: no relevant experience … 4: published in the area")."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="criteria")
    part = models.CharField(max_length=6, choices=ReviewPart.choices, default=ReviewPart.MENTOR)
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(max_length=120)
    anchors = models.TextField(
        max_length=1000, blank=True,
        help_text="What each score means, one per line: “1: …”, “4: …”.")

    class Meta:
        ordering = ["cohort", "part", "position", "pk"]
        verbose_name_plural = "rubric criteria"

    def __str__(self):
        return self.name


class Decision(models.TextChoices):
    YES = "yes", "Yes"
    MAYBE = "maybe", "Maybe"
    NO = "no", "No"


class MentorReview(models.Model):
    """The chosen mentor's review of one applicant: rubric scores, a decision, a rank
    among their yeses, and notes nobody else reads (not even organizers' exports show
    them to the applicant). ``rating`` is the mean score, kept for sorting at scale."""

    choice = models.OneToOneField(MentorChoice, on_delete=models.CASCADE, related_name="review")
    scores = models.JSONField(default=dict)  # {criterion id (str): score}
    rating = models.FloatField(null=True, blank=True)
    decision = models.CharField(max_length=5, choices=Decision.choices, blank=True)
    rank = models.PositiveSmallIntegerField(
        "rank among your yeses", null=True, blank=True,
        help_text="1 is the applicant you'd most like to take.")
    notes = models.TextField("private notes", max_length=TEXT_MAX, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["notes"])

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(rank__isnull=True) | Q(decision="yes"),
                                   name="mentor_review_rank_only_for_yes"),
            models.CheckConstraint(condition=Q(rank__isnull=True) | Q(rank__gte=1),
                                   name="mentor_review_rank_positive"),
        ]
        indexes = [models.Index(fields=["decision", "rank"])]

    def __str__(self):
        return f"Review of {self.choice}"


class Reviewer(models.Model):
    """Someone organizers asked to score the shared part of every application."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="cohort_reviewer_roles")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="reviewer_one_per_cohort"),
        ]

    def __str__(self):
        return f"{self.user} (reviewer, {self.cohort.program})"


class SharedReview(models.Model):
    """An extra reviewer's scores of an application's shared part."""

    application = models.ForeignKey(MenteeApplication, on_delete=models.CASCADE,
                                    related_name="shared_reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                 related_name="shared_reviews")
    scores = models.JSONField(default=dict)
    rating = models.FloatField(null=True, blank=True)
    notes = models.TextField("private notes", max_length=TEXT_MAX, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"],
                                    name="shared_review_one_per_reviewer"),
        ]

    def __str__(self):
        return f"{self.reviewer}'s review of {self.application.name}"


class Conflict(models.Model):
    """A conflict of interest: the applicant is hidden from this reviewer (a mentor or an
    extra reviewer) everywhere, their reviews and the allocation included."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="cohort_conflicts")
    application = models.ForeignKey(MenteeApplication, on_delete=models.CASCADE,
                                    related_name="conflicts_of_interest")
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "application"],
                                    name="conflict_one_per_pair"),
        ]

    def __str__(self):
        return f"Conflict: {self.user} – {self.application.name}"

    def clean(self):
        """The applicant is in the cohort's program, and the person reviews there (one
        of its mentors or extra reviewers): asked by the admin's form and by
        ``conflict_declare``."""
        super().clean()
        if not (self.cohort_id and self.application_id and self.user_id):
            return
        problems = {}
        if self.application.program_id != self.cohort.program_id:
            problems["application"] = "That application is not in this cohort's program."
        if not (Mentor.objects.filter(user_id=self.user_id,
                                      program_id=self.cohort.program_id).exists()
                or self.cohort.reviewers.filter(user_id=self.user_id).exists()):
            problems["user"] = "This person neither mentors nor reviews in this cohort."
        if problems:
            raise ValidationError(problems)
