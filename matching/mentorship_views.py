"""A mentorship as its two participants see it: the mentorship page, the one-line meeting
log, the first-call terms, the final project, the end, the mentor's own rows and cap, and
the invited mentee's confirmation page. The dashboard itself is ``matching.dashboard``.

Every change goes through ``matching.services.mentorships``. A mentorship is reachable
only by its mentor and its mentee: anyone else gets 404, as if it did not exist.
"""

import logging
from typing import NamedTuple

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from mm_program.erased import is_erased_email
from mm_program.ratelimit import (
    LIMITED_FORM_MESSAGE,
    emailed_link_limited,
    over_limit,
    too_many,
)

from .dashboard import render_dashboard
from .mentorship_forms import (
    AddMenteeForm,
    CompleteForm,
    EndEarlyForm,
    FinalProjectForm,
    InvitationForm,
    MeetingLogForm,
    TermsForm,
)
from .models import (
    MINUTES_PER_MENTEE,
    FinalProject,
    MeetingLog,
    Mentor,
    Mentorship,
    MentorshipStatus,
)
from .services import mentorships as services
from .tokens import invitation_id_from_token, invitation_token

logger = logging.getLogger(__name__)

ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def _day(value) -> str:
    return f"{value.day} {value:%b %Y}"


# --- Access ------------------------------------------------------------------------------

def _mentorship_for(request, pk: int) -> Mentorship:
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


# --- Mentorship page ---------------------------------------------------------------------

def _show_profile(mentorship) -> bool:
    """The other person's application answers are shown once the two are mentor and
    mentee: not to a mentor who only typed someone's email into an invitation (that
    would show them any applicant's answers, and that the person applied), and not once
    the other person's data was erased (their kept answers serve the figures only)."""
    if mentorship.status in (MentorshipStatus.INVITED, MentorshipStatus.DECLINED):
        return False
    other = _other(mentorship)
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
        "other": _other(mentorship),
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
    return _render_detail(request, _mentorship_for(request, pk))


