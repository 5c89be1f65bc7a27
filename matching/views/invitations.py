"""The invited mentee's page: no sign-in needed, the emailed link is the proof."""

from django.contrib import messages
from django.contrib.auth import login
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from matching.forms.invitations import InvitationForm
from matching.models import (
    Mentorship,
    MentorshipStatus,
)
from matching.services import mentorships as services
from matching.tokens import invitation_id_from_token
from mm_program.ratelimit import (
    LIMITED_FORM_MESSAGE,
    emailed_link_limited,
    too_many,
)

ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


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
