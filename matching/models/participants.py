from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from mm_program.validators import validate_timezone

from .applications import MenteeApplication, MentorApplication
from .programs import Program
from .statuses import LIVE_STATUSES


class MentorQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def with_load(self):
        """Each mentor's load: the places taken, by live mentorships (invited, active,
        paused), as `load`. The one definition; the database's capacity trigger counts
        the same statuses (migration 0006)."""
        return self.annotate(load=models.Count(
            "mentorships", filter=models.Q(mentorships__status__in=LIVE_STATUSES)))

    def full(self):
        """Mentors with no free place (load at or over capacity)."""
        return self.with_load().filter(load__gte=models.F("capacity"))

    def load_of(self, mentor: "Mentor") -> int:
        """One mentor's load, counted now (after their row is locked, in the services)."""
        return self.with_load().values_list("load", flat=True).get(pk=mentor.pk)


class Mentor(models.Model):
    """An accepted mentor in one program, with their own cap on mentees.

    The profile that matching reads (areas, time zone, style) is the accepted
    application's; the capacity lives here because the mentor may change it later.
    """

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="mentors")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_roles"
    )
    application = models.OneToOneField(
        MentorApplication, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="mentor",
    )
    capacity = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(0), MaxValueValidator(20)],
        help_text="Most mentees at once. 0 pauses new matches.",
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MentorQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="mentor_one_per_program"),
            models.CheckConstraint(
                condition=models.Q(capacity__lte=20), name="mentor_capacity_range"
            ),
        ]

    def __str__(self):
        return f"{self.user} (mentor, {self.program})"


# Accepted mentees still without a mentor this many days later need an organizer.
UNMATCHED_DAYS = 14


class MenteeQuerySet(models.QuerySet):
    def waiting_since(self, day):
        """Mentees accepted on `day` or before who never had a mentorship (not even an
        invitation): the ones still waiting for a mentor."""
        return self.filter(created_at__date__lte=day, mentorships__isnull=True)


class Mentee(models.Model):
    """An accepted mentee in one program: ready to be matched until a mentorship starts."""

    class Source(models.TextChoices):
        APPLICATION = "application", "Accepted application"
        MENTOR_INVITE = "mentor_invite", "Invited by their mentor"
        IMPORTED = "imported", "Imported from a spreadsheet"

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="mentees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentee_roles"
    )
    application = models.OneToOneField(
        MenteeApplication, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="mentee",
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.APPLICATION)
    # The minimal profile a mentee invited by their mentor fills in; an applicant's
    # answers stay on their application.
    timezone = models.CharField(max_length=64, blank=True, validators=[validate_timezone])
    goals = models.TextField("what you want from the mentorship", max_length=3000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MenteeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["program", "user"], name="mentee_one_per_program"),
        ]

    def __str__(self):
        return f"{self.user} (mentee, {self.program})"
