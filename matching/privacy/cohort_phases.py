"""The phases part of a person's data export and erasure (``matching.privacy``).

Exported: a scholar's milestone submissions, the grades and comments on them once the
deadline has passed (as the scholar's page shows them), the filter's outcome for them and
their extension applications with the decision; what a person wrote as a mentor (filter
reasons, endorsements) or as a grader (comments). Not a mentor's reason or endorsement
about the scholar: those are for organizers, as an early end's notes are.

Erased: the scholar's submissions (link, file, note), their extension plan and funder,
and the texts others wrote about them (filter reasons, endorsements, graders' comments);
the texts the person wrote about others. Points, outcomes and decisions stay, anonymous.
"""

from __future__ import annotations

from django.db.models import Q

from mm_program.models import User
from mm_program.privacy.hooks import when
from mm_program.privacy.scrub import clear

from ..models import ExtensionApplication, FilterDecision, SectionGrade, Submission
from ..models.cohort_milestones import ERASED


def export_section(user: User) -> dict:
    submissions = (Submission.objects.filter(mentorship__mentee__user=user)
                   .select_related("milestone__phase__program")
                   .prefetch_related("gradings__grades__section").order_by("pk"))
    mine = Q(mentorship__mentee__user=user)
    return {
        "your_milestone_submissions": [
            {"program": s.milestone.phase.program.name, "milestone": s.milestone.name,
             "link": s.url, "file": s.file.name.rsplit("/", 1)[-1] if s.file else "",
             "note": s.note, "submitted_at": when(s.submitted_at),
             "grades": [{"total": g.total, "sections": [
                 {"section": x.section.name, "points": x.points, "comment": x.comment}
                 for x in g.grades.all()]} for g in s.gradings.all()]
             if s.milestone.grades_released() else []}
            for s in submissions],
        "filter_outcomes_for_you": [
            {"phase": d.phase.name, "outcome": d.get_outcome_display()}
            for d in FilterDecision.objects.filter(mine).select_related("phase")],
        "your_extension_applications": [
            {"phase": a.phase.name, "plan": a.plan, "funding": a.get_funding_display(),
             "funder": a.funder, "decision": a.get_decision_display()}
            for a in ExtensionApplication.objects.filter(mine).select_related("phase")],
        "filter_reasons_you_wrote": [
            {"phase": d.phase.name, "outcome": d.get_outcome_display(), "reason": d.reason}
            for d in FilterDecision.objects.filter(decided_by=user).select_related("phase")],
        "endorsements_you_wrote": [
            {"phase": a.phase.name, "endorsement": a.get_endorsement_display(),
             "note": a.endorsement_note}
            for a in ExtensionApplication.objects.filter(
                mentorship__mentor__user=user).exclude(endorsement="").select_related(
                "phase")],
        "grades_you_gave": [
            {"section": x.section.name, "points": x.points, "comment": x.comment}
            for x in SectionGrade.objects.filter(grading__grader=user)
            .select_related("section")],
    }


def erase(user: User) -> int:
    """Returns how many of the scholar's submissions were cleared."""
    for submission in Submission.objects.filter(mentorship__mentee__user=user).exclude(file=""):
        submission.file.delete(save=False)
    count = clear(Submission, Q(mentorship__mentee__user=user), url="", file="",
                  note=ERASED)
    clear(ExtensionApplication, Q(mentorship__mentee__user=user), plan="(erased)",
          funder="", endorsement_note="")
    clear(FilterDecision, Q(mentorship__mentee__user=user) | Q(decided_by=user),
          reason="(erased)")
    clear(ExtensionApplication, Q(mentorship__mentor__user=user), endorsement_note="")
    clear(SectionGrade, Q(grading__submission__mentorship__mentee__user=user)
          | Q(grading__grader=user), comment="")
    return count
