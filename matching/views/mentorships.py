"""Pages of a mentorship for its mentor and mentee: the page itself, a meeting logged or
removed, the first call's terms, the final project, the ending, a pause."""

import logging
from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from matching.dashboard import render_dashboard
from matching.forms.mentorships import (
    CompleteForm,
    EndEarlyForm,
    FinalProjectForm,
    MeetingLogForm,
    TermsForm,
)
from matching.models import (
    FinalProject,
    MeetingLog,
    Mentorship,
    MentorshipStatus,
)
from matching.services import meetings
from matching.services import mentorships as services
from matching.tokens import (
    MEETING_UNDO_MAX_AGE,
    invitation_token,
    meeting_from_undo_token,
    meeting_undo_token,
)
from mm_program.erased import is_erased_email


def day(value) -> str:
    return f"{value.day} {value:%b %Y}"


def mentorship_for(request, pk: int) -> Mentorship:
    """The mentorship if the signed-in person is its mentor or its mentee, else 404."""
    user = request.user
    mentorship = get_object_or_404(
        Mentorship.objects.select_related(
            "program", "mentor__user", "mentee__user", "mentee__application",
            "mentor__application", "final_project"
        ).filter(Q(mentor__user=user) | Q(mentee__user=user)),
        pk=pk,
    )
    mentorship.viewer_is_mentor = mentorship.mentor.user_id == user.pk
    return mentorship


def _final_project(mentorship: Mentorship) -> FinalProject | None:
    try:
        return mentorship.final_project
    except FinalProject.DoesNotExist:
        return None


def _show_profile(mentorship) -> bool:
    """The other person's application answers are shown once the two are mentor and
    mentee: not to a mentor who only typed someone's email into an invitation (that
    would show them any applicant's answers, and that the person applied), and not once
    the other person's data was erased (their kept answers serve the figures only)."""
    if mentorship.status in (MentorshipStatus.INVITED, MentorshipStatus.DECLINED):
        return False
    other = other_side(mentorship)
    return other.is_active and not is_erased_email(other.email)


def _other_areas(mentorship) -> list:
    if not _show_profile(mentorship):
        return []
    other = mentorship.mentee if mentorship.viewer_is_mentor else mentorship.mentor
    application = other.application
    return list(application.research_areas.all()) if application else []


