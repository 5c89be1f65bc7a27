"""Phases of a cohort program: the mentor's filter page (continue or stop for each of
their scholars before the phase ends) and the organizers' phases page (the dates, who is
in which phase, who is still undecided at each filter, and the milestones' progress).

The rules are ``matching.services.cohort_phases``'; a refused decision is shown again with
what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from matching.forms.cohort_phases import FilterForm
from matching.forms.common import add_service_errors
from matching.models import FilterOutcome, Mentor, Phase
from matching.services import cohort_phases as phases
from matching.services.cohort_milestones import milestone_progress
from mm_program.query_ids import query_id

from .cohort_organizer import organizers_only
from .cohort_selection import cohort_program


@login_required
@require_http_methods(["GET", "POST"])
def mentor_filter(request, slug: str):
    """The mentor's scholars at the next filter, each with their decision or a form."""
    program = cohort_program(slug)
    mentor = Mentor.objects.filter(program=program, user=request.user).first()
    if mentor is None:
        raise Http404("You aren't a mentor of this program.")
    today = timezone.localdate()
    phase = phases.next_filter(program, today)
    bound, status = None, 200
    if request.method == "POST" and phase is not None:
        rows = {r.mentorship.pk: r for r in phases.filter_rows(phase, mentor=mentor)}
        row = rows.get(query_id(request.POST.get("mentorship", "")) or 0)
        if row is None:
            raise Http404("Not one of your scholars.")
        bound = (row.mentorship.pk, FilterForm(request.POST, prefix=f"m{row.mentorship.pk}"))
        form = bound[1]
        if form.is_valid():
            try:
                decision = phases.filter_record(
                    phase=phase, mentorship=row.mentorship, by=request.user,
                    outcome=form.cleaned_data["outcome"], reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                scholar = row.mentorship.mentee.user
                messages.success(request, (
                    f"{scholar} continues after {phase.name}."
                    if decision.outcome == FilterOutcome.CONTINUE else
                    f"You stopped {scholar} at {phase.name}: the mentorship has ended, and "
                    "the end-of-mentorship surveys go out."))
                return redirect("cohort_filter", slug=slug)
        status = 400
    rows = []
    if phase is not None:
        for row in phases.filter_rows(phase, mentor=mentor):
            if bound and bound[0] == row.mentorship.pk:
                form = bound[1]
            elif row.decision is None or row.decision.outcome == FilterOutcome.CONTINUE:
                form = FilterForm(prefix=f"m{row.mentorship.pk}", initial={
                    "outcome": row.decision.outcome if row.decision else None,
                    "reason": row.decision.reason if row.decision else ""})
            else:
                form = None  # stopped: final
            rows.append({"row": row, "form": form})
    return render(request, "matching/cohort/filter.html", {
        "program": program, "phase": phase, "rows": rows, "today": today,
        "current": phases.current_phase(program, today),
        "is_open": phase is not None and phase.starts_on <= today <= phase.ends_on,
        "refused": bound[1] if bound and bound[1].errors else None,
    }, status=status)


@require_http_methods(["GET"])
@organizers_only
def phases_page(request, slug: str):
    """Every phase of the program with its dates, the filter's decisions and who is still
    undecided (by mentor), and each milestone's submissions and gradings."""
    program = cohort_program(slug)
    today = timezone.localdate()
    sections = []
    for phase in Phase.objects.filter(program=program).prefetch_related("milestones"):
        section = {"phase": phase, "is_current": phase.is_current(today),
                   "milestones": [milestone_progress(m) for m in phase.milestones.all()]}
        if phase.ends_with_filter:
            rows = phases.filter_rows(phase)
            section["decided"] = [r for r in rows if r.decision is not None]
            section["undecided"] = [r for r in rows if r.decision is None]
            section["stopped"] = sum(1 for r in section["decided"]
                                     if r.decision.outcome == FilterOutcome.STOP)
        sections.append(section)
    return render(request, "matching/cohort/phases.html", {
        "program": program, "sections": sections, "today": today})
