"""Mentorships: one row per mentor–mentee pair, with its meetings, terms and final project.

The moves between statuses are listed in TRANSITIONS and made only through
``matching.services.mentorships``; the database holds the rules that must never break
(one live mentorship per pair, sane minutes, a mentorship's program matching its people,
and a mentor never above capacity: a trigger, migration 0006). The services check the
same capacity first, under a lock on the mentor's row, to refuse in words.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .participants import Mentee, Mentor
from .programs import Program, ResearchArea
from .statuses import LIVE_STATUSES, RUNNING_STATUSES, MentorshipStatus

MAX_MEETING_MINUTES = 8 * 60
MAX_MEETING_EVERY_WEEKS = 8
# A pair that agreed to meet less often than the program's nudge interval is quiet a
# week after a meeting they agreed on was due, not before.
AGREED_CADENCE_GRACE_DAYS = 7


PROJECT_DAYS_AFTER_COMPLETION = 90

TRANSITIONS: dict[str, set[str]] = {
    MentorshipStatus.INVITED: {
        MentorshipStatus.ACTIVE,  # the mentee confirms
        MentorshipStatus.DECLINED,  # the mentee declines, or the mentor withdraws
    },
    MentorshipStatus.ACTIVE: {
        MentorshipStatus.PAUSED,
        MentorshipStatus.COMPLETED,
        MentorshipStatus.ENDED_EARLY,
    },
    MentorshipStatus.PAUSED: {
        MentorshipStatus.ACTIVE,
        MentorshipStatus.COMPLETED,
        MentorshipStatus.ENDED_EARLY,
    },
    MentorshipStatus.COMPLETED: set(),
    MentorshipStatus.ENDED_EARLY: set(),
    MentorshipStatus.DECLINED: set(),
}


class MentorshipSource(models.TextChoices):
    MATCH = "match", "Matching run"
    ORGANIZER = "organizer", "Matched by hand by an organizer"
    MENTOR_ROW = "mentor_row", "Added by the mentor"
    IMPORTED = "imported", "Imported from a spreadsheet"


class NextStep(models.TextChoices):
    JOB = "job", "A job"
    PHD = "phd", "A PhD"
    GRANT = "grant", "A grant"
    INDEPENDENT = "independent", "Independent research"
    PROGRAM = "program", "Another program (MATS, AI Safety Camp, …)"
    NONE = "none", "Nothing in AI safety for now"


def validate_next_steps(steps) -> list[str]:
    """The final call's next steps as given, if they make sense: known ones, and "nothing
    for now" only on its own. Raises ValidationError in words for the person."""
    unknown = set(steps) - set(NextStep.values)
    if unknown:
        raise ValidationError(f"Unknown next step: {', '.join(sorted(unknown))}.",
                              code="unknown")
    if NextStep.NONE in steps and len(steps) > 1:
        raise ValidationError(
            f"“{NextStep.NONE.label}” can't go with other next steps: untick one.",
            code="none_with_others")
    return list(steps)


class EndReason(models.TextChoices):
    MENTEE_TIME = "mentee_time", "The mentee no longer has the time"
    MENTOR_TIME = "mentor_time", "The mentor no longer has the time"
    FIT = "fit", "Not a good fit"
    GOAL_CHANGED = "goal_changed", "The mentee's goals changed"
    NO_CONTACT = "no_contact", "We lost contact"
    OTHER = "other", "Another reason"
    # Only a phase's filter ends a mentorship so (``services.cohort_phases``): the end
    # forms offer the others (``chosen``).
    FILTERED = "filtered", "Not continued at a phase's filter"

    @classmethod
    def chosen(cls) -> list[tuple[str, str]]:
        """The reasons a person picks in an end form (a filter's stop is recorded as one)."""
        return [(value, label) for value, label in cls.choices if value != cls.FILTERED]


# The final call is often a little late: a week after the planned end it is overdue.
OVERDUE_GRACE_DAYS = 7
# A mentorship marked "not on track" this many times needs an organizer.
OFF_TRACK_TIMES = 3


def _meeting_stat(aggregate) -> Subquery:
    """`aggregate` over the meetings of the mentorship in the outer query."""
    meetings = (MeetingLog.objects.filter(mentorship=OuterRef("pk")).order_by()
                .values("mentorship"))
    return Subquery(meetings.annotate(value=aggregate).values("value")[:1])