@login_required
@require_POST
def meeting_log(request, pk: int):
    """The one-line meeting form, from the dashboard or the mentorship page. A refused
    line comes back on the page it was sent from, with what was typed and why."""
    mentorship = _mentorship_for(request, pk)
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
                f"Meeting of {_day(log.date)} logged ({log.minutes} min) for your mentorship "
                f"with {str(_other(mentorship))}.",
            )
            if log.may_be_a_duplicate:
                messages.warning(
                    request,
                    f"Another meeting was already logged on {_day(log.date)}. If it was "
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
    mentorship = _mentorship_for(request, pk)
    meeting = get_object_or_404(MeetingLog, pk=meeting_pk, mentorship=mentorship)
    try:
        services.meeting_remove(meeting=meeting, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The meeting of {_day(meeting.date)} "
                                  f"({meeting.minutes} min) was removed.")
    return redirect("mentorship_detail", pk=mentorship.pk)


class Contact(NamedTuple):
    name: str
    email: str


def _other(mentorship):
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
    mentorship = _mentorship_for(request, pk)
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
    mentorship = _mentorship_for(request, pk)
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
    mentorship = _mentorship_for(request, pk)
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
    mentorship = _mentorship_for(request, pk)
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


@login_required
@require_POST
def mentorship_withdraw(request, pk: int):
    """The mentor withdraws an invitation the mentee hasn't answered."""
    mentorship = _mentorship_for(request, pk)
    if not mentorship.viewer_is_mentor:
        raise PermissionDenied("Only the mentor can withdraw an invitation.")
    try:
        services.invitation_decline(mentorship=mentorship)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("mentorship_detail", pk=mentorship.pk)
    messages.success(request, f"Your invitation to {mentorship.mentee_name} is "
                              "withdrawn; the link in their email no longer works.")
    return redirect("dashboard")


@login_required
@require_POST
def mentee_add(request, mentor_pk: int):
    """A mentor adds a mentee they found themselves: the row appears as "invited" and the
    mentee gets a link to confirm."""
    mentor = get_object_or_404(
        Mentor.objects.select_related("user", "program"), pk=mentor_pk, user=request.user
    )
    form = AddMenteeForm(request.POST, mentor=mentor)
    if form.is_valid():
        data = form.cleaned_data
        # Counted only for a valid form: each one emails an address the mentor typed.
        if over_limit(request, group="mentee-invitations", key="user",
                      rate=settings.INVITATION_RATE_LIMIT, count=True):
            form.add_error(None, INVITATIONS_LIMITED)
            return render_dashboard(request, status=429, add_form=form)
        try:
            mentorship = services.mentorship_invite(
                mentor=mentor, name=data["name"], email=data["email"],
                start_date=data["start_date"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                f"We emailed {mentorship.invited_email} a link to confirm. "
                f"{mentorship.mentee_name}'s row says “invited” until they do.",
            )
            return redirect("dashboard")
    return render_dashboard(request, status=400, add_form=form)


INVITATIONS_LIMITED = (
    "You've sent many invitations today, so adding mentees is paused until tomorrow. "
    "What you typed is still here. If you really need more, ask the organizers.")


@login_required
@require_POST
def mentor_capacity(request, mentor_pk: int):
    """The mentor changes how many mentees they take at once, from their dashboard."""
    mentor = get_object_or_404(Mentor.objects.select_related("program", "application"),
                               pk=mentor_pk, user=request.user)
    raw = request.POST.get("capacity", "").strip()
    try:
        capacity = int(raw)
    except ValueError:
        messages.error(request, f"“{raw[:20]}” isn't a number of mentees: enter a whole "
                                "number, for example 2.")
        return redirect("dashboard")
    try:
        services.mentor_set_capacity(mentor=mentor, capacity=capacity)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            f"You now take up to {capacity} mentee{'s' if capacity != 1 else ''} at once "
            f"in {mentor.program}." if capacity else
            f"You're not taking new mentees in {mentor.program} for now.")
        minutes = mentor.application.minutes_per_week if mentor.application else None
        if capacity and minutes and minutes < MINUTES_PER_MENTEE * capacity:
            messages.warning(
                request,
                f"You told us you have {minutes} minutes a week: that's "
                f"{minutes // capacity} a mentee with {capacity}. About {MINUTES_PER_MENTEE} "
                "a week each works best; meetings and messages add up.")
    return redirect("dashboard")


# --- The invited mentee ------------------------------------------------------------------

def _invitation_problem(request, heading, text, status):
    return render(request, "matching/mentorships/invitation.html",
                  {"problem": {"heading": heading, "text": text}}, status=status)


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """No sign-in needed: the link in the invitation email is the proof. Confirming signs
    the mentee in; an answered, expired or altered link gets a page saying so."""
    limited = emailed_link_limited(request)
    if limited and request.method != "POST":
        return too_many(request)
    try:
        mentorship_id = invitation_id_from_token(token)
    except signing.SignatureExpired:
        return _invitation_problem(
            request, "This invitation has expired",
            "Invitation links work for 30 days. Ask your mentor to add you again: you'll "
            "get a new link by email.", 410)
    except signing.BadSignature:
        mentorship_id = None
    mentorship = (
        Mentorship.objects.select_related("program", "mentor__user", "mentee__user")
        .filter(pk=mentorship_id).first() if mentorship_id is not None else None
    )
    if mentorship is None:
        return _invitation_problem(
            request, "This link isn't valid",
            "Copy the whole link from the email: it may have been cut in two. If it still "
            "doesn't work, ask your mentor to add you again.", 404)
    if mentorship.status != MentorshipStatus.INVITED:
        return _answered(request, mentorship)

    if limited:
        # Shown again with what was typed, and a message; nothing is saved.
        form = InvitationForm(request.POST)
        form.is_valid()
        form.add_error(None, LIMITED_FORM_MESSAGE)
        return render(request, "matching/mentorships/invitation.html",
                      {"m": mentorship, "form": form}, status=429)
    if request.method == "POST" and "decline" in request.POST:
        try:
            services.invitation_decline(mentorship=mentorship)
        except ValidationError:
            mentorship.refresh_from_db()
            return _answered(request, mentorship)
        return render(request, "matching/mentorships/invitation.html",
                      {"m": mentorship, "declined_now": True})

    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                accepted = services.invitation_accept(
                    mentorship=mentorship, name=data["name"],
                    timezone_name=data["timezone"], goals=data["goals"],
                )
            except ValidationError as exc:
                if getattr(exc, "code", None) not in ("mentored", "staff", "self"):
                    mentorship.refresh_from_db()
                    return _answered(request, mentorship)
                form.add_error(None, exc)  # what they typed stays, with why
                return render(request, "matching/mentorships/invitation.html",
                              {"m": mentorship, "form": form}, status=409)
            user = accepted.mentee.user
            if _may_sign_in_by_link(user):
                login(request, user, backend=ALLAUTH_BACKEND)
                messages.success(
                    request,
                    f"Welcome! You and {str(mentorship.mentor.user)} are now mentor and "
                    "mentee. We've emailed you both; next is your first call.")
                return redirect("mentorship_detail", pk=mentorship.pk)
            messages.success(request, "Confirmed. Sign in to see your mentorship.")
            return redirect(f"{reverse('account_login')}?next="
                            f"{reverse('mentorship_detail', args=[mentorship.pk])}")
        status = 400
    else:
        # The name the mentor typed: the page is for whoever holds the link, and shows
        # nothing an account with this address holds.
        form = InvitationForm(initial={"name": mentorship.invited_name})
        status = 200
    return render(request, "matching/mentorships/invitation.html",
                  {"m": mentorship, "form": form}, status=status)


def _answered(request, mentorship):
    return render(request, "matching/mentorships/invitation.html",
                  {"m": mentorship, "answered": True,
                   "detail_url": reverse("mentorship_detail", args=[mentorship.pk])})


def _may_sign_in_by_link(user) -> bool:
    """An emailed link signs in a participant, as the emailed code does; never an account
    that can reach the organizer area, which signs in the usual way."""
    return user.is_active and not (user.is_staff or user.is_superuser)
