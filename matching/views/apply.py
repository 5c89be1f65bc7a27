"""The public side: the front page and the interest forms (a submission, the thanks page,
answers sent again and confirmed from an emailed link)."""

import logging

from crispy_forms.utils import render_crispy_form
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import get_script_prefix
from django.utils.html import strip_tags
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from matching.forms.applications import MenteeApplicationForm, MentorApplicationForm
from matching.forms.common import HONEYPOT_FIELD
from matching.models import ApplicationUpdate, Program
from matching.services.applications import (
    APPLICATION_MODELS,
    application_submit,
    application_update_confirm,
)
from matching.tokens import update_id_from_token
from mm_program.ratelimit import emailed_link_limited, over_limit, posted_email, too_many

FORMS = {"mentee": MenteeApplicationForm, "mentor": MentorApplicationForm}


# What the thanks page after a submission shows (the role, the program, the address the
# confirmation went to) travels in a signed, short-lived cookie only the thanks pages
# receive. Keeping it in the session made every application write a second row (a new
# session for nearly every applicant) in a second commit, for one page view. A signed-in
# submitter's summary is tied to their account, so it is gone once they sign out.
THANKS_COOKIE = "mm_applied"


THANKS_SALT = "matching.apply-thanks"


THANKS_SECONDS = 3600


