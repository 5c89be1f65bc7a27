from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.timezone import now
from simple_history.models import HistoricalRecords

from mm_program.validators import validate_timezone

from .programs import Program, RedirectTarget, ResearchArea

# Long free-text answers are capped so that one submission cannot fill the database;
# the forms enforce the same limits with a readable message.
LONG_TEXT_MAX = 3000
SHORT_TEXT_MAX = 1000


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", "Pending review"
    ACCEPTED = "accepted", "Accepted"
    WAITLISTED = "waitlisted", "Waitlisted"
    DECLINED = "declined", "Declined"
    REDIRECTED = "redirected", "Redirected to another program"


# Which decisions may follow which. Accepted, declined and redirected are final: a person
# who wants another go applies again, which opens a new pending application.
# Applications still in play: a new submission with the same email updates these.
OPEN_STATUSES = (ApplicationStatus.PENDING, ApplicationStatus.WAITLISTED)

# What each decision is called where an organizer takes it (a button, a choice): the
# action, while the status's label says what has happened.
DECISION_ACTIONS = {
    ApplicationStatus.ACCEPTED: "Accept",
    ApplicationStatus.WAITLISTED: "Waitlist",
    ApplicationStatus.DECLINED: "Decline",
    ApplicationStatus.REDIRECTED: "Redirect",
}

ALLOWED_DECISIONS = {
    ApplicationStatus.PENDING: {
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.DECLINED,
        ApplicationStatus.REDIRECTED,
    },
    ApplicationStatus.WAITLISTED: {
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.DECLINED,
        ApplicationStatus.REDIRECTED,
    },
}


class ApplicationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ApplicationStatus.PENDING)

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def for_user(self, user):
        return self.filter(user=user)


