"""A program's phases (MATS: Training, Research, Extension) and the filter at the end of one.

A phase is a stretch of dates. A mentorship is in the phase of its program whose dates hold
today: derived (``Phase.objects.current``), never copied onto the mentorship, so moving a
phase's dates moves everyone at once. A phase may end with a **filter**: before it ends the
mentor records, for each of their scholars, continue or stop with a reason
(``FilterDecision``). Stop ends the mentorship through the early-end path. Workflows:
``matching.services.cohort_phases``. A phase may carry a fixed **grant** (MATS's stipend),
which each of its scholars requests once the phase has begun, instead of hours × rate: the
request and its payment are the stipend workflow's (``payments``).
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from .mentorships import Mentorship
from .programs import Program
from .statuses import RUNNING_STATUSES, ExtensionDecision

REASON_MAX = 2000


class PhaseQuerySet(models.QuerySet):
    def current(self, today: date):
        """The phases whose dates hold `today` (at most one per program: phases of a
        program don't overlap)."""
        return self.filter(starts_on__lte=today, ends_on__gte=today)


class Phase(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the program.")
    starts_on = models.DateField("starts on")
    ends_on = models.DateField("ends on", help_text="The last day of the phase.")
    ends_with_filter = models.BooleanField(
        "ends with a filter", default=False,
        help_text="Mentors decide, for each of their scholars, to continue or stop before "
                  "the phase ends.")
    places = models.PositiveSmallIntegerField(
        "places (admits by application)", null=True, blank=True,
        validators=[MaxValueValidator(1000)],
        help_text="Set it for a phase scholars apply to (MATS's Extension): organizers "
                  "accept at most this many. Empty: everyone continues into it.")
    remind_days = models.PositiveSmallIntegerField(
        "remind undecided mentors this many days before the end", default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)])
    grant = models.DecimalField(
        "grant per scholar", max_digits=10, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="A fixed stipend each scholar of the phase requests once it has begun, "
                  "in the program's currency (MATS). Empty: no grant; the program's mentees "
                  "then request hours × rate.")

    objects = PhaseQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "position", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")),
                                   name="phase_dates_in_order"),
            models.CheckConstraint(condition=Q(grant__isnull=True) | Q(grant__gt=0),
                                   name="phase_grant_positive"),
            models.UniqueConstraint(fields=["program", "name"], name="phase_name_per_program",
                                    violation_error_message="The program has a phase of "
                                                            "this name already."),
        ]

    def __str__(self):
        return f"{self.name} ({self.starts_on:%d %b} – {self.ends_on:%d %b %Y})"

    def clean(self):
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            raise ValidationError({"ends_on": "The phase must end on or after its start."})
        if self.program_id and self.starts_on and self.ends_on:
            overlap = (Phase.objects.filter(program_id=self.program_id)
                       .exclude(pk=self.pk)
                       .filter(starts_on__lte=self.ends_on, ends_on__gte=self.starts_on)
                       .first())
            if overlap is not None:
                raise ValidationError(f"These dates overlap the phase {overlap}: a "
                                      "mentorship is in one phase at a time.")

    def is_current(self, today: date) -> bool:
        return self.starts_on <= today <= self.ends_on

    def mentorships(self):
        """Who is in this phase, or going into it: the program's running mentorships
        that start by its end; for a phase that admits by application (``places``), only
        those accepted into it."""
        running = Mentorship.objects.filter(program_id=self.program_id,
                                            status__in=RUNNING_STATUSES,
                                            start_date__lte=self.ends_on)
        if self.places is not None:
            running = running.filter(extension_applications__phase=self,
                                     extension_applications__decision=ExtensionDecision.ACCEPTED)
        return running


class FilterOutcome(models.TextChoices):
    CONTINUE = "continue", "Continue to the next phase"
    STOP = "stop", "Stop here"


class FilterDecision(models.Model):
    """The mentor's continue/stop for one scholar at the end of a phase. A stop ended
    the mentorship and is final; a continue may still change before the phase ends."""

    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="filter_decisions")
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE,
                                   related_name="filter_decisions")
    outcome = models.CharField(max_length=10, choices=FilterOutcome.choices)
    reason = models.TextField(max_length=REASON_MAX)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["phase", "mentorship"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "mentorship"],
                                    name="filter_decision_one_per_phase"),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.mentorship} after {self.phase.name}"
