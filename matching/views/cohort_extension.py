"""Applications to a phase that admits by application (MATS's Extension): the scholar's
form, the mentor's endorsements, and the organizers' side-by-side decision page (the
endorsement, the milestone grades and the funding of each applicant, and the places).

The rules are ``matching.services.cohort_extension``'s; a refusal keeps what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from matching.forms.cohort_phases import EndorseForm, ExtensionForm
from matching.forms.common import add_service_errors
from matching.models import ExtensionApplication, ExtensionDecision, Phase
from matching.services import cohort_extension as extension
from mm_program.query_ids import query_id

from .cohort_milestones import _scholar_mentorship
from .cohort_organizer import organizers_only
from .cohort_selection import cohort_program


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, slug: str):
    """The scholar's application: the form until the phase starts, then its decision.
    The mentor's endorsement is never shown here."""
    program = cohort_program(slug)
    mentorship = _scholar_mentorship(program, request.user)
    phase = extension.open_phase(program)
    mine = (ExtensionApplication.objects.filter(mentorship=mentorship)
            .select_related("phase").order_by("-phase__starts_on").first())
    form, status = None, 200
    if phase is not None and (mine is None or (mine.phase_id == phase.pk
                                               and mine.decision == ExtensionDecision.PENDING)):
        initial = ({"plan": mine.plan, "funding": mine.funding, "funder": mine.funder}
                   if mine else {})
        form = ExtensionForm(request.POST or None, initial=initial)
        if request.method == "POST":
            if form.is_valid():
                try:
                    extension.extension_apply(phase=phase, mentorship=mentorship,
                                              by=request.user, **form.cleaned_data)
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, f"Your application to {phase.name} is in. "
                                              "Your mentor is asked to endorse it.")
                    return redirect("cohort_extension", slug=slug)
            status = 400
    elif request.method == "POST":
        raise Http404("No phase takes your application now.")
    return render(request, "matching/cohort/extension_apply.html", {
        "program": program, "phase": phase, "mine": mine, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def endorse(request, slug: str):
    """The mentor's scholars who applied, each with an endorsement form."""
    program = cohort_program(slug)
    applications = list(ExtensionApplication.objects.filter(
        phase__program=program, mentorship__mentor__user=request.user)
        .select_related("phase", "mentorship__mentee__user").order_by("pk"))
    if not applications and not program.mentors.filter(user=request.user).exists():
        raise Http404("You aren't a mentor of this program.")
    bound, status = None, 200
    if request.method == "POST":
        chosen = next((a for a in applications
                       if a.pk == query_id(request.POST.get("application", ""))), None)
        if chosen is None:
            raise Http404("Not one of your scholars' applications.")
        form = EndorseForm(request.POST, prefix=f"a{chosen.pk}")
        bound = (chosen.pk, form)
        if form.is_valid():
            try:
                extension.extension_endorse(application=chosen, by=request.user,
                                            **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"Your endorsement of {chosen.mentorship.mentee.user}"
                                          " is saved.")
                return redirect("cohort_endorse", slug=slug)
        status = 400
    rows = [{"application": a, "form": bound[1] if bound and bound[0] == a.pk else
             EndorseForm(prefix=f"a{a.pk}", initial={"endorsement": a.endorsement,
                                                     "note": a.endorsement_note})}
            for a in applications]
    return render(request, "matching/cohort/extension_endorse.html", {
        "program": program, "rows": rows,
        "refused": bound[1] if bound and bound[1].errors else None}, status=status)


@require_http_methods(["GET", "POST"])
@organizers_only
def decide(request, slug: str, pk: int):
    """Applications to one phase side by side, with the places taken; POST decides one."""
    program = cohort_program(slug)
    phase = get_object_or_404(Phase, program=program, pk=pk, places__isnull=False)
    error, status = "", 200
    if request.method == "POST":
        application = get_object_or_404(
            ExtensionApplication, phase=phase,
            pk=query_id(request.POST.get("application", "")) or 0)
        try:
            extension.extension_decide(application=application, by=request.user,
                                       decision=request.POST.get("decision", ""))
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
        else:
            return redirect("cohort_extension_decide", slug=slug, pk=pk)
    return render(request, "matching/cohort/extension_decide.html", {
        "program": program, "phase": phase, "rows": extension.extension_rows(phase),
        "accepted": extension.accepted_count(phase), "error": error,
        "decisions": ExtensionDecision}, status=status)
