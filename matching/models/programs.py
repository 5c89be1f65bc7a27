from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords


class ResearchArea(models.Model):
    """One research agenda applicants can pick. Organizers edit the list in admin."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the forms.")
    is_active = models.BooleanField(default=True, help_text="Shown on the interest forms.")

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ProgramQuerySet(models.QuerySet):
    def open(self):
        """Programs taking applications now: `accepts_applications` as a filter."""
        now = timezone.now()
        return self.filter(is_open=True).filter(
            models.Q(admission=Program.Admission.ROLLING)
            | models.Q(deadline__isnull=True)
            | models.Q(deadline__gt=now)
        ).filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=timezone.localdate()))


class Program(models.Model):
    """A mentorship program: owns its applications, mentors, mentees and defaults."""

    class Admission(models.TextChoices):
        ROLLING = "rolling", "Rolling (all year round)"
        COHORT = "cohort", "Cohort with a deadline"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    tagline = models.CharField(max_length=200, blank=True)
    description = models.TextField(
        blank=True, max_length=5000,
        help_text="What the program is and who it is for, on its public page. Plain text; "
                  "blank lines separate paragraphs.")
    starts_on = models.DateField(null=True, blank=True,
                                 help_text="Shown on the public page. Empty: already running.")
    ends_on = models.DateField(
        null=True, blank=True,
        help_text="Its last day: the forms close after it. Empty: runs until closed.")
    admission = models.CharField(
        max_length=10, choices=Admission.choices, default=Admission.ROLLING
    )
    deadline = models.DateTimeField(
        null=True, blank=True, help_text="Cohort programs close their forms at this moment."
    )
    is_open = models.BooleanField(
        default=True, help_text="Untick to close the interest forms whatever the deadline."
    )
    duration_months_min = models.PositiveSmallIntegerField(default=3)
    duration_months_max = models.PositiveSmallIntegerField(default=5)
    meeting_every_weeks = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(8)]
    )
    meeting_minutes_min = models.PositiveSmallIntegerField(default=30)
    meeting_minutes_max = models.PositiveSmallIntegerField(default=60)
    stipend_rate = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("30.00"),
        help_text="Default stipend per hour.",
    )  # read it through stipend_rate_for(), the one place the rate is decided
    currency = models.CharField(max_length=3, default="USD")
    min_hours_per_week = models.PositiveSmallIntegerField(
        default=5,
        help_text="Below this many hours a week the program is probably not worth it: "
        "such applications are flagged, not refused.",
    )
    contact_email = models.EmailField(blank=True)
    # Who runs it: an organizer sees and changes only their programs (matching/scoping.py).
    organizers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="organized_programs",
        help_text="Organizers who run this program: they see and change its applications, "
                  "mentorships, runs, surveys and figures, and no other program's.")

    # Reminders: when each kind is due, in days. Edited per program by organizers.
    remind_no_meeting_days = models.PositiveSmallIntegerField(
        "nudge a mentor after this many days without a logged meeting", default=21,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    remind_no_meeting_repeat_days = models.PositiveSmallIntegerField(
        "repeat that nudge at most every (days)", default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    remind_terms_days = models.PositiveSmallIntegerField(
        "remind both to record the first call's terms after (days)", default=7,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    remind_end_days = models.PositiveSmallIntegerField(
        "remind both of the final project and call this many days before the end",
        default=14, validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgramQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_months_min__lte=models.F("duration_months_max")),
                name="program_duration_range",
            ),
            models.CheckConstraint(
                condition=models.Q(meeting_minutes_min__lte=models.F("meeting_minutes_max")),
                name="program_meeting_minutes_range",
            ),
            models.CheckConstraint(
                condition=models.Q(stipend_rate__gte=0), name="program_stipend_rate_nonnegative"
            ),
            models.CheckConstraint(
                condition=~models.Q(admission="cohort") | models.Q(deadline__isnull=False),
                name="program_cohort_has_deadline",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True) | models.Q(ends_on__isnull=True)
                | models.Q(starts_on__lte=models.F("ends_on")),
                name="program_dates_in_order",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("program_page", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            raise ValidationError({"ends_on": "The last day comes before the first: check "
                                              "both dates."})

    def stipend_rate_for(self, role: str) -> Decimal:
        """The hourly stipend rate for a payee in `role` ("mentee" or "mentor"): what a
        request starts from, what the pages quote, and what organizers compare claims
        with. One rate per program today; a rule per role or per mentorship goes here."""
        return self.stipend_rate

    def phases_end_date(self, start):
        """The end of the last phase everyone goes through (not one admitting by
        application, like an extension), when it comes after `start`; else None."""
        last = (self.phases.filter(places__isnull=True).order_by("-ends_on")
                .values_list("ends_on", flat=True).first())
        return last if last is not None and last > start else None

    def pays_grants(self) -> bool:
        """A program whose phases carry grants (MATS) pays its scholars those, a fixed sum
        per phase (``payments.services.grants``), not hours × rate; mentors keep hours ×
        rate."""
        return self.phases.filter(grant__isnull=False).exists()

    @property
    def runs_as_cohort(self) -> bool:
        """Run the MATS way (applicants choose mentors, mentors select, organizers
        allocate slots): the program has a cohort setup (``matching.models.cohort``).
        Otherwise the rolling way: organizers accept and the matcher pairs."""
        try:
            return self.cohort is not None
        except ObjectDoesNotExist:
            return False

    @property
    def has_started(self) -> bool:
        return self.starts_on is None or self.starts_on <= timezone.localdate()

    @property
    def has_ended(self) -> bool:
        return self.ends_on is not None and self.ends_on < timezone.localdate()

    @property
    def accepts_applications(self) -> bool:
        """Open, before a cohort's deadline and not past its last day (the rule of
        ``Program.objects.open()``, for one row)."""
        if not self.is_open or self.has_ended:
            return False
        if self.admission == self.Admission.COHORT and self.deadline:
            return timezone.now() < self.deadline
        return True

    def get_mentee_form_url(self):
        return reverse("apply_program", kwargs={"slug": self.slug, "role": "mentee"})

    def get_mentor_form_url(self):
        return reverse("apply_program", kwargs={"slug": self.slug, "role": "mentor"})


class RedirectTarget(models.Model):
    """A program that serves some applicants better than this one: an organizer who
    redirects an applicant picks it from the program's own list, and the decision email
    names it and links its page."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE,
                                related_name="redirect_targets")
    name = models.CharField(max_length=100,
                            help_text="As the applicant reads it, e.g. "
                                      "\"MATS (ML Alignment & Theory Scholars)\".")
    short_name = models.CharField(max_length=30, blank=True,
                                  help_text="For the triage list, e.g. \"MATS\" "
                                            "(the name if empty).")
    url = models.URLField("page", blank=True,
                          help_text="Where the applicant reads about it and applies. Empty "
                                    "for a catch-all such as \"another program\": your "
                                    "message then names it.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the list.")
    is_active = models.BooleanField(
        "offered", default=True,
        help_text="Untick to retire it: earlier decisions keep naming it.")

    class Meta:
        ordering = ["program", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["program", "name"],
                                               name="redirect_target_name_once_per_program")]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """What the triage list calls it, where the full name made the status too wide."""
        return self.short_name or self.name