def thanks_redirect(request, role: str, **submitted):
    if request.user.is_authenticated:
        submitted["user"] = request.user.pk
    response = redirect("apply_thanks", role=role)
    response.set_cookie(
        THANKS_COOKIE,
        signing.dumps({"role": role, **submitted}, salt=THANKS_SALT, compress=True),
        max_age=THANKS_SECONDS, path=get_script_prefix() + "apply/",
        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax")
    return response


def _submitted(request, role: str) -> dict | None:
    try:
        submitted = signing.loads(request.COOKIES.get(THANKS_COOKIE, ""), salt=THANKS_SALT,
                                  max_age=THANKS_SECONDS)
    except signing.BadSignature:  # missing, tampered with, or over an hour old
        return None
    if not isinstance(submitted, dict) or submitted.get("role") != role:
        return None
    if submitted.get("user") not in (None, request.user.pk):
        return None  # signed out since, or someone else signed in
    return submitted


# The blank forms' HTML by content (``blank_render_key``). Rendering hundreds of widgets
# (every time zone, every listed mentor) through their templates was nearly all of the
# form page's cost, and nearly every visit shows the same blank form. Kept per process,
# so a deploy, which may change the templates, starts afresh.
_blank_forms: dict[tuple, str] = {}


BLANK_FORMS_KEPT = 16


def blank_form_html(role: str, program: Program) -> str:
    form_class = FORMS[role]
    key = form_class.blank_render_key(program)
    html = _blank_forms.get(key)
    if html is None:
        if len(_blank_forms) >= BLANK_FORMS_KEPT:
            _blank_forms.clear()
        html = _blank_forms[key] = render_crispy_form(form_class(program=program))
    return html


def _apply_limit_message(request) -> str | None:
    """Why this submission is refused, if it is: per client address and per submitted
    email, on submissions that were taken (saved, held or caught by the honeypot).
    Invalid posts don't count, so a student who fixes typos on a campus network doesn't
    lock out their classmates."""
    if over_limit(request, group="apply", rate=settings.APPLY_RATE_LIMIT):
        return ("We've received many applications from your network in the last hour. "
                "Please wait a while and send this form again: nothing you typed is lost.")
    # Each taken submission may email the address's owner (a confirmation, or a link to
    # confirm changed answers): nobody can flood an inbox through this form.
    if over_limit(request, group="apply-email", rate=settings.APPLY_EMAIL_RATE_LIMIT,
                  key=posted_email):
        return ("We've received this form with this email address many times in the last "
                "hour. Please wait a while and send it again: nothing you typed is lost.")
    return None


def _count_apply(request) -> None:
    over_limit(request, group="apply", rate=settings.APPLY_RATE_LIMIT, count=True)
    over_limit(request, group="apply-email", rate=settings.APPLY_EMAIL_RATE_LIMIT,
               key=posted_email, count=True)


def _programs() -> list[Program]:
    """Every program, oldest first: a handful of rows."""
    return list(Program.objects.order_by("created_at", "pk"))


def default_program() -> Program | None:
    """The program the plain /apply/ links go to: the oldest open one, else the newest."""
    programs = _programs()
    # accepts_applications is Program.objects.open() for one row, checked now.
    return next((p for p in programs if p.accepts_applications), None) or (
        programs[-1] if programs else None)


def home(request):
    """The front page: what the program is, and the way into both forms; with more than
    one program, the ones taking applications, each linking to its own page."""
    programs = _programs()
    program = default_program()
    others = [p for p in programs if p.accepts_applications] if len(programs) > 1 else []
    return render(request, "home.html", {"program": program, "open_programs": others})


def program_page(request, slug: str):
    """A program's public page: what it is, its dates, how it runs, and the way in."""
    return render(request, "matching/program.html", {"program": program_by_slug(slug)})


def program_by_slug(slug: str) -> Program:
    program = next((p for p in _programs() if p.slug == slug), None)
    if program is None:
        raise Http404("No such program.")
    return program


def _posted_answers(request, form) -> dict[str, list[str]]:
    """The form's own fields as posted, for a held update to validate again later.

    Other posted keys are left out (a bot's junk has no business in the database), and so
    are NUL characters: PostgreSQL's jsonb refuses them, and a checkbox, which reads any
    value as ticked, lets one through validation."""
    skip = {HONEYPOT_FIELD}
    return {key: [value.replace("\x00", "") for value in request.POST.getlist(key)]
            for key in form.fields if key in request.POST and key not in skip}


@require_http_methods(["GET", "POST"])
def apply(request, role: str, slug: str | None = None):
    if role not in FORMS:
        raise Http404
    program = program_by_slug(slug) if slug else default_program()
    if program is None:
        raise Http404("No program has been set up yet.")
    form_class = FORMS[role]
    context = {"program": program, "role": role}

    if not program.accepts_applications:
        return render(request, "matching/apply_closed.html", context, status=200)

    if request.method == "POST":
        form = form_class(request.POST, program=program)
        limited = _apply_limit_message(request)
        if limited:
            form.is_valid()  # keep what was typed, shown back with the message
            form.add_error(None, limited)
            return render(request, "matching/apply.html", {**context, "form": form},
                          status=429)
        if form.honeypot_filled():
            # Looks like success to the bot; nothing is saved or sent.
            logger.info("Honeypot filled on the %s form from %s", role,
                        request.META.get("REMOTE_ADDR"))
            _count_apply(request)
            return thanks_redirect(request, role, program=program.name)
        if form.is_valid():
            application = form.save(commit=False)
            application.program = program
            application.refresh_flags()  # for the thanks page, whatever happens below
            result = application_submit(
                application=application,
                research_areas=form.cleaned_data["research_areas"],
                preferred_mentors=form.cleaned_data.get("preferred_mentors"),
                submitted_by=request.user if request.user.is_authenticated else None,
                raw_data=_posted_answers(request, form),
            )
            _count_apply(request)
            # A held update shows exactly what a new application shows: the page must
            # not tell a stranger whether this email has applied before.
            return thanks_redirect(
                request, role, program=program.name, email=form.cleaned_data["email"],
                updated=result.updated_existing,
                low_hours=getattr(application, "flagged_low_hours", False),
                # A cohort's applicants choose their mentors next, signed in (a rolling
                # program is never asked: it costs a query).
                cohort=program.slug if role == "mentee" and program.admission
                == program.Admission.COHORT and program.runs_as_cohort else "")
        return render(request, "matching/apply.html", {**context, "form": form}, status=400)
    return render(request, "matching/apply.html",
                  {**context, "blank_form": blank_form_html(role, program)})


@require_http_methods(["GET", "POST"])
def apply_update_confirm(request, token: str):
    """The owner of an open application confirms answers that were sent again."""
    if emailed_link_limited(request):
        return too_many(request)
    try:
        update = ApplicationUpdate.objects.get(pk=update_id_from_token(token))
    except signing.SignatureExpired:
        return render(request, "matching/update_confirm.html",
                      {"problem": "This link has expired. Send the form again to get a new "
                                  "one."}, status=410)
    except (signing.BadSignature, ApplicationUpdate.DoesNotExist):
        return render(request, "matching/update_confirm.html",
                      {"problem": "This link isn't valid. Copy the whole link from the "
                                  "email, or send the form again."}, status=404)
    model = APPLICATION_MODELS[update.kind]
    application = model.objects.select_related("program").filter(
        pk=update.application_id).first()
    context = {"update": update, "application": application}
    if update.applied_at is not None:
        return render(request, "matching/update_confirm.html",
                      {**context, "problem": "These changes were already applied."})
    if application is None:
        raise Http404
    data = QueryDict(mutable=True)
    for key, values in update.data.items():
        data.setlist(key, values)
    form = FORMS[update.kind](data, program=application.program)
    if request.method == "POST":
        if not form.is_valid():
            problems = "; ".join(
                f"{strip_tags(form[name].label) if name in form.fields else name}: "
                f"{' '.join(errors)}"
                for name, errors in form.errors.items()
            )
            return render(request, "matching/update_confirm.html",
                          {**context, "problem": f"Some of the answers sent are no longer "
                           f"valid ({problems}). Please send the form again."}, status=400)
        try:
            application_update_confirm(update=update, form=form)
        except ValidationError as exc:
            return render(request, "matching/update_confirm.html",
                          {**context, "problem": " ".join(exc.messages)}, status=409)
        return thanks_redirect(request, update.kind, program=application.program.name,
                               email=application.email, updated=True)
    return render(request, "matching/update_confirm.html", context)


@never_cache
def apply_thanks(request, role: str):
    if role not in FORMS:
        raise Http404
    submitted = _submitted(request, role)
    if submitted is None:
        return redirect("home")
    return render(request, "matching/apply_thanks.html", {"submitted": submitted, "role": role})


logger = logging.getLogger(__name__)
