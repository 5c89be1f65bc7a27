"""Stipend requests, their program's budget, and payout batches.

A request moves submitted → approved | rejected, and approved → paid, only through
``payments.services.stipends``: each move is a conditional UPDATE (``… WHERE status =
'approved'`` for paying) under a row lock, so two officers paying at the same moment pay
once. The database refuses the states that must never exist (a paid request without
its date and reference, an amount that is neither hours × rate nor a phase's grant, a
second live grant request for one phase, a batch on a request that was never approved, and
any change to or deletion of a paid request: a trigger, migrations 0002 and 0004), and the
model refuses to save or delete a paid request before it gets there.

Two kinds of request share the workflow: **hourly** (M&M: hours × rate for a period, for a
mentee or a mentor) and **grant** (MATS: a cohort phase's fixed grant, for its scholar, no
hours nor rate; ``phase`` set, the period is the phase's). Approval, budget, payout CSV and
payment treat both alike: they read the amount.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum, Value
from simple_history.models import HistoricalRecords

from matching.models import Mentorship, Phase, Program

CENT = Decimal("0.01")
# amount = hours × rate rounded to the cent; the database allows the rounding only.
ROUNDING = Decimal("0.00501")
MAX_RATE = Decimal("1000")
MAX_HOURS_PER_DAY = 12


class StipendStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    PAID = "paid", "Paid"


class PayeeRole(models.TextChoices):
    MENTEE = "mentee", "Mentee"
    MENTOR = "mentor", "Mentor"


class PaidRequestLocked(ValidationError):
    """A paid request is history: it cannot be changed or deleted."""

    def __init__(self):
        super().__init__("This stipend request is paid: it can no longer be changed.",
                         code="paid")


class PayoutBatch(models.Model):
    """One payout CSV: the approved requests exported together for the bank."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "payout batches"

    def __str__(self):
        return f"Payout batch {self.pk}"


class StipendRequestQuerySet(models.QuerySet):
    def for_payee(self, user):
        return self.filter(payee=user)

    def live(self):
        """Requests that count: everything except rejected ones."""
        return self.exclude(status=StipendStatus.REJECTED)

    def overlapping(self, start, end):
        return self.filter(period_start__lte=end, period_end__gte=start)

    def hourly(self):
        return self.filter(phase__isnull=True)

    def grants(self):
        return self.filter(phase__isnull=False)


class StipendRequest(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT,
                                related_name="stipend_requests")
    mentorship = models.ForeignKey(Mentorship, on_delete=models.PROTECT,
                                   related_name="stipend_requests")
    payee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="stipend_requests")
    payee_role = models.CharField("as", max_length=6, choices=PayeeRole.choices)
    phase = models.ForeignKey(
        Phase, null=True, blank=True, on_delete=models.PROTECT, related_name="grant_requests",
        help_text="Set for a phase's grant (a fixed amount, no hours); empty for hours × rate.")
    period_start = models.DateField("from")
    period_end = models.DateField("to")
    hours = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField("rate per hour", max_digits=8, decimal_places=2, null=True,
                               blank=True)
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3)
    justification = models.TextField("why it's needed", max_length=1000)

    status = models.CharField(max_length=10, choices=StipendStatus.choices,
                              default=StipendStatus.SUBMITTED, db_index=True)
    submitted_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    rejection_reason = models.TextField(max_length=1000, blank=True)
    budget_override_reason = models.TextField(
        max_length=1000, blank=True,
        help_text="Why an organizer approved this request past the program's budget.")
    budget_override_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")

    batch = models.ForeignKey(PayoutBatch, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="requests")
    paid_on = models.DateField(null=True, blank=True)
    payment_reference = models.CharField(max_length=140, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    paid_to = models.CharField("paid to (masked)", max_length=40, blank=True)

    history = HistoricalRecords()
    objects = StipendRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        permissions = [
            ("approve_stipendrequest", "Can approve or reject stipend requests"),
            ("pay_stipendrequest", "Can export payouts and mark stipend requests paid"),
        ]
        indexes = [
            models.Index(fields=["payee", "mentorship"]),
            models.Index(fields=["program", "status"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="stipend_hours_positive"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="stipend_rate_positive"),
            # Hourly: hours and rate, and the amount is their product. A grant: the phase,
            # for its scholar, no hours nor rate (the amount is the phase's grant when it
            # was requested, which the service copies: the database can't look it up).
            models.CheckConstraint(
                condition=(Q(phase__isnull=True, hours__isnull=False, rate__isnull=False)
                           & Q(amount__gte=F("hours") * F("rate") - Value(ROUNDING))
                           & Q(amount__lte=F("hours") * F("rate") + Value(ROUNDING)))
                | Q(phase__isnull=False, hours__isnull=True, rate__isnull=True,
                    payee_role="mentee", amount__gt=0),
                name="stipend_amount_is_hours_times_rate_or_a_grant",
            ),
            # One grant per scholar and phase; a rejected one may be asked again.
            models.UniqueConstraint(
                fields=["mentorship", "phase"],
                condition=Q(phase__isnull=False) & ~Q(status="rejected"),
                name="stipend_one_grant_per_phase",
                violation_error_message="This phase's grant was requested already."),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")),
                                   name="stipend_period_ordered"),
            models.CheckConstraint(
                condition=Q(status__in=StipendStatus.values), name="stipend_status_valid"),
            models.CheckConstraint(
                condition=Q(payee_role__in=PayeeRole.values), name="stipend_role_valid"),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="stipend_rejection_has_reason"),
            models.CheckConstraint(
                condition=Q(status__in=["submitted"]) | Q(decided_at__isnull=False),
                name="stipend_decision_has_date"),
            models.CheckConstraint(
                condition=~Q(status="paid") | (
                    Q(paid_on__isnull=False) & Q(paid_at__isnull=False)
                    & ~Q(payment_reference="")),
                name="stipend_paid_has_date_and_reference"),
            models.CheckConstraint(
                condition=Q(status="paid") | (
                    Q(paid_on__isnull=True) & Q(paid_at__isnull=True)
                    & Q(payment_reference="")),
                name="stipend_unpaid_has_no_payment"),
            models.CheckConstraint(
                condition=Q(batch__isnull=True) | Q(status__in=["approved", "paid"]),
                name="stipend_batch_only_when_approved"),
        ]

    def __str__(self):
        return f"Stipend request {self.pk}: {self.payee}, {self.period_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding and self._stored_status() == StipendStatus.PAID:
            raise PaidRequestLocked()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_status() == StipendStatus.PAID:
            raise PaidRequestLocked()
        return super().delete(*args, **kwargs)

    def _stored_status(self):
        if self.pk is None:
            return None
        return (type(self).objects.filter(pk=self.pk).values_list("status", flat=True)
                .first())

    @property
    def period_label(self) -> str:
        return period_label(self.period_start, self.period_end)

    @property
    def is_grant(self) -> bool:
        return self.phase_id is not None

    @property
    def title(self) -> str:
        """What the request is for, in lists: "Research grant", or its period."""
        return f"{self.phase.name} grant" if self.is_grant else self.period_label

    @property
    def reference(self) -> str:
        """The text on the bank transfer, in the payout CSV."""
        return f"Stipend {self.pk} {self.period_start:%Y-%m-%d}/{self.period_end:%Y-%m-%d}"

    @property
    def days(self) -> int:
        return (self.period_end - self.period_start).days + 1