class MentorshipQuerySet(models.QuerySet):
    def live(self):
        return self.filter(status__in=LIVE_STATUSES)

    def for_mentor_user(self, user):
        return self.filter(mentor__user=user)

    def for_mentee_user(self, user):
        return self.filter(mentee__user=user)

    def of_person(self, user):
        """The person's mentorships, as mentor or as mentee."""
        return self.filter(Q(mentor__user=user) | Q(mentee__user=user))

    def quiet(self, today: date):
        """Active mentorships that went quiet by `today` (``Mentorship.quiet_days_allowed``
        written as one query): their last meeting, or their start, is at least their
        allowed days ago. Paused ones are never quiet: no meetings is what pausing means."""
        rows = self.filter(status=MentorshipStatus.ACTIVE).annotate(
            quiet_since=Coalesce(_meeting_stat(Max("date")), F("start_date")))
        by_program = Q(pk__in=[])
        for program_id, days in Program.objects.values_list("pk", "remind_no_meeting_days"):
            by_program |= Q(program_id=program_id,
                            quiet_since__lte=today - timedelta(days=days))
        by_cadence = Q(meeting_every_weeks__isnull=True)
        for weeks in range(1, MAX_MEETING_EVERY_WEEKS + 1):
            by_cadence |= Q(meeting_every_weeks=weeks, quiet_since__lte=today - timedelta(
                days=weeks * 7 + AGREED_CADENCE_GRACE_DAYS))
        return rows.filter(by_program & by_cadence)

    def final_call_overdue(self, today: date):
        """Active mentorships whose planned end passed OVERDUE_GRACE_DAYS ago or more
        with no final call, so their final surveys never go out (the mentor's reminder
        and the organizers' "needs attention" both ask this)."""
        return self.filter(status=MentorshipStatus.ACTIVE,
                           planned_end_date__lte=today - timedelta(days=OVERDUE_GRACE_DAYS))

    def off_track(self, times: int | None = None):
        """Running mentorships whose meetings were marked "not on track" `times` times
        or more (OFF_TRACK_TIMES unless said)."""
        not_on_track = _meeting_stat(Count("pk", filter=Q(on_track="no")))
        return self.filter(status__in=RUNNING_STATUSES).annotate(
            times_off_track=Coalesce(not_on_track, 0)).filter(
            times_off_track__gte=times or OFF_TRACK_TIMES)

    def with_meeting_stats(self):
        """Meetings so far, minutes so far and the last meeting's date, in the same query.

        Each is a correlated subquery over the mentorship's own meetings (their index
        serves it), not a join: grouping every meeting of every listed mentorship made the
        admin's list 375 ms at 40,000 meetings, and its count and date drill-down each paid
        it again."""
        return self.annotate(
            meetings_count=Coalesce(_meeting_stat(Count("pk")), 0),
            meetings_minutes=_meeting_stat(Sum("minutes")),
            last_meeting_on=_meeting_stat(Max("date")),
        )


