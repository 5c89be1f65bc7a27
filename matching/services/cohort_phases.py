"""Phases of a program and the filter at the end of one.

- ``current_phase`` is the phase of a program whose dates hold a day: a mentorship is in
  its program's current phase (derived, never stored).
- ``filter_due`` is who a phase's filter asks about: the program's running mentorships
  that started by the phase's end; ``filter_rows`` pairs each with its decision (or none:
  undecided), for the mentor's page and the organizers'.
- ``filter_record`` is the mentor's continue/stop for one scholar, with a reason, until the
  phase's last day. Stop ends the mentorship through ``mentorship_end_early`` (the exit
  surveys and everything else an early end sets off follow), with the reason as its
  notes; it is final. A continue may be changed (to stop, or its reason) until the end.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from matching.models import (
    RUNNING_STATUSES,
    EndReason,
    FilterDecision,
    FilterOutcome,
    Mentorship,
    Phase,
    Program,
)
from matching.models.cohort_phases import REASON_MAX

from .mentorships import mentorship_end_early


def current_phase(program: Program, today: date | None = None) -> Phase | None:
    """The program's phase whose dates hold `today` (None between or outside phases)."""
    return Phase.objects.filter(program=program).current(today or timezone.localdate()).first()


def next_filter(program: Program, today: date | None = None) -> Phase | None:
    """The first phase ending with a filter that hasn't ended by `today`."""
    return (Phase.objects.filter(program=program, ends_with_filter=True,
                                 ends_on__gte=today or timezone.localdate())
            .order_by("ends_on", "pk").first())


def filter_due(phase: Phase):
    """The mentorships a phase's filter asks about: running ones of the program that had
    started by the phase's end (a stop ends one, so stopped scholars drop out of the
    list; their decision stays)."""
    return phase.mentorships().select_related("mentor__user", "mentee__user")


@dataclass(frozen=True)
class FilterRow:
    mentorship: Mentorship
    decision: FilterDecision | None


def filter_rows(phase: Phase, *, mentor=None) -> list[FilterRow]:
    """Each mentorship the filter asks about (one mentor's, or all) and those it already
    decided (a stop included), by mentor then scholar: two queries."""
    decisions = {d.mentorship_id: d for d in
                 FilterDecision.objects.filter(phase=phase).select_related("decided_by")}
    due = filter_due(phase)
    decided = (Mentorship.objects.filter(pk__in=list(decisions))
               .select_related("mentor__user", "mentee__user"))
    if mentor is not None:
        due, decided = due.filter(mentor=mentor), decided.filter(mentor=mentor)
    rows = {m.pk: m for m in list(due) + list(decided)}
    ordered = sorted(rows.values(), key=lambda m: (str(m.mentor.user), str(m.mentee.user),
                                                   m.pk))
    return [FilterRow(m, decisions.get(m.pk)) for m in ordered]


def undecided(phase: Phase):
    """Mentorships still waiting for the mentor's decision at this filter."""
    return filter_due(phase).exclude(filter_decisions__phase=phase)


def _open(phase: Phase, today: date) -> None:
    if not phase.ends_with_filter:
        raise ValidationError(f"{phase.name} doesn't end with a filter.")
    if today > phase.ends_on:
        raise ValidationError(f"{phase.name} ended on {date_format(phase.ends_on)}: its "
                              "filter is closed. Ask the organizers if something must "
                              "change.")
    if today < phase.starts_on:
        raise ValidationError(f"{phase.name} starts on {date_format(phase.starts_on)}: "
                              "decide during the phase.")


@transaction.atomic
def filter_record(*, phase: Phase, mentorship: Mentorship, outcome: str, reason: str,
                  by, today: date | None = None) -> FilterDecision:
    """The mentor records continue or stop for one of their scholars at the end of
    `phase`. Raises PermissionDenied for anyone but the mentorship's mentor, and
    ValidationError (in words) for a closed filter, a missing reason or outcome, or a
    scholar already stopped."""
    today = today or timezone.localdate()
    m = (Mentorship.objects.select_for_update(of=("self",))
         .select_related("mentor__user", "mentee__user", "program").get(pk=mentorship.pk))
    if m.mentor.user_id != getattr(by, "pk", None):
        raise PermissionDenied("Only the scholar's mentor records the filter.")
    if phase.program_id != m.program_id:
        raise ValidationError("This phase belongs to another program.")
    _open(phase, today)
    reason = (reason or "").strip()
    errors = {}
    if outcome not in FilterOutcome.values:
        errors["outcome"] = "Choose continue or stop."
    if not reason:
        errors["reason"] = "Say why, in a sentence or two: the organizers read it."
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"At most {REASON_MAX} characters, please ({len(reason)} now)."
    if errors:
        raise ValidationError(errors)
    decision = FilterDecision.objects.filter(phase=phase, mentorship=m).first()
    if decision is not None and decision.outcome == FilterOutcome.STOP:
        raise ValidationError(f"You stopped {m.mentee.user} at this filter already: the "
                              "mentorship has ended.")
    if m.status not in RUNNING_STATUSES:
        raise ValidationError(f"This mentorship is {m.get_status_display().lower()}: "
                              "there is nothing to decide.")
    if decision is None:
        decision = FilterDecision(phase=phase, mentorship=m)
    decision.outcome, decision.reason, decision.decided_by = outcome, reason, by
    decision._history_user = by
    decision.save()
    if outcome == FilterOutcome.STOP:
        mentorship_end_early(mentorship=m, reason=EndReason.FILTERED, by=by,
                             notes=f"{phase.name} filter: {reason}")
    return decision
