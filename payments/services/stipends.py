"""The workflow of a stipend request: submit, approve or reject, pay.

Every move is made here, by a person allowed to make it, under a lock on the request's
row and as a conditional UPDATE on the status it moves from: whatever happens at the same
moment elsewhere, a request is decided once and paid once. Each move is recorded in the
request's history (who, when, what); a rejection and a payment are emailed to the payee
after the commit.

Refusals are ValidationErrors in plain words, with a ``code``; those about one field of
the request form name the field (period_start, period_end, hours, rate).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from matching.models import MeetingLog, Mentorship, MentorshipStatus

from .. import notifications, permissions
from ..banking import Account
from ..models import (
    CENT,
    MAX_HOURS_PER_DAY,
    MAX_RATE,
    BankDetails,
    PayeeRole,
    StipendBudget,
    StipendRequest,
    StipendStatus,
    budget_totals,
    period_label,
)
from .bank import bank_details_save

# A request is possible once the mentorship started, until it ended (for past periods).
REQUESTABLE = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED, MentorshipStatus.COMPLETED,
               MentorshipStatus.ENDED_EARLY)
# Claimed hours above this share of the agreed hours get a warning for organizers.
HOURS_TOLERANCE = Decimal("1.25")


def _day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def num(value: Decimal) -> str:
    """7.25, 16, 0.5: a Decimal without trailing zeros, for sentences."""
    return format(value.normalize(), "f")


def amount_for(hours: Decimal, rate: Decimal) -> Decimal:
    return (hours * rate).quantize(CENT, rounding=ROUND_HALF_UP)


def role_of(user, mentorship: Mentorship) -> str | None:
    if mentorship.mentee.user_id == user.pk:
        return PayeeRole.MENTEE
    if mentorship.mentor.user_id == user.pk:
        return PayeeRole.MENTOR
    return None


def window(mentorship: Mentorship, today: date | None = None) -> tuple[date, date]:
    """The days a request may cover: from the start to the end, or to today."""
    today = today or timezone.localdate()
    end = mentorship.ended_on or today
    return mentorship.start_date, min(end, today)


def can_request(mentorship: Mentorship) -> bool:
    return mentorship.status in REQUESTABLE and mentorship.start_date <= timezone.localdate()


def hours_refused(mentorship: Mentorship, payee, *, grants: bool | None = None,
                  role: str | None = None) -> str:
    """Why `payee` can't request hours × rate for this mentorship ("" when they can): the
    mentee of a program whose phases carry grants requests those instead
    (``payments.services.grants``). Mentors keep hours × rate. `grants`
    (``Program.pays_grants``) and `role` (the payee's) spare their queries when the caller
    knows."""
    if (role or role_of(payee, mentorship)) != PayeeRole.MENTEE:
        return ""
    if grants is None:
        grants = mentorship.program.pays_grants()
    if grants:
        return ("This program pays its scholars a fixed grant for each phase, not hours × "
                "rate: request your grant from your page once the phase has begun.")
    return ""


def bank_details_ready(*, payee, account: Account | None) -> None:
    """Save the account given with a request, or refuse a request without any."""
    if account is not None:
        bank_details_save(user=payee, account=account, by=payee)
    elif not BankDetails.objects.filter(user=payee).exists():
        raise ValidationError("Add your bank details first: we need them to pay you.",
                              code="no_bank_details")


def suggested_start(mentorship: Mentorship, payee) -> date:
    """The day after the payee's last live request for this mentorship, else its start."""
    last = (StipendRequest.objects.live().hourly().filter(mentorship=mentorship, payee=payee)
            .order_by("-period_end").values_list("period_end", flat=True).first())
    start, end = window(mentorship)
    if last is None:
        return start
    return min(max(start, last + timedelta(days=1)), end)


def nothing_to_claim_yet(mentorship: Mentorship, payee) -> bool:
    """True when the only period a request could cover is today alone: the mentorship
    (or the time since the payee's last request) began today. A request covers time
    already worked, so the page says when to come back rather than offering a one-day
    period."""
    start, end = window(mentorship)
    return suggested_start(mentorship, payee) >= end == timezone.localdate()


def previous_request(mentorship: Mentorship, payee) -> dict:
    """The hours and reason of the payee's last live request for this mentorship (empty
    when there is none): they rarely change from one month to the next, so the next
    request starts from them, and a repeat request is one look and one click."""
    return (StipendRequest.objects.live().hourly()
            .filter(mentorship=mentorship, payee=payee)
            .order_by("-period_end", "-pk").values("hours", "justification").first()) or {}


def previous_justification(mentorship: Mentorship, payee, last: dict | None = None) -> str:
    """The reason of the last live request (``last``, if already read); a mentee's first
    request starts from why they said, when they applied, that they need funding (never
    ask twice what the app knows)."""
    if last is None:
        last = previous_request(mentorship, payee)
    last = last.get("justification")
    if last:
        return last
    application = mentorship.mentee.application
    if role_of(payee, mentorship) == PayeeRole.MENTEE and application is not None \
            and application.needs_funding:
        return application.funding_reason.strip()
    return ""


def meetings_in(mentorship: Mentorship, start: date, end: date):
    return MeetingLog.objects.filter(mentorship=mentorship, date__range=(start, end)) \
        .order_by("date", "pk")


@dataclass(frozen=True)
class HoursCheck:
    """What organizers see beside the hours claimed."""

    meetings: list
    meeting_hours: Decimal
    expected_hours: Decimal | None
    warnings: list[str]


def hours_check(req: StipendRequest) -> HoursCheck:
    m = req.mentorship
    meetings = list(meetings_in(m, req.period_start, req.period_end))
    meeting_hours = (Decimal(sum(x.minutes for x in meetings)) / 60).quantize(CENT)
    warnings = []
    expected = None
    if req.is_grant:  # a fixed amount: no hours to weigh, only the phase's grant
        grant = req.phase.grant
        if grant != req.amount:
            warnings.append(f"The {req.phase.name} grant is now "
                            f"{grant if grant is not None else 'none'}; this request asked "
                            f"{req.amount} {req.currency} when it was sent.")
        return HoursCheck(meetings, meeting_hours, None, warnings)
    if req.payee_role == PayeeRole.MENTEE:
        if m.hours_per_week:
            expected = (Decimal(m.hours_per_week) * req.days / 7).quantize(CENT)
            if req.hours > expected * HOURS_TOLERANCE:
                warnings.append(
                    f"Claims {num(req.hours)} h for {req.days} days; the agreed "
                    f"{m.hours_per_week} h a week makes about {num(expected)} h.")
        else:
            warnings.append("No hours per week were agreed (the first-call terms are not "
                            "recorded): nothing to compare the claim with.")
    elif req.hours > meeting_hours * 3 + 2:
        warnings.append(
            f"A mentor's claim of {num(req.hours)} h against {num(meeting_hours)} h of meetings "
            "logged in the period (more than three times, plus two hours of preparation).")
    if not meetings:
        warnings.append("No meeting was logged in this period.")
    usual = req.program.stipend_rate_for(req.payee_role)
    if req.rate != usual:
        warnings.append(f"The rate ({req.rate} {req.currency}) is not the program's "
                        f"({usual} {req.program.currency}).")
    return HoursCheck(meetings, meeting_hours, expected, warnings)


# --- Submit ----------------------------------------------------------------------------

def stipend_request_submit(*, payee, mentorship: Mentorship, period_start: date, period_end: date,
                           hours: Decimal, rate: Decimal, justification: str,
                           account: Account | None = None) -> StipendRequest:
    """A payee's request (with their bank details when they give them now), all or
    nothing. Raises ValidationError naming the field at fault."""
    with transaction.atomic():
        # One request at a time per mentorship, so that two overlapping requests sent
        # at the same moment cannot both pass the overlap check.
        m = (Mentorship.objects.select_for_update(of=("self",))
             .select_related("program", "mentor__user", "mentee__user").get(pk=mentorship.pk))
        role = role_of(payee, m)
        if role is None:
            raise PermissionDenied("Only the mentor or the mentee of a mentorship can "
                                   "request a stipend for it.")
        if refusal := hours_refused(m, payee):
            raise ValidationError(refusal, code="grants")
        if not can_request(m):
            raise ValidationError(
                f"This mentorship is {m.get_status_display().lower()}: stipends can be "
                "requested once it has started.", code="status")
        problems = stipend_request_problems(
            mentorship=m, payee=payee, period_start=period_start, period_end=period_end,
            hours=hours, rate=rate)
        if problems:
            raise ValidationError(problems)
        bank_details_ready(payee=payee, account=account)
        req = StipendRequest(
            program=m.program, mentorship=m, payee=payee, payee_role=role,
            period_start=period_start, period_end=period_end, hours=hours, rate=rate,
            amount=amount_for(hours, rate), currency=m.program.currency,
            justification=justification.strip(),
        )
        req._history_user = payee
        req._change_reason = "Submitted"
        req.save()
    return req


def stipend_request_problems(*, mentorship: Mentorship, payee, period_start: date,
                             period_end: date, hours: Decimal,
                             rate: Decimal) -> dict[str, list[ValidationError]]:
    """Everything wrong with a request's period, hours and rate, by field, all at once
    (empty when nothing is): the rules the form shows at its fields before anything is
    saved, and ``submit`` holds again under the mentorship's lock."""
    problems: dict[str, list[ValidationError]] = {}

    def refuse(field: str, message: str, code: str) -> None:
        problems.setdefault(field, []).append(ValidationError(message, code=code))

    start, end = period_start, period_end
    if end < start:
        refuse("period_end", "The end of the period must be on or after its start.", "order")
    else:
        first, last = window(mentorship)
        if start < first:
            refuse("period_start", f"The mentorship started on {_day(first)}: the period "
                                   "can't begin before that.", "outside")
        if end > last:
            refuse("period_end", f"The period can end on {_day(last)} at the latest "
                   + ("(the day the mentorship ended)."
                      if mentorship.ended_on and mentorship.ended_on <= last
                      else "(today): request the time already worked."), "outside")
        if "period_start" not in problems and "period_end" not in problems:
            clash = (StipendRequest.objects.live().hourly()
                     .filter(mentorship=mentorship, payee=payee)
                     .overlapping(start, end).order_by("period_start").first())
            if clash is not None:
                refuse("period_start", f"You already have a request for "
                       f"{clash.period_label} ({clash.get_status_display().lower()}): "
                       "periods can't overlap. Start the day after it ends.", "overlap")
    days = max((end - start).days + 1, 1)
    most = days * MAX_HOURS_PER_DAY
    if hours <= 0:
        refuse("hours", "Enter the hours you worked: more than 0.", "hours")
    elif end >= start and hours > most:
        refuse("hours", f"{period_label(start, end)} is {days} day{'s' if days != 1 else ''}: "
               f"that holds at most {most} hours ({MAX_HOURS_PER_DAY} a day). Check the "
               "hours or the dates.", "hours")
    if rate <= 0:
        refuse("rate", "The rate must be more than 0.", "rate")
    elif rate > MAX_RATE:
        refuse("rate", f"The rate can be at most {num(MAX_RATE)} an hour.", "rate")
    return problems


# --- Moves -----------------------------------------------------------------------------

def _locked(pk: int) -> StipendRequest:
    return (StipendRequest.objects.select_for_update(of=("self",))
            .select_related("program", "payee", "mentorship").get(pk=pk))


def _move(row: StipendRequest, *, to: str, by, reason: str, **changes) -> StipendRequest:
    """The conditional UPDATE of one move, its history record and the fresh row."""
    updated = StipendRequest.objects.filter(pk=row.pk, status=row.status).update(
        status=to, **changes)
    if updated != 1:  # cannot happen under the lock; refuse rather than guess
        raise ValidationError("This request changed meanwhile: reload and try again.",
                              code="conflict")
    row.refresh_from_db()
    StipendRequest.history.bulk_history_create([row], update=True, default_user=by,
                                               default_change_reason=reason)
    return row


def _refuse_status(row: StipendRequest, action: str, allowed: str) -> None:
    if row.status == StipendStatus.PAID:
        raise ValidationError(
            f"Request {row.pk} was paid on {_day(row.paid_on)} (reference "
            f"{row.payment_reference}): it can't be {action}.", code="paid")
    raise ValidationError(
        f"Request {row.pk} is {row.get_status_display().lower()}: only {allowed} request "
        f"can be {action}.", code="status")


def stipend_request_approve(*, stipend_request: StipendRequest, by,
                            override_reason: str = "") -> StipendRequest:
    """Approve within the program's budget; past it only with an organizer's reason."""
    if not permissions.can_decide(by):
        raise PermissionDenied("Only organizers and payments officers approve stipends.")
    override_reason = (override_reason or "").strip()
    with transaction.atomic():
        # The budget's row is the lock that serialises approvals of one program.
        budget, _ = StipendBudget.objects.select_for_update().get_or_create(
            program_id=stipend_request.program_id)
        row = _locked(stipend_request.pk)
        if row.status != StipendStatus.SUBMITTED:
            _refuse_status(row, "approved", "a submitted")
        totals = budget_totals(row.program)
        after = totals["used"] + row.amount
        over = after > budget.amount
        changes = {"decided_at": timezone.now(), "decided_by": by}
        if over:
            if not override_reason:
                raise ValidationError(
                    f"Approving request {row.pk} ({row.amount} {row.currency}) would take "
                    f"{row.program} to {after} of its {budget.amount} {row.currency} "
                    "budget. An organizer can approve it anyway with a reason.",
                    code="over_budget")
            if not permissions.can_override_budget(by):
                raise ValidationError("Only an organizer can approve past the budget.",
                                      code="override_forbidden")
            changes.update(budget_override_reason=override_reason, budget_override_by=by)
        reason = "Approved past the budget: " + override_reason if over else "Approved"
        row = _move(row, to=StipendStatus.APPROVED, by=by, reason=reason[:100], **changes)
    return row


def stipend_request_reject(*, stipend_request: StipendRequest, by,
                           reason: str) -> StipendRequest:
    if not permissions.can_decide(by):
        raise PermissionDenied("Only organizers and payments officers reject stipends.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why, in a sentence: the payee reads it."},
                              code="reason")
    with transaction.atomic():
        row = _locked(stipend_request.pk)
        if row.status != StipendStatus.SUBMITTED:
            _refuse_status(row, "rejected", "a submitted")
        row = _move(row, to=StipendStatus.REJECTED, by=by, reason="Rejected",
                    decided_at=timezone.now(), decided_by=by, rejection_reason=reason)
        notifications.rejected(row)
    return row


