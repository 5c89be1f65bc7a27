"""The organizers' pages of a cohort program: the overview of its steps, and the slot
allocation (mentors sorted by what one more slot would buy, with the organizers' own
numbers). Matching runs, offers and the extension decisions have modules of their own."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from matching.models import MenteeApplication, MentorChoice
from matching.services import cohort_slots as slots
from matching.services.cohort_reviews import shown_rating
from mm_program.roles import is_organizer

from .cohort_selection import cohort_program


def organizers_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_organizer(request.user):
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
