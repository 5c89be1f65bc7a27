"""Offers in a cohort program: the organizers keep a mode's result as a run, approve it
(offers go out with an accept-by date), and send or dismiss the re-offers a decline or a
lapse proposes; the applicant answers their offer on their own page, signed in.

The rules are the service's (``matching.services.cohort_offers``); a refusal is shown
with what was typed kept."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from matching.forms.common import add_service_errors
from matching.models import (
    HELD_OFFER_STATUSES,
    MatchingRun,
    Mentor,
    Offer,
    OfferStatus,
)
from matching.services import cohort_offers as offers
from matching.services.cohort_matching import MODES
from matching.services.matching import StaleRun
from mm_program.query_ids import query_id

from .cohort_organizer import organizers_only
from .cohort_selection import cohort_program


class AcceptByForm(forms.Form):
    accept_by = forms.DateField(
        label="Accept by", required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The last day applicants can accept. Empty: the program's default.")

    def __init__(self, *args, cohort, **kwargs):
        super().__init__(*args, **kwargs)
        default = offers.accept_by_for(cohort)
        self.fields["accept_by"].initial = default
        self.fields["accept_by"].help_text = (
            f"The last day applicants can accept (empty: {default:%Y-%m-%d}, "
            f"{cohort.offer_days} days from today, the program's setting).")




# --------------------------------------------------------------------------- runs


@require_POST
@organizers_only
def run_store(request, slug: str):
    """Keep one mode's result of the comparison as a run to approve."""
    program = cohort_program(slug)
    try:
        run = offers.cohort_run_store(cohort=program.cohort, mode=request.POST.get("mode", ""),
                                      by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cohort_matching", slug=slug)
    messages.success(request, f"Kept as run {run.pk}: {run.matched_count} placed. Nothing "
                              "is sent until you approve it.")
    return redirect("cohort_run", slug=slug, pk=run.pk)


@require_http_methods(["GET", "POST"])
@organizers_only
def run_page(request, slug: str, pk: int):
    """A stored cohort run: its proposals by mentor, and approving it (offers go out)."""
    program = cohort_program(slug)
    cohort = program.cohort
    run = get_object_or_404(MatchingRun.objects.defer("inputs"), program=program, pk=pk,
                            mode__in=list(MODES))
    form = AcceptByForm(request.POST or None, cohort=cohort)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            sent = offers.cohort_run_approve(run=run, by=request.user,
                                             accept_by=form.cleaned_data["accept_by"])
        except StaleRun as exc:
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Approved: {len(sent)} offer{'s' if len(sent) != 1 else ''}"
                                      " sent, each applicant by email.")
            return redirect("cohort_offers", slug=slug)
    if request.method == "POST":
        status = 400
    proposals = list(run.proposals.select_related("application", "mentor__user")
                     .order_by("mentor__user__name", "-score", "pk"))
    return render(request, "matching/cohort/run.html", {
        "program": program, "cohort": cohort, "run": run, "form": form,
        "proposals": proposals, "mode_label": MODES[run.mode],
        "compared": MatchingRun.objects.filter(pk=run.pk).values_list(
            "inputs__compared", flat=True).get() or {},
        "can_approve": run.status == MatchingRun.Status.PROPOSED,
    }, status=status)


# --------------------------------------------------------------------------- offers


def _offer_rows(program):
    """Each active mentor with their slots, offers by status, and their offers (newest
    first): two queries."""
    mentors = list(
        Mentor.objects.filter(program=program, is_active=True).select_related("user",
                                                                               "listing")
        .annotate(**{f"n_{s}": Count("offers", filter=Q(offers__status=s))
                     for s in OfferStatus.values})
        .order_by("user__name", "pk"))
    by_mentor: dict[int, list] = {}
    for offer in (Offer.objects.filter(cohort__program=program)
                  .select_related("application").order_by("-proposed_at", "-pk")):
        by_mentor.setdefault(offer.mentor_id, []).append(offer)
    rows = []
    for mentor in mentors:
        slots = mentor.listing.slots if hasattr(mentor, "listing") else 0
        held = sum(getattr(mentor, f"n_{s}") for s in HELD_OFFER_STATUSES)
        rows.append({"mentor": mentor, "slots": slots, "free": slots - held,
                     "counts": {s: getattr(mentor, f"n_{s}") for s in OfferStatus.values},
                     "offers": by_mentor.get(mentor.pk, [])})
    return rows