def stipend_request_mark_paid(*, stipend_request: StipendRequest, by, paid_on: date,
                              reference: str) -> StipendRequest:
    """Record the payment of an approved request, once."""
    if not permissions.can_pay(by):
        raise PermissionDenied("Only payments officers mark stipends paid.")
    reference = " ".join((reference or "").split())
    if not reference:
        raise ValidationError({"reference": "Enter the payment reference from the bank."},
                              code="reference")
    if len(reference) > 140:
        raise ValidationError({"reference": "A payment reference has at most 140 "
                                            "characters."}, code="reference")
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": "The payment date can't be in the future."},
                              code="paid_on")
    with transaction.atomic():
        row = _locked(stipend_request.pk)
        if row.status != StipendStatus.APPROVED:
            _refuse_status(row, "paid", "an approved")
        approved_on = timezone.localdate(row.decided_at)
        if paid_on < approved_on:
            raise ValidationError(
                {"paid_on": f"Request {row.pk} was approved on {_day(approved_on)}: it "
                            "can't have been paid before."}, code="paid_on")
        masked = (BankDetails.objects.filter(user_id=row.payee_id)
                  .values_list("masked", flat=True).first() or "")
        row = _move(row, to=StipendStatus.PAID, by=by, reason="Paid", paid_on=paid_on,
                    payment_reference=reference, paid_at=timezone.now(), paid_by=by,
                    paid_to=masked)
        notifications.paid(row)
    return row
