"""Selection pages of a cohort program: the public mentor listing (and a mentor's task
file), the applicant's choice of mentors, the mentor's page (their listing, slots, demand,
yeses and applicants), the reviewers' list, and one applicant as a reviewer sees them.

Who may see what is asked of ``matching.services.cohort_reviews``; a page that someone
may not see answers 404, as for a mentorship that is not theirs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from matching.forms.cohort import (
    ChoicesForm,
    ListingForm,
    MentorReviewForm,
    SharedReviewForm,
    question_prompts,
)
from matching.forms.common import add_service_errors
from matching.models import (
    Decision,
    Mentor,
    MentorChoice,
    Offer,
    OfferStatus,
    Program,
    ReviewPart,
)
from matching.services import cohort_reviews as reviews
from matching.services import cohort_selection as selection
from matching.services.cohort_slots import one_mentor_slots

PER_PAGE = 50


def cohort_program(slug: str) -> Program:
    """The cohort program with this slug, or 404 (a rolling program has no such pages)."""
    program = get_object_or_404(Program.objects.select_related("cohort"), slug=slug)
    if not program.runs_as_cohort:
        raise Http404("This program doesn't run as a cohort.")
    return program


@require_http_methods(["GET"])
def listing(request, slug: str):
    """Public: the mentors of a cohort program, each with their agenda, style, task and
    questions, and how to apply."""
    program = cohort_program(slug)
    application = (selection.application_for(program, request.user)
                   if request.user.is_authenticated else None)
    return render(request, "matching/cohort/listing.html", {
        "program": program, "cohort": program.cohort,
        "mentors": list(selection.listed_mentors(program)),
        "application": application,
    })


@require_http_methods(["GET"])
def task_file(request, slug: str, mentor_pk: int):
    """A listed mentor's task file (public, as the listing is), always as a download."""
    program = cohort_program(slug)
    mentor = get_object_or_404(selection.listed_mentors(program), pk=mentor_pk)
    if not mentor.listing.task_file:
        raise Http404("No task file.")
    return FileResponse(mentor.listing.task_file.open("rb"), as_attachment=True,
                        content_type="application/octet-stream")


@login_required
@require_http_methods(["GET", "POST"])
def apply(request, slug: str):
    """The applicant chooses up to N mentors in order and answers their questions."""
    program = cohort_program(slug)
    application = selection.application_for(program, request.user)
    if application is None:
        return render(request, "matching/cohort/apply_first.html", {"program": program})
    mentors = list(selection.listed_mentors(program))
    choices = selection.choices_of(application)
    closed = selection.choices_open_problem(program)
    form = ChoicesForm(request.POST or None, application=application, mentors=mentors,
                       choices=choices)
    status = 200
    if request.method == "POST":
        if closed:
            messages.error(request, closed)
            return redirect("cohort_apply", slug=slug)
        if form.is_valid():
            try:
                saved = selection.choices_save(application=application, by=request.user,
                                               chosen=form.chosen())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Your choices are saved: " + ", ".join(
                    f"{c.rank}. {c.mentor.user}" for c in saved) + ". You can change them "
                    "until the deadline.")
                return redirect("cohort_apply", slug=slug)
        status = 400
    return render(request, "matching/cohort/apply.html", {
        "program": program, "cohort": program.cohort, "application": application,
        "form": form, "mentors": mentors, "closed": closed,
        "choice_fields": [f for f in form if f.name.startswith("choice_")],
        "mentor_blocks": [(m, form.answer_fields(m)) for m in mentors
                          if m.listing.questions.all()],
    }, status=status)




def _mentor(request, program: Program) -> Mentor:
    return get_object_or_404(Mentor.objects.select_related("user", "program", "application"),
                             program=program, user=request.user)


@login_required
@require_http_methods(["GET"])
def mentor_page(request, slug: str):
    """The mentor's own page in a cohort: slots, demand and yeses; their applicants; their
    listing, to edit."""
    program = cohort_program(slug)
    mentor = _mentor(request, program)
    return _render_mentor_page(request, program, mentor)


def _render_mentor_page(request, program, mentor, *, form=None, status=200):
    listing = selection.listing_for(mentor)
    rows = (reviews.mentor_choices(mentor).select_related("application")
            .order_by("rank", "application__submitted_at", "pk"))
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    counts = reviews.review_counts(mentor)
    slot_row = one_mentor_slots(program.cohort, mentor, listing, counts)
    # The offers made in their name, once sent: proposals are the organizers' to decide.
    offers = (Offer.objects.filter(mentor=mentor).exclude(
        status__in=[OfferStatus.PROPOSED, OfferStatus.DISMISSED])
        .select_related("application").order_by("-sent_at", "-pk"))
    return render(request, "matching/cohort/mentor.html", {
        "program": program, "cohort": program.cohort, "mentor": mentor, "listing": listing,
        "counts": counts, "page": page, "offers": offers,
        "marginal": slot_row.marginal_words(program.cohort.scale),
        "form": form or ListingForm(initial={
            "agenda": listing.agenda, "style": listing.style, "task": listing.task,
            "task_url": listing.task_url}, questions=question_prompts(listing)),
    }, status=status)


