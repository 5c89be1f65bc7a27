"""Reminder rules of a cohort's phases (registered with ``mm_program.reminders``):

- ``phase-filter``: a mentor with scholars still undecided at a filter, from the phase's
  ``remind_days`` before its last day; once per phase and mentor.
- ``milestone-missing``: a scholar who owes a milestone and hasn't submitted, from its
  ``remind_days`` before the due moment; once per milestone and scholar.
"""

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from mm_program.emails import absolute_url
from mm_program.reminders import Due, rule

from .models import Milestone, Phase
from .services.cohort_milestones import missing
from .services.cohort_phases import undecided


@rule("phase-filter", "reminders to decide who continues after a phase")
def filter_reminders(today: date):
    phases = (Phase.objects.filter(ends_with_filter=True, starts_on__lte=today,
                                   ends_on__gte=today).select_related("program"))
    for phase in phases:
        if (phase.ends_on - today).days > phase.remind_days:
            continue
        by_mentor: dict = {}
        for m in undecided(phase):
            by_mentor.setdefault(m.mentor, []).append(str(m.mentee.user))
        for mentor, names in by_mentor.items():
            yield Due(
                kind="phase-filter", occasion=f"phase-filter/phase:{phase.pk}/mentor:{mentor.pk}",
                user=mentor.user, template="reminder-phase-filter",
                context={"name": str(mentor.user), "program": phase.program, "phase": phase,
                         "scholars": sorted(names),
                         "filter_url": absolute_url(reverse("cohort_filter",
                                                            args=[phase.program.slug]))},
                program=phase.program, about=phase,
                link=reverse("cohort_phases", args=[phase.program.slug]))


@rule("milestone-missing", "reminders to submit a milestone")
def milestone_reminders(today: date):
    milestones = (Milestone.objects.filter(due_at__date__gte=today,
                                           due_at__date__lte=today + timedelta(days=60))
                  .select_related("phase__program"))
    for milestone in milestones:
        if (timezone.localdate(milestone.due_at) - today).days > milestone.remind_days:
            continue
        program = milestone.phase.program
        for m in missing(milestone).select_related("mentee__user"):
            yield Due(
                kind="milestone-missing",
                occasion=f"milestone-missing/milestone:{milestone.pk}/mentorship:{m.pk}",
                user=m.mentee.user, template="reminder-milestone",
                context={"name": str(m.mentee.user), "program": program,
                         "milestone": milestone,
                         "milestones_url": absolute_url(reverse("cohort_milestones",
                                                                args=[program.slug]))},
                program=program, about=milestone,
                link=reverse("cohort_phases", args=[program.slug]))
