"""The mentor's side of the dashboard: the page itself, a mentee they found added in one
row (or the invitation withdrawn), and their own cap on mentees."""


from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from matching.dashboard import render_dashboard
from matching.forms.invitations import AddMenteeForm
from matching.models import (
    MINUTES_PER_MENTEE,
    Mentor,
)
from matching.services import mentorships as services
from matching.services.mentor_rows import mentorship_invite_raising_capacity
from matching.views.mentorships import mentorship_for
from mm_program.ratelimit import (
    over_limit,
)


@login_required
@require_POST
def mentorship_withdraw(request, pk: int):
    """The mentor withdraws an invitation the mentee hasn't answered."""
    mentorship = mentorship_for(request, pk)
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
        mentee = {"name": data["name"], "email": data["email"],
                  "start_date": data["start_date"]}
        capacity = mentor.capacity
        try:
            if data["capacity"] is None:
                mentorship = services.mentorship_invite(mentor=mentor, **mentee)
            else:  # every place was taken: the form also raises the cap
                mentorship = mentorship_invite_raising_capacity(
                    mentor=mentor, capacity=data["capacity"], **mentee)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            mentor.refresh_from_db(fields=["capacity"])
            raised = (f" You now take up to {mentor.capacity} mentees at once."
                      if mentor.capacity != capacity else "")
            messages.success(
                request,
                f"We emailed {mentorship.invited_email} a link to confirm. "
                f"{mentorship.mentee_name}'s row says “invited” until they do.{raised}",
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


@login_required
def dashboard(request):
    """What a signed-in person sees first: their applications, and for each role the
    mentor's spreadsheet of mentees or the mentee's mentorship."""
    return render_dashboard(request)
