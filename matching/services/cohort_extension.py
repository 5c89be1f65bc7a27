"""Applying to a phase that admits by application (MATS's Extension, ``Phase.places``).

- ``extension_apply``: the scholar's short form and outside funding, until the phase
  starts (saving again corrects it while no decision is taken).
- ``extension_endorse``: the scholar's mentor endorses or not, with a note that only
  organizers read.
- ``extension_decide``: organizers accept or decline, never past the places they set
  (checked under a lock on the phase, so two organizers can't both take the last place).
- ``extension_rows``: each application beside its endorsement, the scholar's milestone
  averages and funding, for the organizers' side-by-side page.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone
from django.utils.formats import date_format

from matching.models import (
    RUNNING_STATUSES,
    Endorsement,
    ExtensionApplication,
    ExtensionDecision,
    Funding,
    Grading,
    Mentorship,
    Milestone,
    Phase,
)
from matching.models.cohort_extension import NOTE_MAX, PLAN_MAX
from matching.scoping import organizes


def open_phase(program, today: date | None = None) -> Phase | None:
    """The next phase of the program that admits by application and hasn't started."""
    return (Phase.objects.filter(program=program, places__isnull=False,
                                 starts_on__gt=today or timezone.localdate())
            .order_by("starts_on", "pk").first())


def accepted_count(phase: Phase) -> int:
    return phase.applications.filter(decision=ExtensionDecision.ACCEPTED).count()


@transaction.atomic
def extension_apply(*, phase: Phase, mentorship: Mentorship, by, plan: str, funding: str,
                    funder: str = "", today: date | None = None) -> ExtensionApplication:
    """The scholar applies (or corrects their application). PermissionDenied for anyone
    but the scholar; ValidationError in words for a phase that takes no applications or
    has started, a mentorship that has ended, or a form missing its parts."""
    today = today or timezone.localdate()
    if mentorship.mentee is None or mentorship.mentee.user_id != getattr(by, "pk", None):
        raise PermissionDenied("Only the scholar applies.")
    if phase.program_id != mentorship.program_id or phase.places is None:
        raise ValidationError(f"{phase.name} takes no applications.")
    if today >= phase.starts_on:
        raise ValidationError(f"{phase.name} started on {date_format(phase.starts_on)}: "
                              "applications are closed.")
    if mentorship.status not in RUNNING_STATUSES:
        raise ValidationError("Your mentorship has ended: you can't apply to continue.")
    plan, funder = (plan or "").strip(), (funder or "").strip()
    errors = {}
    if not plan:
        errors["plan"] = "Say in a few sentences what you'd do."
    elif len(plan) > PLAN_MAX:
        errors["plan"] = f"At most {PLAN_MAX} characters, please ({len(plan)} now)."
    if funding not in Funding.values:
        errors["funding"] = "Choose where your outside funding stands."
    elif funding in (Funding.APPLIED, Funding.SECURED, Funding.REFUSED) and not funder:
        errors["funder"] = "Say which funder (LTFF, Open Philanthropy, …)."
    if errors:
        raise ValidationError(errors)
    application = (ExtensionApplication.objects.select_for_update()
                   .filter(phase=phase, mentorship=mentorship).first()
                   or ExtensionApplication(phase=phase, mentorship=mentorship))
    if application.decision != ExtensionDecision.PENDING:
        raise ValidationError("Your application is decided: it can't change now.")
    application.plan, application.funding, application.funder = plan, funding, funder
    application._history_user = by
    application.save()
    return application


@transaction.atomic
def extension_endorse(*, application: ExtensionApplication, by, endorsement: str,
                      note: str = "") -> ExtensionApplication:
    """The scholar's mentor endorses (or not); organizers read it, the scholar doesn't."""
    application = (ExtensionApplication.objects.select_for_update(of=("self",))
                   .select_related("mentorship__mentor").get(pk=application.pk))
    if application.mentorship.mentor.user_id != getattr(by, "pk", None):
        raise PermissionDenied("Only the scholar's mentor endorses them.")
    note = (note or "").strip()
    errors = {}
    if endorsement not in Endorsement.values:
        errors["endorsement"] = "Choose whether you endorse them."
    if not note:
        errors["note"] = "Say why, in a sentence or two: the organizers decide with it."
    elif len(note) > NOTE_MAX:
        errors["note"] = f"At most {NOTE_MAX} characters, please."
    if errors:
        raise ValidationError(errors)
    application.endorsement, application.endorsement_note = endorsement, note
    application.endorsed_at = timezone.now()
    application._history_user = by
    application.save(update_fields=["endorsement", "endorsement_note", "endorsed_at"])
    return application


@transaction.atomic
def extension_decide(*, application: ExtensionApplication, by,
                     decision: str) -> ExtensionApplication:
    """Organizers accept, decline, or set back to pending; an acceptance never takes
    the phase past its places."""
    if not organizes(by, application.phase.program_id):
        raise PermissionDenied("Only the program's organizers decide applications.")
    if decision not in ExtensionDecision.values:
        raise ValidationError("Choose accept or decline.")
    phase = Phase.objects.select_for_update().get(pk=application.phase_id)
    application = ExtensionApplication.objects.select_for_update().get(pk=application.pk)
    if (decision == ExtensionDecision.ACCEPTED
            and application.decision != ExtensionDecision.ACCEPTED
            and accepted_count(phase) >= (phase.places or 0)):
        raise ValidationError(f"All {phase.places} places of {phase.name} are taken: raise "
                              "the number of places in admin, or decline someone first.")
    application.decision, application.decided_by = decision, by
    application.decided_at = timezone.now()
    application._history_user = by
    application.save(update_fields=["decision", "decided_by", "decided_at"])
    return application


@dataclass(frozen=True)
class ExtensionRow:
    application: ExtensionApplication
    grades: list  # (milestone name, average total or None, max points)


def extension_rows(phase: Phase) -> list[ExtensionRow]:
    """Every application to `phase` with the scholar's milestone averages."""
    applications = list(phase.applications.select_related(
        "mentorship__mentor__user", "mentorship__mentee__user", "decided_by")
        .order_by("mentorship__mentee__user__name", "pk"))
    milestones = list(Milestone.objects.filter(phase__program_id=phase.program_id)
                      .prefetch_related("sections").order_by("due_at", "pk"))
    averages = {
        (row["submission__mentorship_id"], row["submission__milestone_id"]): row["avg"]
        for row in Grading.objects.filter(
            submission__mentorship__in=[a.mentorship_id for a in applications])
        .values("submission__mentorship_id", "submission__milestone_id")
        .annotate(avg=Avg("total"))}
    return [ExtensionRow(a, [(m.name, averages.get((a.mentorship_id, m.pk)),
                              sum(s.max_points for s in m.sections.all()))
                             for m in milestones])
            for a in applications]