def period_label(start, end) -> str:
    if start.year != end.year:
        return f"{start.day} {start:%b %Y} – {end.day} {end:%b %Y}"
    if start.month != end.month:
        return f"{start.day} {start:%b} – {end.day} {end:%b %Y}"
    if start == end:
        return f"{start.day} {start:%b %Y}"
    return f"{start.day}–{end.day} {end:%b %Y}"


class StipendBudget(models.Model):
    """A program's stipend budget and the reminder interval of its payments officers.

    A program without a row has a budget of 0: every approval then needs an organizer's
    override until the organizers set one.
    """

    program = models.OneToOneField(Program, on_delete=models.CASCADE,
                                   related_name="stipend_budget")
    amount = models.DecimalField(
        "budget", max_digits=12, decimal_places=2, default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Total the program can commit to stipends, in the program's currency. "
                  "Approvals past it need an organizer's override with a reason.")
    remind_waiting_days = models.PositiveSmallIntegerField(
        "remind payments officers of a request waiting more than (days)", default=5,
        validators=[MinValueValidator(1), MaxValueValidator(90)])
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0),
                                   name="stipend_budget_nonnegative"),
        ]

    def __str__(self):
        return f"Stipend budget of {self.program}"

    @property
    def wait(self) -> timedelta:
        return timedelta(days=self.remind_waiting_days)


DEFAULT_REMIND_WAITING_DAYS = 5


def budget_totals(program) -> dict:
    """Committed (approved, not yet paid) and paid totals of a program, in its currency."""
    rows = dict(
        StipendRequest.objects.filter(program=program, currency=program.currency,
                                      status__in=[StipendStatus.APPROVED,
                                                  StipendStatus.PAID])
        .values_list("status").annotate(total=Sum("amount")).values_list("status", "total")
    )
    # Quantized: SQLite sums decimals without their scale (75 rather than 75.00).
    committed = Decimal(rows.get(StipendStatus.APPROVED) or 0).quantize(CENT)
    paid = Decimal(rows.get(StipendStatus.PAID) or 0).quantize(CENT)
    budget = Decimal(StipendBudget.objects.filter(program=program).values_list(
        "amount", flat=True).first() or 0).quantize(CENT)
    return {
        "budget": budget,
        "committed": committed,
        "paid": paid,
        "used": committed + paid,
        "left": budget - committed - paid,
        "currency": program.currency,
    }