@require_http_methods(["GET", "POST"])
@organizers_only
def offers_page(request, slug: str):
    """Offers per mentor with their status, and the re-offers waiting for a decision.
    POST sends (with an accept-by date) or dismisses one proposed re-offer."""
    program = cohort_program(slug)
    cohort = program.cohort
    form = AcceptByForm(request.POST or None, cohort=cohort)
    status = 200
    if request.method == "POST":
        offer = get_object_or_404(Offer, cohort=cohort,
                                  pk=query_id(request.POST.get("offer", "")) or 0)
        action = request.POST.get("action")
        try:
            if action == "dismiss":
                following = offers.reoffer_dismiss(offer=offer, by=request.user)
                messages.success(request, "Dismissed. " + (
                    f"{following.application.name} is proposed instead."
                    if following else f"Nobody else waits for {offer.mentor.user}."))
                return redirect("cohort_offers", slug=slug)
            if action != "send":
                raise ValidationError("Choose to send the offer or to dismiss it.")
            if not form.is_valid():
                raise ValidationError("")
            offers.reoffer_approve(offer=offer, by=request.user,
                                   accept_by=form.cleaned_data["accept_by"])
        except ValidationError as exc:
            if exc.messages != [""]:
                add_service_errors(form, exc)
            status = 400
        else:
            messages.success(request, f"Offer sent to {offer.application.name}.")
            return redirect("cohort_offers", slug=slug)
    proposals = list(Offer.objects.filter(cohort=cohort, status=OfferStatus.PROPOSED)
                     .select_related("application", "mentor__user", "replaces__application")
                     .order_by("proposed_at", "pk"))
    runs = MatchingRun.objects.filter(program=program, mode__in=list(MODES)).defer(
        "inputs", "unmatched").order_by("-created_at", "-pk")[:10]
    return render(request, "matching/cohort/offers.html", {
        "program": program, "cohort": cohort, "rows": _offer_rows(program),
        "proposals": proposals, "form": form, "runs": runs,
        # Column headings: the status's label up to its colon ("Sent", "Lapsed").
        "statuses": [(value, label.split(":")[0]) for value, label in OfferStatus.choices],
        "default_accept_by": offers.accept_by_for(cohort),
    }, status=status)


# --------------------------------------------------------------------------- applicant


@login_required
@require_http_methods(["GET", "POST"])
def offer(request, slug: str):
    """The applicant's offers in this program (linked from the offer email): accept or
    decline an open one. Someone else's offer is not found here."""
    program = cohort_program(slug)
    mine = (Offer.objects.filter(cohort__program=program, application__user=request.user)
            .exclude(status__in=[OfferStatus.PROPOSED, OfferStatus.DISMISSED])
            .select_related("mentor__user", "mentorship").order_by("-sent_at", "-pk"))
    error, status = "", 200
    if request.method == "POST":
        chosen = get_object_or_404(mine, pk=query_id(request.POST.get("offer", "")) or 0)
        action = request.POST.get("action")
        try:
            if action == "accept":
                mentorship = offers.offer_accept(offer=chosen, by=request.user)
                messages.success(request, f"Welcome! You and {chosen.mentor.user} are "
                                          "introduced by email.")
                return redirect("mentorship_detail", pk=mentorship.pk)
            if action == "decline":
                offers.offer_decline(offer=chosen, by=request.user)
                messages.success(request, "You declined the offer. Thank you for telling us.")
                return redirect("cohort_offer", slug=slug)
            error, status = "Choose accept or decline.", 400
        except ValidationError as exc:
            error, status = " ".join(exc.messages), 400
    return render(request, "matching/cohort/offer.html", {
        "program": program, "offers": list(mine), "error": error}, status=status)