class Application(models.Model):
    """What mentee and mentor interest forms share: contact, triage and decision."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="%(class)ss")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="%(class)ss"
    )
    name = models.CharField(max_length=150)
    email = models.EmailField()
    timezone = models.CharField(max_length=64, validators=[validate_timezone])
    research_areas = models.ManyToManyField(ResearchArea, related_name="%(class)ss")
    heard_about = models.CharField("how did you hear about us", max_length=200, blank=True)

    status = models.CharField(
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
        db_index=True,
    )
    # Now, unless an import brings the date the form was sent (not auto_now_add, which
    # would overwrite it).
    submitted_at = models.DateTimeField(default=now, editable=False, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    resubmissions = models.PositiveSmallIntegerField(
        default=0, help_text="How many times the applicant sent the form again while pending."
    )

    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # PROTECT: a program named in a decision already sent stays on its list (retired).
    redirect_to = models.ForeignKey(
        RedirectTarget, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    decision_message = models.TextField(
        blank=True, help_text="The personal message sent to the applicant with the decision."
    )
    organizer_notes = models.TextField(
        blank=True, help_text="Private to organizers: never shown or sent to the applicant."
    )

    objects = ApplicationQuerySet.as_manager()

    kind: str = ""  # "mentee" or "mentor", set on the concrete models

    class Meta:
        abstract = True
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.name} <{self.email}> ({self.get_status_display()})"

    @property
    def is_pending(self) -> bool:
        return self.status == ApplicationStatus.PENDING

    @property
    def redirect_url(self) -> str:
        """The page of the program the applicant was redirected to ("" if none)."""
        return self.redirect_to.url if self.redirect_to else ""

    def allowed_decisions(self) -> set[str]:
        return ALLOWED_DECISIONS.get(self.status, set())

    def check_decision(self, decision: str, redirect_to: RedirectTarget | None = None) -> None:
        """Raise ValidationError unless `decision` is a valid next move from here."""
        if decision not in ApplicationStatus.values or decision == ApplicationStatus.PENDING:
            raise ValidationError(f"{decision!r} is not a decision.")
        if decision not in self.allowed_decisions():
            raise ValidationError(
                f"{self.name}'s application is already {self.get_status_display().lower()}; "
                f"it cannot be {ApplicationStatus(decision).label.lower()} now."
            )
        if decision != ApplicationStatus.REDIRECTED:
            return
        if redirect_to is None:
            raise ValidationError("Say which program to redirect the applicant to.")
        if redirect_to.program_id != self.program_id:
            raise ValidationError(
                f"{redirect_to.name} is on {redirect_to.program.name}'s list of programs to "
                f"redirect to, not on {self.program.name}'s, where {self.name} applied."
            )
        if not redirect_to.is_active:
            raise ValidationError(f"{redirect_to.name} is retired from the list of programs "
                                  "to redirect to.")


def application_constraints(prefix: str, range_check: models.CheckConstraint) -> list:
    """The rules both kinds of application keep in the database, named after the kind."""
    return [
        # One open application per person and program: a second submission updates
        # the first instead of creating a duplicate.
        models.UniqueConstraint(
            fields=["program", "email"],
            condition=models.Q(status__in=list(OPEN_STATUSES)),
            name=f"{prefix}_one_open_per_email",
        ),
        range_check,
        models.CheckConstraint(
            condition=~models.Q(status=ApplicationStatus.REDIRECTED)
            | models.Q(redirect_to__isnull=False),
            name=f"{prefix}_redirect_has_target",
        ),
    ]


class MenteeApplication(Application):
    class Occupation(models.TextChoices):
        BACHELORS = "bachelors", "Bachelor's student"
        MASTERS = "masters", "Master's student"
        PHD = "phd", "PhD student"
        ACADEMIC = "academic", "Postdoc or academic"
        INDUSTRY = "industry", "Working in industry"
        OTHER = "other", "Other"

    class FullTimeIntent(models.TextChoices):
        YES = "yes", "Yes, within about two years"
        MAYBE = "maybe", "Maybe, I'm testing my fit"
        NO = "no", "Not in the near future"

    class Course(models.TextChoices):
        AGISF_ALIGNMENT = "agisf_alignment", "AGI Safety Fundamentals: Alignment"
        AGISF_GOVERNANCE = "agisf_governance", "AGI Safety Fundamentals: Governance"
        ALIGNMENT_201 = "alignment_201", "Alignment 201"
        ARENA = "arena", "ARENA"
        MLAB = "mlab", "MLAB"
        DEEP_LEARNING = "deep_learning", "A deep learning course (fast.ai, CS231n, …)"

    kind = "mentee"

    occupation = models.CharField(max_length=12, choices=Occupation.choices)
    field_of_study = models.CharField(
        "field of study or work", max_length=120, blank=True,
        help_text="For example: computer science, ML, mathematics, physics.",
    )
    research_interests = models.TextField(
        "anything more specific about your interests", max_length=SHORT_TEXT_MAX, blank=True
    )
    hours_per_week = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(80)]
    )
    goals = models.TextField("what you want from a mentorship", max_length=LONG_TEXT_MAX)
    key_uncertainties = models.TextField(max_length=LONG_TEXT_MAX, blank=True)
    fulltime_intent = models.CharField(
        "do you intend to work full-time in AI safety?",
        max_length=8,
        choices=FullTimeIntent.choices,
    )
    courses_done = models.JSONField("courses already done", default=list, blank=True)
    needs_funding = models.BooleanField("I need a stipend to take part", default=False)
    funding_reason = models.TextField(max_length=SHORT_TEXT_MAX, blank=True)
    cv_url = models.URLField("CV or LinkedIn", max_length=500, blank=True)
    github_url = models.URLField("GitHub", max_length=500, blank=True)
    writing_url = models.URLField("writing sample", max_length=500, blank=True)

    # For matching: all optional, an empty answer means "no preference".
    preferred_involvement = models.CharField(
        "how involved would you like your mentor to be", max_length=12, blank=True,
        choices=[
            ("hands_on", "Hands-on: help with implementation details"),
            ("balanced", "Somewhere in between"),
            ("high_level", "High-level: direction, not details"),
        ],
    )
    preferred_control = models.CharField(
        "who should set the direction", max_length=8, blank=True,
        choices=[
            ("mentee", "I pick my own direction"),
            ("shared", "We decide together"),
            ("mentor", "My mentor suggests a project"),
        ],
    )
    preferred_mentors = models.ManyToManyField(
        "matching.Mentor", blank=True, related_name="requested_by",
        verbose_name="mentors you would especially like to work with",
    )
    conflicts = models.TextField(
        "conflicts of interest", max_length=SHORT_TEXT_MAX, blank=True,
        help_text="Names or emails of people you should not be matched with "
        "(your supervisor, a partner, a colleague), one per line.",
    )

    # Stored rather than computed so organizers can filter on it in admin; set by
    # `refresh_flags()` whenever the application is saved through the services.
    flagged_low_hours = models.BooleanField("under the program's minimum hours", default=False)

    history = HistoricalRecords()

    class Meta(Application.Meta):
        verbose_name = "mentee application"
        constraints = application_constraints(
            "mentee_application",
            models.CheckConstraint(
                condition=models.Q(hours_per_week__gte=1, hours_per_week__lte=80),
                name="mentee_application_hours_range",
            ),
        )
        indexes = [models.Index(fields=["program", "status", "-submitted_at"])]

    def refresh_flags(self) -> None:
        self.flagged_low_hours = self.hours_per_week < self.program.min_hours_per_week

    def get_courses_done_display(self) -> list[str]:
        labels = dict(self.Course.choices)
        return [labels.get(c, c) for c in self.courses_done]


# The program's rule of thumb (seed 000): 30 minutes a week per mentee is enough. A
# mentor who offers under half of that for their mentees is refused on the form, and one
# who raises their cap past it is warned.
MINUTES_PER_MENTEE = 30
MIN_MINUTES_PER_MENTEE = MINUTES_PER_MENTEE // 2


class MentorApplication(Application):
    class Position(models.TextChoices):
        PHD = "phd", "PhD student"
        INDUSTRY = "industry", "Industry researcher or engineer"
        INDEPENDENT = "independent", "Independent researcher"
        FULLTIME_SAFETY = "fulltime_safety", "Full-time in AI safety"
        ACADEMIC = "academic", "Academic (postdoc, faculty)"
        OTHER = "other", "Other"

    class Involvement(models.TextChoices):
        HANDS_ON = "hands_on", "Hands-on: I dig into implementation details"
        BALANCED = "balanced", "Somewhere in between"
        HIGH_LEVEL = "high_level", "High-level: I give direction, not details"

    class CreativeControl(models.TextChoices):
        MENTEE = "mentee", "The mentee picks their own direction"
        SHARED = "shared", "We decide together"
        MENTOR = "mentor", "I suggest or assign a project"

    kind = "mentor"

    position = models.CharField("current position", max_length=16, choices=Position.choices)
    organization = models.CharField(max_length=120, blank=True)
    expertise = models.TextField(
        "anything more specific about your expertise", max_length=SHORT_TEXT_MAX, blank=True
    )
    capacity = models.PositiveSmallIntegerField(
        "how many mentees at once", default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    minutes_per_week = models.PositiveSmallIntegerField(
        "minutes per week you can give", default=30,
        validators=[MinValueValidator(10), MaxValueValidator(1200)],
    )
    involvement = models.CharField(
        "how involved are you", max_length=12, choices=Involvement.choices
    )
    creative_control = models.CharField(
        "who sets the direction", max_length=8, choices=CreativeControl.choices
    )
    style_notes = models.TextField(
        "what a mentee should know about working with you",
        max_length=SHORT_TEXT_MAX, blank=True,
    )
    wants_paid = models.BooleanField("I would like to be paid for my time", default=False)
    profile_url = models.URLField("homepage or profile", max_length=500, blank=True)
    excluded_stages = models.JSONField(
        "career stages you would rather not mentor", default=list, blank=True
    )
    conflicts = models.TextField(
        "conflicts of interest", max_length=SHORT_TEXT_MAX, blank=True,
        help_text="Names or emails of people you should not be matched with "
        "(your own students, a partner, a colleague), one per line.",
    )
    listed_for_applicants = models.BooleanField(
        "list me on the mentee form", default=False,
        help_text="Applicants then see your name, position and style, and can ask for you.",
    )

    history = HistoricalRecords()

    class Meta(Application.Meta):
        verbose_name = "mentor application"
        constraints = application_constraints(
            "mentor_application",
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1, capacity__lte=20),
                name="mentor_application_capacity_range",
            ),
        )
        indexes = [models.Index(fields=["program", "status", "-submitted_at"])]

    def refresh_flags(self) -> None:
        """Mentor applications carry no automatic flags (yet)."""

    def get_excluded_stages_display(self) -> list[str]:
        labels = dict(MenteeApplication.Occupation.choices)
        return [labels.get(stage, stage) for stage in self.excluded_stages]


class ApplicationUpdate(models.Model):
    """Answers sent again, for an open application, by someone not signed in as its owner.

    Anyone can type anyone's email into a public form, so these answers replace the
    application's only once the owner confirms them from a link sent to that address.
    The posted fields are kept as sent and validated again on confirmation.
    """

    class Kind(models.TextChoices):
        MENTEE = "mentee", "Mentee"
        MENTOR = "mentor", "Mentor"

    kind = models.CharField(max_length=6, choices=Kind.choices)
    application_id = models.PositiveBigIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "application_id"])]

    def __str__(self):
        return f"Update to {self.kind} application {self.application_id}"
