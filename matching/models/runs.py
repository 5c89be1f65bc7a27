"""Matching runs: what the solver was given, what it proposed, and what organizers decided.

A run keeps its inputs (weights, threshold, every profile it scored, capacities, locks and
forbids) so that a proposal can be explained months later, and a fingerprint of the state
it ran on so that it cannot be approved once capacities or statuses have moved.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .participants import Mentee, Mentor
from .programs import Program


class PairRule(models.Model):
    """An organizer's standing decision about one pair, applied to every later run."""

    class Kind(models.TextChoices):
        LOCK = "lock", "Locked: always propose this pair"
        FORBID = "forbid", "Forbidden: never propose this pair"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pair_rules")
    mentee = models.ForeignKey(Mentee, on_delete=models.CASCADE, related_name="pair_rules")
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="pair_rules")
    kind = models.CharField(max_length=6, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["mentee", "mentor"], name="pair_rule_one_per_pair"),
        ]

    def __str__(self):
        return f"{self.get_kind_display().split(':')[0]}: {self.mentee.user} – {self.mentor.user}"


class MatchingRun(models.Model):
    """One run: queued, then solved by a worker (``matching.tasks``), then approved.

    Queued and solving runs have no inputs or proposals yet; a failed run keeps why."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SOLVING = "solving", "Solving"
        FAILED = "failed", "Failed"
        PROPOSED = "proposed", "Proposed"
        PARTLY_APPROVED = "partly_approved", "Partly approved"
        APPROVED = "approved", "Approved"

    # Solved: the run has its inputs and proposals, and can be read and approved.
    SOLVED = (Status.PROPOSED, Status.PARTLY_APPROVED, Status.APPROVED)
    # Still with the worker: the run page follows it.
    UNDER_WAY = (Status.QUEUED, Status.SOLVING)

    class Mode(models.TextChoices):
        ROLLING = "", "Rolling program (mentees and mentors' capacities)"
        OPTIMAL = "optimal", "Cohort, optimal (most placed, then best total)"
        STABLE = "stable", "Cohort, stable (applicant-proposing deferred acceptance)"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="matching_runs")
    # A cohort program's run (``matching.services.cohort_offers``) keeps which mode it
    # solved in; its proposals name applications, and approving it sends offers.
    mode = models.CharField(max_length=8, choices=Mode.choices, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    # What the worker is doing now, in words ("scoring 4,020 mentees against 509
    # mentors"), while the run is solving.
    progress = models.CharField(max_length=200, blank=True)
    solve_started_at = models.DateTimeField(null=True, blank=True)
    solve_finished_at = models.DateTimeField(null=True, blank=True)
    # Why a failed run failed, for the organizer who reads the run page.
    failure = models.TextField(blank=True)

    weights = models.JSONField()
    threshold = models.FloatField()
    # Pairs who share no research area are never proposed (unless locked): what an
    # organizer expects of a match. Runs made before the rule existed keep False.
    require_shared_area = models.BooleanField(default=True)
    # Everything the scorer and the solver were given: profiles, remaining capacities,
    # locks, forbids, the reference date for time zones.
    inputs = models.JSONField()
    state_fingerprint = models.CharField(max_length=64)

    total_score = models.FloatField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    mentee_count = models.PositiveIntegerField(default=0)
    pair_count = models.PositiveIntegerField("allowed pairs", default=0)
    solve_seconds = models.FloatField(default=0)
    # [{"mentee": id, "reason": words}] for mentees the run left without a mentor.
    unmatched = models.JSONField(default=list)

    # The inputs never change after the run, and are large: the row keeps them. Progress
    # words change every few seconds while solving, and are gone once it is done.
    history = HistoricalRecords(excluded_fields=["inputs", "progress"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"

    def __str__(self):
        return f"Run {self.pk} for {self.program} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def is_cohort(self) -> bool:
        return bool(self.mode)

    @property
    def is_solved(self) -> bool:
        return self.status in self.SOLVED

    @property
    def is_under_way(self) -> bool:
        return self.status in self.UNDER_WAY


class Proposal(models.Model):
    """A pair a run proposed: a mentee of a rolling program, or an applicant of a cohort
    program (who becomes a mentee only by accepting the offer approval sends)."""

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(Mentee, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="proposals")
    application = models.ForeignKey("matching.MenteeApplication", null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="proposals")
    mentor = models.ForeignKey(Mentor, on_delete=models.CASCADE, related_name="proposals")
    score = models.FloatField()
    # [{"key", "label", "value", "weight", "points", "words"}], as the run scored the pair.
    components = models.JSONField(default=list)
    summary = models.TextField(blank=True)
    locked = models.BooleanField(default=False)
    mentorship = models.OneToOneField(
        "matching.Mentorship", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="proposal",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["run", "-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="proposal_one_per_mentee"),
            models.UniqueConstraint(fields=["run", "application"],
                                    name="proposal_one_per_application"),
            models.CheckConstraint(
                condition=models.Q(mentee__isnull=False, application__isnull=True)
                | models.Q(mentee__isnull=True, application__isnull=False),
                name="proposal_mentee_or_application"),
        ]

    def __str__(self):
        who = self.mentee.user if self.mentee_id else self.application.name
        return f"{who} → {self.mentor.user} ({self.score:.1f})"
