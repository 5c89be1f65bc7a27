"""The survey page: opened from the emailed link, no sign-in needed.

The link is the proof: it opens its own invitation only, and shows nothing but that
person's own answers. Used, expired and altered links each get a page that says so.
Buttons: "Send my answers" (submit, once) and "Save and finish later"; ``static/js/
survey.js`` also saves as people go (``action=autosave``, answered in JSON).
"""

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from mm_program.ratelimit import LIMITED_FORM_MESSAGE, over_limit

from .answering import (
    SurveyClosed,
    page_items,
    questions_for,
    raw_from_post,
    save_answers,
    stored_values,
)
from .dispatch import minutes_to_answer
from .known_answers import known_answers
from .models import MENTEE_KINDS, Invitation, SurveyKind
from .tokens import nonce_matches, read_token


def _invitation(token: str) -> Invitation | None:
    try:
        pk, nonce = read_token(token)
    except signing.BadSignature:
        return None
    invitation = (
        Invitation.objects.select_related(
            "template", "person", "mentorship__program", "mentorship__mentor__user",
            "mentorship__mentee__user")
        .filter(pk=pk).first()
    )
    if invitation is None or not nonce_matches(invitation, nonce):
        return None
    return invitation


def _problem(request, heading: str, text: str, status: int, invitation=None):
    return render(request, "surveys/survey_closed.html",
                  {"heading": heading, "text": text, "invitation": invitation,
                   "program": invitation.mentorship.program if invitation else None},
                  status=status)


def _closed(request, invitation, reason: str):
    if reason == "submitted":
        return render(request, "surveys/survey_closed.html", {
            "invitation": invitation, "answered": True,
            "program": invitation.mentorship.program})
    return _problem(
        request, "This survey link has expired",
        "Survey links work for a few weeks after they are sent, and this one's time is up. "
        "If you'd still like to answer, reply to the email and the organizers will send a "
        "new link.", 410, invitation)


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request, token: str):
    # Every post counts, autosaves included, valid link or not (so probing links does).
    limited = request.method == "POST" and over_limit(
        request, group="survey", rate=settings.SURVEY_RATE_LIMIT, count=True)
    invitation = _invitation(token)
    if invitation is None:
        return _problem(
            request, "This link isn't valid",
            "Copy the whole link from the email: it may have been cut in two. If it still "
            "doesn't work, reply to the email and the organizers will send a new one.", 404)
    response, questions = questions_for(invitation)
    closed = "submitted" if response is not None and response.is_submitted else \
        "expired" if invitation.is_expired else ""
    if closed:
        if request.method == "POST" and request.POST.get("action") == "autosave":
            return JsonResponse({"closed": closed}, status=409)
        return _closed(request, invitation, closed)

    errors: dict = {}
    status = 200
    known = known_answers(invitation, questions)
    # Filled in until the person has saved answers of their own.
    raw = stored_values(response, questions) if response is not None else {
        key: value for key, (value, _) in known.items()}
    if request.method == "POST":
        action = request.POST.get("action", "save")
        raw = raw_from_post(request.POST, questions)
        if limited:
            if action == "autosave":
                return JsonResponse({"limited": True}, status=429)
            # The answers as sent are shown again; nothing is saved.
            return _survey_page(request, invitation, response, questions, raw, {},
                                status=429, problem=LIMITED_FORM_MESSAGE, known=known)
        try:
            result = save_answers(invitation=invitation, raw=raw,
                                  submit=action == "submit")
        except SurveyClosed as closed:
            if action == "autosave":
                return JsonResponse({"closed": closed.reason}, status=409)
            return _closed(request, invitation, closed.reason)
        if action == "autosave":
            return JsonResponse({"saved": result.saved, "errors": result.errors},
                                status=200)
        if result.submitted:
            return redirect("survey", token=token)
        if not result.errors:
            messages.success(
                request,
                "Saved. Come back with the same link to finish, any time before "
                f"{dateformat.format(timezone.localtime(invitation.expires_at), 'j F')}.")
            return redirect("survey", token=token)
        errors, status = result.errors, 400
    return _survey_page(request, invitation, response, questions, raw, errors, status=status,
                        known=known)


def _survey_page(request, invitation, response, questions, raw: dict, errors: dict, *,
                 status: int, problem: str = "", known: dict | None = None):
    m = invitation.mentorship
    is_mentee = invitation.kind in MENTEE_KINDS
    other = m.mentor.user if is_mentee else m.mentee.user
    items = page_items(questions, raw, errors, known)
    return render(request, "surveys/survey.html", {
        "invitation": invitation,
        "template": invitation.template if response is None else response.template,
        "program": m.program,
        "other_name": str(other),
        "is_mentee": is_mentee,
        "is_baseline": invitation.kind == SurveyKind.MENTEE_BASELINE,
        "items": items,
        "errors": errors,
        "error_items": [i for i in items if i["error"]],
        "minutes": minutes_to_answer(questions),
        "question_count": len(questions),
        "started": response is not None,
        "problem": problem,
    }, status=status)
