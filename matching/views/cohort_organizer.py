"""The organizers' pages of a cohort program: the overview of its steps, and the slot
allocation (mentors sorted by what one more slot would buy, with the organizers' own
numbers). Matching runs, offers and the extension decisions have modules of their own."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from matching.models import (
    Cohort,
    CohortPairRule,
    MenteeApplication,
    Mentor,
    MentorChoice,
    Program,
)
from matching.scoping import organizes
from matching.services import cohort_matching
from matching.services import cohort_slots as slots
from matching.services.cohort_reviews import shown_rating
from mm_program.roles import is_organizer

from .cohort_selection import cohort_program


def organizers_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        program = Program.objects.filter(slug=kwargs.get("slug", "")).first()
        if not is_organizer(request.user) or (
                program is not None and not organizes(request.user, program)):
            raise PermissionDenied("This page is for the program's organizers.")
        return view(request, *args, **kwargs)
    return wrapped


@require_http_methods(["GET"])
@organizers_only
def overview(request, slug: str):
    program = cohort_program(slug)
    applications = MenteeApplication.objects.filter(program=program).aggregate(
        total=Count("pk"),
        with_choices=Count("pk", filter=Q(pk__in=MentorChoice.objects.values(
            "application_id"))))
    return render(request, "matching/cohort/organizer_overview.html", {
        "program": program, "cohort": program.cohort, "applications": applications,
    })


@require_http_methods(["GET", "POST"])
@organizers_only
def allocation(request, slug: str):
    """Slots per mentor within the budget: the view sorts mentors by the rating of the
    next yes one more slot would take, suggests a greedy allocation, and saves the
    organizers' numbers (all or nothing)."""
    program = cohort_program(slug)
    cohort = program.cohort
    rows = slots.by_marginal_value(slots.mentor_slots(cohort))
    errors, typed, status = {}, {}, 200
    if request.method == "POST":
        use_suggestion = "suggestion" in request.POST
        allocation_asked, bad = {}, {}
        for row in rows:
            raw = (str(row.suggested) if use_suggestion
                   else request.POST.get(f"slots_{row.mentor.pk}", str(row.slots)).strip())
            typed[row.mentor.pk] = raw
            try:
                allocation_asked[row.mentor.pk] = int(raw)
            except ValueError:
                bad[f"slots_{row.mentor.pk}"] = f"“{raw[:10]}” isn't a number of slots."
        try:
            if bad:
                raise ValidationError(bad)
            slots.slots_set(cohort=cohort, allocation=allocation_asked, by=request.user)
        except ValidationError as exc:
            errors = exc.message_dict
            status = 400
        else:
            messages.success(request, "Slots saved: " + (
                "the suggestion is now the allocation." if use_suggestion
                else "the mentors see theirs on their page."))
            return redirect("cohort_allocation", slug=slug)
    total = sum(row.slots for row in rows)
    for row in rows:
        row.marginal = row.marginal_words(cohort.scale)
        row.next_shown = shown_rating(row.next_rating, cohort.scale)
        row.typed = typed.get(row.mentor.pk, row.slots)
        row.error = " ".join(errors.get(f"slots_{row.mentor.pk}", []))
    return render(request, "matching/cohort/allocation.html", {
        "program": program, "cohort": cohort, "rows": rows, "total": total,
        "suggested_total": sum(row.suggested for row in rows),
        "errors": errors.get("__all__", []), "has_errors": bool(errors),
    }, status=status)


class WeightsForm(forms.ModelForm):
    """The organizers' weights of the pair score (the model's constraint: none negative,
    one at least positive, is checked by the form too)."""

    class Meta:
        model = Cohort
        fields = ["weight_mentee_rank", "weight_mentor_rank", "weight_rating"]


@require_http_methods(["GET", "POST"])
@organizers_only
def matching(request, slug: str):
    """Both modes side by side on the cohort as it is now: the people each places, its
    total score and its blocking pairs; the weights, and the locks and forbids."""
    program = cohort_program(slug)
    cohort = program.cohort
    form = WeightsForm(request.POST or None, instance=cohort)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            form.instance._history_user = request.user
            form.save()
            messages.success(request, "Weights saved; both modes are run again below.")
            return redirect("cohort_matching", slug=slug)
        status = 400
        cohort = Cohort.objects.get(pk=cohort.pk)  # compare with the saved weights
    comparison = cohort_matching.cohort_compare(cohort=cohort)
    people = comparison.pairs.keys() | set(comparison.forbidden)
    names = dict(MenteeApplication.objects.filter(
        pk__in={a for a, _ in people}).values_list("pk", "name"))
    mentors = {m.pk: m for m in Mentor.objects.filter(program=program, is_active=True)
               .select_related("user").order_by("user__name", "pk")}
    rules = {(a, m): kind for a, m, kind in CohortPairRule.objects.filter(cohort=cohort)
             .values_list("application_id", "mentor_id", "kind")}
    optimal, stable = comparison.modes["optimal"], comparison.modes["stable"]
    by_mentor = []
    for mentor_id, mentor in mentors.items():
        rows = []
        for mode in (optimal, stable):
            placed = sorted((comparison.pairs[(a, m)] for a, m in mode.placed.items()
                             if m == mentor_id), key=lambda p: -p.score)
            rows.append([(pair, names.get(pair.application_id, "?"),
                          rules.get((pair.application_id, mentor_id), "")) for pair in placed])
        by_mentor.append((mentor, comparison.slots.get(mentor_id, 0), rows))
    return render(request, "matching/cohort/matching.html", {
        "program": program, "cohort": cohort, "form": form, "comparison": comparison,
        "modes": [optimal, stable], "by_mentor": by_mentor,
        "blocking": [(names.get(a, "?"), mentors[m].user if m in mentors else "?")
                     for a, m in optimal.blocking[:BLOCKING_SHOWN]],
        "blocking_more": max(0, len(optimal.blocking) - BLOCKING_SHOWN),
        "rules": [(a, m, kind, names.get(a, "?"), mentors[m].user) for (a, m), kind
                  in sorted(rules.items()) if m in mentors],
    }, status=status)


BLOCKING_SHOWN = 20


@require_POST
@organizers_only
def pair_rule(request, slug: str):
    """Lock, forbid or release one pair, then back to the comparison."""
    program = cohort_program(slug)
    application = get_object_or_404(MenteeApplication, program=program,
                                     pk=request.POST.get("application") or 0)
    mentor = get_object_or_404(Mentor, program=program, pk=request.POST.get("mentor") or 0)
    kind = request.POST.get("kind") or None
    try:
        cohort_matching.cohort_pair_rule_set(cohort=program.cohort, application=application,
                                             mentor=mentor, kind=kind, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, {
            "lock": f"{application.name} is locked to {mentor.user} in both modes.",
            "forbid": f"{application.name} and {mentor.user} are never placed together.",
        }.get(kind, f"The rule on {application.name} and {mentor.user} is removed."))
    return redirect("cohort_matching", slug=slug)
