"""Milestones of a cohort program: the scholar's page (what they owe, their submission,
and their grades once the deadline has passed), a submission's file, and the graders'
pages (their list, and the grading of one submission against the rubric).

Who reads what is ``matching.services.cohort_milestones``'s rule; someone who isn't a
grader gets 403 on a grading page, someone else's submission is not found."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from matching.forms.cohort_phases import GradingForm, SubmissionForm
from matching.forms.common import add_service_errors
from matching.models import Grading, Mentorship, Milestone, Submission
from matching.scoping import organizes
from matching.services import cohort_milestones as milestones
from mm_program.query_ids import query_id

from .cohort_selection import cohort_program


def _scholar_mentorship(program, user) -> Mentorship:
    m = (Mentorship.objects.filter(program=program, mentee__user=user)
         .select_related("mentor__user", "mentee__user").order_by("-start_date", "-pk").first())
    if m is None:
        raise Http404("You have no mentorship in this program.")
    return m


@login_required
@require_http_methods(["GET", "POST"])
def scholar_page(request, slug: str):
    """The scholar's milestones: each with its due moment and rubric, their submission
    (a form while it is open), and the graders' points and comments after the deadline."""
    program = cohort_program(slug)
    mentorship = _scholar_mentorship(program, request.user)
    now = timezone.now()
    owed = list(milestones.milestones_owed(mentorship))
    bound, status = None, 200
    if request.method == "POST":
        milestone = next((m for m in owed
                          if m.pk == query_id(request.POST.get("milestone", ""))), None)
        if milestone is None:
            raise Http404("No such milestone.")
        form = SubmissionForm(request.POST, request.FILES, prefix=f"s{milestone.pk}")
        bound = (milestone.pk, form)
        if form.is_valid():
            try:
                milestones.submission_save(
                    milestone=milestone, mentorship=mentorship, by=request.user,
                    url=form.cleaned_data["url"], file=form.cleaned_data["file"],
                    note=form.cleaned_data["note"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"{milestone.name} submitted. You can replace it "
                                          "until the deadline.")
                return redirect("cohort_milestones", slug=slug)
        status = 400
    submissions = {s.milestone_id: s for s in
                   Submission.objects.filter(mentorship=mentorship, milestone__in=owed)}
    rows = []
    for milestone in owed:
        submission = submissions.get(milestone.pk)
        if bound and bound[0] == milestone.pk:
            form = bound[1]
        elif not milestone.is_past_due(now) and mentorship.is_running:
            form = SubmissionForm(prefix=f"s{milestone.pk}", initial={
                "url": submission.url if submission else "",
                "note": submission.note if submission else ""})
        else:
            form = None
        gradings = (milestones.gradings_shown(submission, request.user, now)
                    if submission else [])
        rows.append({"milestone": milestone, "submission": submission, "form": form,
                     "released": milestone.grades_released(now), "gradings": gradings,
                     "average": (sum(g.total for g in gradings) / len(gradings)
                                 if gradings else None)})
    return render(request, "matching/cohort/milestones.html", {
        "program": program, "mentorship": mentorship, "rows": rows,
        "refused": bound[1] if bound and bound[1].errors else None}, status=status)


@login_required
@require_http_methods(["GET"])
def submission_file(request, slug: str, pk: int):
    """A submission's file, as a download, for who may open the submission."""
    program = cohort_program(slug)
    submission = get_object_or_404(
        Submission.objects.select_related("milestone", "mentorship__mentee",
                                          "mentorship__mentor"),
        pk=pk, mentorship__program=program)
    if not milestones.may_open_submission(submission, request.user) or not submission.file:
        raise Http404("No such file.")
    return FileResponse(submission.file.open("rb"), as_attachment=True,
                        content_type="application/octet-stream")


def _grader_or_organizer(program, user) -> None:
    if organizes(user, program):
        return
    if not Milestone.objects.filter(phase__program=program, graders=user).exists():
        raise PermissionDenied("This page is for the milestones' graders.")


@login_required
@require_http_methods(["GET"])
def grader_page(request, slug: str):
    """The grader's milestones in this program and each one's submissions, with whether
    they have graded it yet and how many have."""
    program = cohort_program(slug)
    _grader_or_organizer(program, request.user)
    mine = Grading.objects.filter(submission=OuterRef("pk"), grader=request.user)
    assigned = (Milestone.objects.filter(phase__program=program)
                .select_related("phase").order_by("due_at", "pk"))
    if not organizes(request.user, program):
        assigned = assigned.filter(graders=request.user)
    rows = []
    for milestone in assigned:
        subs = (milestone.submissions.select_related("mentorship__mentee__user")
                .annotate(mine=Exists(mine), n_gradings=Count("gradings"))
                .order_by("mentorship__mentee__user__name", "pk"))
        rows.append({"milestone": milestone, "submissions": list(subs)})
    return render(request, "matching/cohort/grader.html", {"program": program, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def grading_page(request, slug: str, pk: int):
    """One submission against the rubric: the grader's form, and the others' gradings
    once theirs is in. Organizers read it all; anyone else is refused."""
    program = cohort_program(slug)
    submission = get_object_or_404(
        Submission.objects.select_related("milestone__phase", "mentorship__mentee__user",
                                          "mentorship__mentor"),
        pk=pk, mentorship__program=program)
    milestone = submission.milestone
    grader = milestones.is_grader(milestone, request.user)
    if not grader and not organizes(request.user, program):
        raise PermissionDenied("Only the milestone's graders open its grading pages.")
    sections = list(milestone.sections.all())
    own = Grading.objects.filter(submission=submission, grader=request.user).first()
    initial = {}
    if own is not None:
        for g in own.grades.all():
            initial[f"points_{g.section_id}"] = str(g.points)
            initial[f"comment_{g.section_id}"] = g.comment
    form = GradingForm(request.POST or None, sections=sections, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                milestones.grading_save(submission=submission, by=request.user,
                                        grades=form.grades())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Your grades are saved. The others' are shown "
                                          "below.")
                return redirect("cohort_grading", slug=slug, pk=pk)
        status = 400
    others = [g for g in milestones.gradings_shown(submission, request.user)
              if g.grader_id != request.user.pk]
    return render(request, "matching/cohort/grading.html", {
        "program": program, "submission": submission, "milestone": milestone,
        "form": form if grader else None, "own": own, "others": others,
        "max_points": sum(s.max_points for s in sections)}, status=status)
