"""A program run the MATS way: its cohort setup, the mentors' public listings with their own
questions or task, and each applicant's ordered choice of mentors with their answers.

The shared part of an application is the program's mentee form (``MenteeApplication``);
what a cohort adds hangs off it: up to ``Cohort.max_choices`` mentors in order
(``MentorChoice``), and the answers to those mentors' questions only (``ChoiceAnswer``).
Workflows are in ``matching.services.cohort_selection``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from .applications import MenteeApplication
from .participants import Mentor
from .programs import Program

MAX_CHOICES = 10
TEXT_MAX = 3000
ANSWER_MAX = 6000


class Cohort(models.Model):
    """A program's cohort setup: having one makes the program run the MATS way
    (``Program.runs_as_cohort``)."""

    program = models.OneToOneField(Program, on_delete=models.CASCADE, related_name="cohort")
    max_choices = models.PositiveSmallIntegerField(
        "mentors an applicant may choose", default=3,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CHOICES)])
    scale = models.PositiveSmallIntegerField(
        "rubric scale (1 to …)", default=4,
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text="Reviewers score each criterion from 1 to this.")
    slot_budget = models.PositiveSmallIntegerField(
        "slots the program can fund", default=0,
        help_text="The most scholars across all mentors: the sum of the mentors' slots "
                  "can't exceed it.")
    weight_mentee_rank = models.FloatField(
        "weight of the applicant's ranking", default=1.0, validators=[MinValueValidator(0)])
    weight_mentor_rank = models.FloatField(
        "weight of the mentor's ranking", default=1.0, validators=[MinValueValidator(0)])
    weight_rating = models.FloatField(
        "weight of the reviewers' rating", default=1.0, validators=[MinValueValidator(0)])
    offer_days = models.PositiveSmallIntegerField(
        "days an applicant has to accept an offer", default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)])
    intro = models.TextField(
        "what the mentor listing says first", max_length=TEXT_MAX, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_mentee_rank__gte=0, weight_mentor_rank__gte=0,
                            weight_rating__gte=0)
                & (Q(weight_mentee_rank__gt=0) | Q(weight_mentor_rank__gt=0)
                   | Q(weight_rating__gt=0)),
                name="cohort_weights_nonnegative_some_positive"),
            models.CheckConstraint(condition=Q(max_choices__gte=1, max_choices__lte=MAX_CHOICES),
                                   name="cohort_max_choices_range"),
            models.CheckConstraint(condition=Q(scale__gte=2, scale__lte=10),
                                   name="cohort_scale_range"),
        ]

    def __str__(self):
        return f"Cohort setup of {self.program}"

    def clean(self):
        # A cohort closes at a deadline: the program's forms say so, and choices stop then.
        if self.program_id and self.program.admission != Program.Admission.COHORT:
            raise ValidationError({"program": "Set the program's admission to “Cohort with "
                                              "a deadline” first, with its deadline."})

    @property
    def weights(self) -> dict[str, float]:
        return {"mentee_rank": self.weight_mentee_rank, "mentor_rank": self.weight_mentor_rank,
                "rating": self.weight_rating}


class CohortMentor(models.Model):
    """A mentor's public listing in a cohort program, and the slots organizers gave them.

    The mentor edits the listing; only organizers set ``slots`` (separate from the
    mentor's own cap, ``Mentor.capacity``, so the mentor can't undo an allocation)."""

    mentor = models.OneToOneField(Mentor, on_delete=models.CASCADE, related_name="listing")
    is_listed = models.BooleanField(
        "shown to applicants", default=True,
        help_text="Untick to hide the mentor from the listing and the application.")
    agenda = models.TextField("research agenda", max_length=TEXT_MAX, blank=True)
    style = models.TextField("mentorship style", max_length=TEXT_MAX, blank=True)
    task = models.TextField(
        "selection task", max_length=TEXT_MAX, blank=True,
        help_text="A task applicants do before answering (optional): a short text, a "
                  "link or a file.")
    task_url = models.URLField("task link", max_length=500, blank=True)
    task_file = models.FileField("task file", upload_to="cohort/tasks/", max_length=200,
                                 blank=True)
    slots = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(50)],
        help_text="Scholars this mentor may take: set by organizers within the budget.")
    slots_set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    slots_set_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["mentor__user__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(slots__lte=50), name="cohort_mentor_slots_range"),
        ]

    def __str__(self):
        return f"Listing of {self.mentor.user}"


class MentorQuestion(models.Model):
    """One of the mentor's own questions, answered only by applicants who choose them."""

    listing = models.ForeignKey(CohortMentor, on_delete=models.CASCADE,
                                related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    prompt = models.CharField(max_length=500)

    class Meta:
        ordering = ["listing", "position", "pk"]

    def __str__(self):
        return self.prompt[:80]


class MentorChoice(models.Model):
    """An applicant chose this mentor, at this place in their order (1 = first choice).

    Ranks run 1, 2, … without gaps: ``choices_save`` writes them under a lock on the
    application (no unique constraint on the rank, so a reordering keeps the reviews
    made of each choice instead of swapping rows)."""

    application = models.ForeignKey(MenteeApplication, on_delete=models.CASCADE,
                                    related_name="mentor_choices")
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="choices")
    rank = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CHOICES)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["application", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["application", "mentor"],
                                    name="mentor_choice_one_per_mentor"),
            models.CheckConstraint(condition=Q(rank__gte=1, rank__lte=MAX_CHOICES),
                                   name="mentor_choice_rank_range"),
        ]
        indexes = [models.Index(fields=["mentor", "rank"])]

    def __str__(self):
        return f"{self.application.name}: choice {self.rank}, {self.mentor.user}"


class ChoiceAnswer(models.Model):
    """The applicant's answer to one question of a mentor they chose."""

    choice = models.ForeignKey(MentorChoice, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(MentorQuestion, on_delete=models.CASCADE,
                                 related_name="answers")
    text = models.TextField(max_length=ANSWER_MAX)

    class Meta:
        ordering = ["choice", "question__position", "question_id"]
        constraints = [
            models.UniqueConstraint(fields=["choice", "question"],
                                    name="choice_answer_one_per_question"),
        ]

    def __str__(self):
        return f"Answer to {self.question}"


def slots_total(cohort: Cohort, *, exclude: CohortMentor | None = None) -> int:
    """The slots given to the cohort's mentors (all, or all but one listing)."""
    listings = CohortMentor.objects.filter(mentor__program_id=cohort.program_id)
    if exclude is not None:
        listings = listings.exclude(pk=exclude.pk)
    return listings.aggregate(total=models.Sum(F("slots")))["total"] or 0