class Mentorship(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="mentorships")
    mentor = models.ForeignKey(Mentor, on_delete=models.PROTECT, related_name="mentorships")
    # Empty while a mentor's invitation waits (and if it is declined): the invitation
    # touches no account until the address's owner accepts it. The mentor sees the name
    # they typed, never what an existing account holds.
    mentee = models.ForeignKey(Mentee, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="mentorships")
    invited_name = models.CharField("name the mentor typed", max_length=150, blank=True)
    invited_email = models.EmailField("address invited", max_length=254, blank=True)
    status = models.CharField(
        max_length=12, choices=MentorshipStatus.choices, default=MentorshipStatus.ACTIVE,
        db_index=True,
    )
    source = models.CharField(max_length=12, choices=MentorshipSource.choices)
    start_date = models.DateField(default=date.today)
    planned_end_date = models.DateField(null=True, blank=True)

    # First call: the terms both sides agreed. Defaults come from the program.
    terms_recorded_at = models.DateTimeField(null=True, blank=True)
    terms_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    focus_areas = models.ManyToManyField(ResearchArea, blank=True, related_name="mentorships")
    focus = models.CharField("focus", max_length=300, blank=True,
                             help_text="What the mentee will work on, in a line.")
    hours_per_week = models.PositiveSmallIntegerField(
        "mentee's hours per week", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(80)],
    )
    meeting_every_weeks = models.PositiveSmallIntegerField(
        "meet every (weeks)", null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MEETING_EVERY_WEEKS)],
    )
    meeting_minutes = models.PositiveSmallIntegerField(
        "minutes per meeting", null=True, blank=True,
        validators=[MinValueValidator(5), MaxValueValidator(MAX_MEETING_MINUTES)],
    )
    needs_stipend = models.BooleanField("the mentee needs a stipend", default=False)

    # Ending: the final call's next steps, or why it ended early.
    ended_on = models.DateField(null=True, blank=True)
    next_steps = models.JSONField("what the mentee will apply to next", default=list,
                                  blank=True)
    next_steps_notes = models.TextField(max_length=2000, blank=True)
    end_reason = models.CharField(max_length=16, choices=EndReason.choices, blank=True)
    end_notes = models.TextField(max_length=2000, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
        help_text="Who ended it on their page. An early end's note is shown to them and "
                  "to organizers only, never to the other person.")

    introduced_at = models.DateTimeField(null=True, blank=True,
                                         help_text="When both sides were emailed an introduction.")
    organizer_notes = models.TextField(
        blank=True, help_text="Private to organizers: never shown to the mentor or mentee."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MentorshipQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=Q(status__in=["invited", "active", "paused"]),
                name="mentorship_one_live_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(mentee__isnull=False) | Q(status__in=["invited", "declined"]),
                name="mentorship_has_mentee_once_accepted",
            ),
            models.UniqueConstraint(
                "mentor", Lower("invited_email"),
                condition=Q(status="invited") & ~Q(invited_email=""),
                name="mentorship_one_invitation_per_address",
            ),
            models.CheckConstraint(
                condition=Q(planned_end_date__isnull=True)
                | Q(planned_end_date__gt=models.F("start_date")),
                name="mentorship_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="ended_early") | ~Q(end_reason=""),
                name="mentorship_early_end_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["completed", "ended_early"])
                | Q(ended_on__isnull=False),
                name="mentorship_ended_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "status"]),
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["mentee", "status"]),
        ]

    def __str__(self):
        return f"{self.mentor.user} → {self.mentee_name}"

    @property
    def is_invitation(self) -> bool:
        """Never accepted: an invitation waiting, or one declined or withdrawn."""
        return self.status in (MentorshipStatus.INVITED, MentorshipStatus.DECLINED)

    @property
    def mentee_name(self) -> str:
        """Who the mentee is, as the mentor may see it: until the invitation is accepted,
        the name the mentor typed, whatever an account with that address holds."""
        if self.is_invitation and (self.invited_name or self.mentee_id is None):
            return self.invited_name or self.invited_email
        return str(self.mentee.user)

    @property
    def mentee_email(self) -> str:
        if self.is_invitation and self.invited_email:
            return self.invited_email
        return self.mentee.user.email if self.mentee_id else ""

    def clean(self):
        if self.mentor_id and self.mentee_id and self.program_id:
            programs = {self.program_id, self.mentor.program_id, self.mentee.program_id}
            if len(programs) > 1:
                raise ValidationError("The mentor and the mentee must be in this program.")
            if self.mentor.user_id == self.mentee.user_id:
                raise ValidationError("A person cannot mentor themselves.")

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES

    @property
    def is_running(self) -> bool:
        return self.status in RUNNING_STATUSES

    @property
    def project_editable(self) -> bool:
        """The final project can be recorded while the mentorship runs, and for
        PROJECT_DAYS_AFTER_COMPLETION after it completes: the final call often comes
        before the post is written, and a paper gets published later still."""
        if self.is_running:
            return True
        until = self.project_editable_until
        return until is not None and timezone.localdate() <= until

    @property
    def project_editable_until(self) -> date | None:
        if self.status != MentorshipStatus.COMPLETED or self.ended_on is None:
            return None
        return self.ended_on + timedelta(days=PROJECT_DAYS_AFTER_COMPLETION)

    @property
    def terms_recorded(self) -> bool:
        return self.terms_recorded_at is not None

    def quiet_days_allowed(self) -> int:
        """Days without a logged meeting (since the start if none) before this
        mentorship is quiet, and its mentor is nudged: the program's interval, or the
        pair's agreed cadence plus a week's grace if that is longer. The one rule;
        ``MentorshipQuerySet.quiet`` is the same written as a query."""
        agreed = (self.meeting_every_weeks * 7 + AGREED_CADENCE_GRACE_DAYS
                  if self.meeting_every_weeks else 0)
        return max(self.program.remind_no_meeting_days, agreed)

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS.get(self.status, set())

    def check_move(self, status: str) -> None:
        if not self.can_move_to(status):
            raise ValidationError(
                f"This mentorship is {self.get_status_display().lower()}; it cannot become "
                f"{MentorshipStatus(status).label.lower()}."
            )

    def agreed_minutes(self) -> int:
        """The length of a meeting: as agreed at the first call, else the program's."""
        return self.meeting_minutes or self.program.meeting_minutes_min

    def get_next_steps_display(self) -> list[str]:
        labels = dict(NextStep.choices)
        return [labels.get(step, step) for step in self.next_steps]

    def next_step(self) -> str:
        """What this mentorship needs next, in a few words, for the dashboards."""
        if self.status == MentorshipStatus.INVITED:
            return "Waiting for the mentee to confirm"
        if self.status == MentorshipStatus.PAUSED:
            return "Paused"
        if not self.is_running:
            return ""
        if not self.terms_recorded:
            return "Record the first call's terms"
        if self.planned_end_date and self.planned_end_date <= timezone.localdate():
            return "Final call: record next steps"
        if not hasattr(self, "final_project") and self.planned_end_date and (
            (self.planned_end_date - timezone.localdate()).days <= 21
        ):
            return "Final project"
        return "Meet and log it"