def _render_detail(request, mentorship, *, log_form=None, status=200):
    project = _final_project(mentorship)
    meetings = list(mentorship.meetings.select_related("logged_by"))
    minutes = sum(meeting.minutes for meeting in meetings)
    context = {
        "m": mentorship,
        "program": mentorship.program,
        "is_mentor": mentorship.viewer_is_mentor,
        "other": other_side(mentorship),
        "meetings": meetings,
        "minutes_so_far": minutes,
        "hours_so_far": round(minutes / 60, 1),
        "focus_areas": mentorship.focus_areas.all(),
        "project": project,
        "other_areas": _other_areas(mentorship),
        "show_profile": _show_profile(mentorship),
    }
    if log_form is not None:  # a refused line comes back whatever the status now
        context["log_form"] = log_form
    elif mentorship.is_running:
        context["log_form"] = MeetingLogForm(mentorship=mentorship)
    if mentorship.is_running and not mentorship.terms_recorded:
        context["terms_form"] = TermsForm(mentorship=mentorship)
    if mentorship.status == MentorshipStatus.INVITED and not mentorship.viewer_is_mentor:
        context["invitation_url"] = reverse("invitation",
                                            args=[invitation_token(mentorship.pk)])
    return render(request, "matching/mentorships/detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def mentorship_detail(request, pk: int):
    return _render_detail(request, mentorship_for(request, pk))


@login_required
@require_POST
def meeting_log(request, pk: int):
    """The one-line meeting form, from the dashboard or the mentorship page. A refused
    line comes back on the page it was sent from, with what was typed and why."""
    mentorship = mentorship_for(request, pk)
    from_dashboard = request.POST.get("back") == "dashboard"
    form = MeetingLogForm(request.POST, mentorship=mentorship)
    if form.is_valid():
        data = form.cleaned_data
        try:
            log = services.meeting_log(
                mentorship=mentorship, by=request.user, minutes=data["minutes"],
                on_track=data["on_track"], meeting_date=data["date"], note=data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"Meeting of {day(log.date)} logged ({log.minutes} min) for your mentorship "
                f"with {str(other_side(mentorship))}.",
            )
            if log.may_be_a_duplicate:
                messages.warning(
                    request,
                    f"Another meeting was already logged on {day(log.date)}. If it was "
                    "the same meeting, remove one of them on the mentorship page.")
            if from_dashboard:
                return redirect("dashboard")
            return redirect("mentorship_detail", pk=mentorship.pk)
    if from_dashboard:
        return render_dashboard(request, status=400, log_form=form)
    return _render_detail(request, mentorship, log_form=form, status=400)


@login_required
@require_POST
def meeting_remove(request, pk: int, meeting_pk: int):
    mentorship = mentorship_for(request, pk)
    meeting = get_object_or_404(MeetingLog, pk=meeting_pk, mentorship=mentorship)
    try:
        services.meeting_remove(meeting=meeting, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        # The message carries its own "Undo" (a small form with the meeting, signed).
        messages.success(request, render_to_string(
            "matching/mentorships/_meeting_removed.html",
            {"meeting": meeting, "day": day(meeting.date), "mentorship": mentorship,
             "token": meeting_undo_token(meeting), "minutes": MEETING_UNDO_MAX_AGE // 60},
            request=request))
    return redirect("mentorship_detail", pk=mentorship.pk)


@login_required
@require_POST
def meeting_restore(request, pk: int):
    """The "Undo" of a meeting's removal: the same meeting back, for a few minutes."""
    mentorship = mentorship_for(request, pk)
    try:
        meeting, removed_at = meeting_from_undo_token(request.POST.get("token", ""))
        meetings.meeting_restore(mentorship=mentorship, meeting=meeting,
                                 removed_at=removed_at, by=request.user)
    except signing.SignatureExpired:
        messages.error(request, f"Undo works for {MEETING_UNDO_MAX_AGE // 60} minutes after "
                                "a removal: log the meeting again if it took place.")
    except signing.BadSignature:
        messages.error(request, "That Undo didn't come from this site: log the meeting "
                                "again if it took place.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The meeting of {day(meeting.date)} "
                                  f"({meeting.minutes} min) is back.")
    return redirect("mentorship_detail", pk=mentorship.pk)


class Contact(NamedTuple):
    name: str
    email: str

    def __str__(self) -> str:  # written like a User: by name
        return self.name


def other_side(mentorship):
    """The other person, as the viewer may see them: to the mentor of an invitation, the
    name and address they typed (an account with that address is none of their business
    until its owner accepts)."""
    if not mentorship.viewer_is_mentor:
        return mentorship.mentor.user
    if mentorship.is_invitation:
        return Contact(name=mentorship.mentee_name, email=mentorship.mentee_email)
    return mentorship.mentee.user


@login_required
@require_http_methods(["GET", "POST"])
def mentorship_terms(request, pk: int):
    """The first call's terms, in one short form either side may fill in."""
    mentorship = mentorship_for(request, pk)
    status = 200
    if request.method == "POST":
        form = TermsForm(request.POST, mentorship=mentorship)
        if form.is_valid():
            try:
                services.terms_record(
                    mentorship=mentorship, by=request.user,
                    focus_areas=form.cleaned_data["focus_areas"], **form.terms(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "The terms are recorded. You can correct them "
                                          "here at any time while the mentorship runs.")
                return redirect("mentorship_detail", pk=mentorship.pk)
        status = 400
    else:
        form = TermsForm(mentorship=mentorship)
    return render(request, "matching/mentorships/terms.html",
                  {"m": mentorship, "form": form, "program": mentorship.program},
                  status=status)


@login_required
@require_http_methods(["GET", "POST"])
def final_project(request, pk: int):
    """Kind, title, link, public?, published?; the mentor's feedback is theirs alone."""
    mentorship = mentorship_for(request, pk)
    project = _final_project(mentorship)
    is_mentor = mentorship.viewer_is_mentor
    status = 200
    if request.method == "POST":
        form = FinalProjectForm(request.POST, instance=project, is_mentor=is_mentor)
        if form.is_valid():
            try:
                services.final_project_save(mentorship=mentorship,
                                            project=form.save(commit=False))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "The final project is saved.")
                return redirect("mentorship_detail", pk=mentorship.pk)
        status = 400
    else:
        form = FinalProjectForm(instance=project, is_mentor=is_mentor)
    return render(request, "matching/mentorships/project.html",
                  {"m": mentorship, "form": form, "project": project,
                   "is_mentor": is_mentor}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def mentorship_end(request, pk: int):
    """The final call: complete with next steps, or end early with a reason."""
    mentorship = mentorship_for(request, pk)
    complete_form = CompleteForm(mentorship=mentorship)
    early_form = EndEarlyForm(mentorship=mentorship)
    action = request.POST.get("action") if request.method == "POST" else \
        request.GET.get("action")
    status = 200
    form = None
    if request.method == "POST":
        if action == "complete":
            form = complete_form = CompleteForm(request.POST, mentorship=mentorship)
        elif action == "early":
            form = early_form = EndEarlyForm(request.POST, mentorship=mentorship)
        else:
            messages.error(request, "Choose whether to complete the mentorship or end it "
                                    "early.")
            return redirect("mentorship_end", pk=mentorship.pk)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "complete":
                    services.mentorship_complete(
                        mentorship=mentorship, next_steps=data["next_steps"],
                        notes=data["notes"], ended_on=data["ended_on"], by=request.user,
                    )
                else:
                    services.mentorship_end_early(
                        mentorship=mentorship, reason=data["reason"], notes=data["notes"],
                        ended_on=data["ended_on"], by=request.user,
                    )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    "The mentorship is completed. Thank you! You'll both get a short "
                    "survey by email." if action == "complete" else
                    "The mentorship has ended. Thank you for telling us why.",
                )
                return redirect("mentorship_detail", pk=mentorship.pk)
        status = 400
    return render(request, "matching/mentorships/end.html", {
        "m": mentorship, "complete_form": complete_form, "early_form": early_form,
        "action": action if action in ("complete", "early") else "complete",
        "failed_form": form,
    }, status=status)


@login_required
@require_POST
def mentorship_pause(request, pk: int):
    """Pause or resume (``action``): a small button on the mentorship page."""
    mentorship = mentorship_for(request, pk)
    action = request.POST.get("action", "pause")
    try:
        if action == "resume":
            services.mentorship_resume(mentorship=mentorship)
            messages.success(request, "The mentorship is running again.")
        else:
            services.mentorship_pause(mentorship=mentorship)
            messages.success(request, "The mentorship is paused. It still holds the "
                                      "mentor's place; resume it whenever you are ready.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("mentorship_detail", pk=mentorship.pk)


logger = logging.getLogger(__name__)