@login_required
@require_POST
def listing_edit(request, slug: str):
    program = cohort_program(slug)
    mentor = _mentor(request, program)
    listing = selection.listing_for(mentor)
    form = ListingForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            selection.listing_save(
                listing=listing, by=request.user, agenda=data["agenda"], style=data["style"],
                task=data["task"], task_url=data["task_url"], questions=form.questions,
                task_file=data["task_file"], remove_task_file=data["remove_task_file"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your listing is saved; applicants see it now.")
            return redirect("cohort_mentor", slug=slug)
    return _render_mentor_page(request, program, mentor, form=form, status=400)


@login_required
@require_http_methods(["GET"])
def reviewer_page(request, slug: str):
    """An extra reviewer's list: the shared part of every application, to score."""
    program = cohort_program(slug)
    if not reviews.is_reviewer(program.cohort, request.user):
        raise Http404("You are not a reviewer of this program.")
    rows = reviews.reviewer_applications(program.cohort, request.user)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for row in page:
        row.own_shown = reviews.shown_rating(
            reviews.normalized(row.own, program.cohort.scale), program.cohort.scale)
    return render(request, "matching/cohort/reviewer.html", {
        "program": program, "cohort": program.cohort, "page": page})


def _reviewer_view(request, program, application_pk):
    """(role, mentor choice or None, application) for the signed-in person, or 404."""
    mentor = Mentor.objects.filter(program=program, user=request.user).first()
    if mentor is not None:
        try:
            choice = reviews.mentor_choice_for(mentor, application_pk)
        except MentorChoice.DoesNotExist:  # not their applicant, or a conflict
            choice = None
        if choice is not None:
            return "mentor", choice, choice.application
    if reviews.is_reviewer(program.cohort, request.user):
        application = get_object_or_404(reviews.reviewer_applications(
            program.cohort, request.user), pk=application_pk)
        return "reviewer", None, application
    raise Http404("Not an applicant you review.")


@login_required
@require_http_methods(["GET", "POST"])
def applicant(request, slug: str, pk: int):
    """One applicant as their reviewer sees them, with the reviewer's form: the mentor
    reviews fit and their own questions; an extra reviewer scores the shared part."""
    program = cohort_program(slug)
    cohort = program.cohort
    role, choice, application = _reviewer_view(request, program, pk)
    part = ReviewPart.MENTOR if role == "mentor" else ReviewPart.SHARED
    criteria = reviews.criteria(cohort, part)
    if role == "mentor":
        review = getattr(choice, "review", None)
        form = MentorReviewForm(request.POST or None, criteria=criteria, scale=cohort.scale,
                                review=review)
    else:
        review = application.shared_reviews.filter(reviewer=request.user).first()
        form = SharedReviewForm(request.POST or None, criteria=criteria, scale=cohort.scale,
                                review=review)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                if role == "mentor":
                    reviews.mentor_review_save(
                        choice=choice, by=request.user, scores=form.scores(),
                        decision=data["decision"], rank=data["rank"], notes=data["notes"])
                else:
                    reviews.shared_review_save(application=application, by=request.user,
                                               scores=form.scores(), notes=data["notes"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied:
                raise Http404("Not an applicant you review.") from None
            else:
                messages.success(request, f"Your review of {application.name} is saved.")
                return redirect("cohort_applicant", slug=slug, pk=application.pk)
        status = 400
    answers = list(choice.answers.select_related("question")) if choice else []
    others = reviews.others_shared_reviews(application, request.user)
    return render(request, "matching/cohort/applicant.html", {
        "program": program, "cohort": cohort, "role": role, "choice": choice,
        "application": application, "form": form, "answers": answers,
        "score_fields": [f for f in form if f.name.startswith("score_")],
        "others": others, "review": review, "decisions": Decision,
        "others_hidden": not others and application.shared_reviews.filter(
            scored_at__isnull=False).exclude(reviewer=request.user).exists(),
        "areas": application.research_areas.all(),
    }, status=status)


@login_required
@require_POST
def conflict(request, slug: str, pk: int):
    """A reviewer declares a conflict of interest: the applicant disappears from their
    pages at once."""
    program = cohort_program(slug)
    _role, _choice, application = _reviewer_view(request, program, pk)
    reviews.conflict_declare(cohort=program.cohort, application=application,
                             user=request.user, by=request.user,
                             note=request.POST.get("note", ""))
    messages.success(request, f"{application.name} is hidden from you from now on; the "
                              "organizers can see that you declared a conflict.")
    if Mentor.objects.filter(program=program, user=request.user).exists():
        return redirect("cohort_mentor", slug=slug)
    return redirect("cohort_reviewer", slug=slug)

