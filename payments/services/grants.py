"""Phase grants: a cohort phase's fixed stipend (MATS), requested by its scholar.

A grant request is a ``StipendRequest`` with its phase set, no hours nor rate, the phase's
grant as its amount and the phase's days (within the mentorship's) as its period. From
there it is any stipend request: approved or rejected within the program's budget,
exported in a payout batch and marked paid by ``payments.services.stipends`` and
``payouts``, which read only the amount.

A scholar may request a phase's grant once the phase has begun, if their mentorship was
running in it (started by its end, not ended before its start), and, for a phase that
admits by application (``Phase.places``), once accepted into it. One live request per
mentorship and phase: the database holds it (``stipend_one_grant_per_phase``); a rejected
one may be asked again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from matching.models import ExtensionApplication, ExtensionDecision, Mentorship, Phase

from ..banking import Account
from ..models import PayeeRole, StipendRequest
from .stipends import REQUESTABLE, bank_details_ready, role_of


def grant_phases(program_id: int):
    """The program's phases that carry a grant, in order."""
    return Phase.objects.filter(program_id=program_id, grant__isnull=False).order_by(
        "starts_on", "position", "pk")


_LOOK_UP = object()


def grant_refusal(*, mentorship: Mentorship, phase: Phase, today: date | None = None,
                  accepted: bool | None = None, requested=_LOOK_UP) -> str:
    """Why the scholar of `mentorship` can't request `phase`'s grant now ("" when they
    can). `accepted` (into a phase that admits by application) and `requested` (their
    live request for it, or None) are looked up unless the caller passes them."""
    today = today or timezone.localdate()
    if phase.program_id != mentorship.program_id:
        return "This phase belongs to another program."
    if phase.grant is None:
        return f"{phase.name} carries no grant."
    if requested is _LOOK_UP:
        requested = (StipendRequest.objects.live()
                     .filter(mentorship=mentorship, phase=phase).first())
    if requested is not None:
        return (f"You requested your {phase.name} grant already (request {requested.pk}, "
                f"{requested.get_status_display().lower()}).")
    if mentorship.status not in REQUESTABLE:
        return (f"This mentorship is {mentorship.get_status_display().lower()}: grants can "
                "be requested once it has started.")
    if today < phase.starts_on:
        return (f"{phase.name} begins on {date_format(phase.starts_on)}: request its grant "
                "from then.")
    if today < mentorship.start_date:
        return (f"Your mentorship starts on {date_format(mentorship.start_date)}: request "
                f"the {phase.name} grant from then.")
    if mentorship.start_date > phase.ends_on:
        return f"Your mentorship began after {phase.name} ended: its grant isn't yours."
    if mentorship.ended_on and mentorship.ended_on < phase.starts_on:
        return f"Your mentorship ended before {phase.name} began: its grant isn't yours."
    if phase.places is not None:
        if accepted is None:
            accepted = ExtensionApplication.objects.filter(
                phase=phase, mentorship=mentorship,
                decision=ExtensionDecision.ACCEPTED).exists()
        if not accepted:
            return (f"{phase.name} admits by application: its grant is for the scholars "
                    "accepted into it.")
    return ""


@dataclass(frozen=True)
class GrantRow:
    """One grant phase as its scholar sees it: their request for it, or whether they may
    ask now (``refusal`` says why not)."""

    phase: Phase
    request: StipendRequest | None
    refusal: str

    @property
    def can_request(self) -> bool:
        return not self.refusal


def grant_rows(mentorships, *, phases=None) -> dict[int, list[GrantRow]]:
    """Each mentorship's grant phases with their scholar's request (the newest, a
    rejected one included) or refusal: three queries for any number of mentorships.
    `phases` are the grant phases of their programs, when the caller has them."""
    mentorships = list(mentorships)
    if not mentorships:
        return {}
    if phases is None:
        phases = list(Phase.objects.filter(
            program_id__in={m.program_id for m in mentorships}, grant__isnull=False)
            .order_by("starts_on", "position", "pk"))
    requests: dict[tuple[int, int], StipendRequest] = {}
    for req in (StipendRequest.objects.grants()
                .filter(mentorship__in=mentorships, payee_role=PayeeRole.MENTEE)
                .select_related("phase").order_by("pk")):
        newest = requests.get((req.mentorship_id, req.phase_id))
        if newest is None or newest.status == "rejected":  # a live one wins
            requests[(req.mentorship_id, req.phase_id)] = req
    accepted = set(ExtensionApplication.objects.filter(
        mentorship__in=mentorships, decision=ExtensionDecision.ACCEPTED,
        phase__in=[p for p in phases if p.places is not None],
    ).values_list("mentorship_id", "phase_id")) if any(
        p.places is not None for p in phases) else set()
    today = timezone.localdate()
    rows: dict[int, list[GrantRow]] = {}
    for m in mentorships:
        for phase in phases:
            if phase.program_id != m.program_id:
                continue
            req = requests.get((m.pk, phase.pk))
            live = req if req is not None and req.status != "rejected" else None
            refusal = grant_refusal(mentorship=m, phase=phase, today=today,
                                    accepted=(m.pk, phase.pk) in accepted, requested=live)
            rows.setdefault(m.pk, []).append(GrantRow(phase, req, refusal))
    return rows


def grant_period(mentorship: Mentorship, phase: Phase) -> tuple[date, date]:
    """The days a grant covers: the phase's, within the mentorship's."""
    start = max(phase.starts_on, mentorship.start_date)
    end = min(phase.ends_on, mentorship.ended_on or phase.ends_on)
    return start, max(start, end)


def stipend_grant_request_submit(*, payee, mentorship: Mentorship, phase: Phase,
                                 account: Account | None = None) -> StipendRequest:
    """The scholar's request of a phase's grant (with their bank details when they give
    them now), all or nothing. Raises PermissionDenied for anyone but the mentorship's
    mentee, ValidationError (in words) when the grant can't be requested."""
    with transaction.atomic():
        # The mentorship's row lock serialises a scholar's requests: two sent at the same
        # moment can't both pass the check (the unique constraint would refuse the second).
        m = (Mentorship.objects.select_for_update(of=("self",))
             .select_related("program", "mentee__user").get(pk=mentorship.pk))
        if role_of(payee, m) != PayeeRole.MENTEE:
            raise PermissionDenied("Only the scholar of a mentorship requests its grants.")
        phase = Phase.objects.get(pk=phase.pk)  # the grant as it is now
        if refusal := grant_refusal(mentorship=m, phase=phase):
            raise ValidationError(refusal, code="grant")
        bank_details_ready(payee=payee, account=account)
        start, end = grant_period(m, phase)
        req = StipendRequest(
            program=m.program, mentorship=m, payee=payee, payee_role=PayeeRole.MENTEE,
            phase=phase, period_start=start, period_end=end, hours=None, rate=None,
            amount=phase.grant, currency=m.program.currency, justification="")
        req._history_user = payee
        req._change_reason = f"Requested the {phase.name} grant"[:100]
        req.save()
    return req