class OnTrack(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "Partly"
    NO = "no", "No"


class MeetingLog(models.Model):
    """One meeting, in one line."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE,
                                   related_name="meetings")
    date = models.DateField(default=date.today)
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MEETING_MINUTES)]
    )
    on_track = models.CharField("on track?", max_length=6, choices=OnTrack.choices)
    note = models.CharField(max_length=280, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gte=1, minutes__lte=MAX_MEETING_MINUTES),
                name="meeting_minutes_range",
            ),
        ]
        indexes = [models.Index(fields=["mentorship", "-date"])]

    def __str__(self):
        return f"{self.date}: {self.minutes} min"

    def validate_meeting(self) -> None:
        """Raise ValidationError by field unless the mentorship can have this meeting:
        the fields' own rules, and a day neither in the future nor outside the
        mentorship (before its start, after its end)."""
        m = self.mentorship
        errors: dict[str, list] = {}
        try:
            self.full_clean(exclude=["mentorship", "logged_by"])
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if self.date > timezone.localdate():
            errors.setdefault("date", []).append(
                "A meeting you are logging can't be in the future.")
        elif self.date < m.start_date:
            errors.setdefault("date", []).append(
                f"That is before the mentorship started ({m.start_date:%d %b %Y}).")
        elif m.ended_on and self.date > m.ended_on:
            errors.setdefault("date", []).append(
                f"That is after the mentorship ended ({m.ended_on:%d %b %Y}).")
        if errors:
            raise ValidationError(errors)

    @property
    def may_be_a_duplicate(self) -> bool:
        """Another meeting of the same mentorship is logged on the same day: usually the
        same meeting logged by both sides, or twice (pointed out, never refused)."""
        return (MeetingLog.objects.filter(mentorship_id=self.mentorship_id, date=self.date)
                .exclude(pk=self.pk).exists())


class FinalProject(models.Model):
    class Kind(models.TextChoices):
        DISTILLATION = "distillation", "Distillation"
        BLOG_POST = "blog_post", "Blog post"
        SOFTWARE = "software", "Software project"
        OTHER = "other", "Other"

    mentorship = models.OneToOneField(Mentorship, on_delete=models.CASCADE,
                                      related_name="final_project")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    title = models.CharField(max_length=200)
    url = models.URLField("link", max_length=500, blank=True)
    is_public = models.BooleanField("public", default=True)
    is_published = models.BooleanField("published", default=False)
    mentor_feedback = models.TextField(max_length=3000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.title
