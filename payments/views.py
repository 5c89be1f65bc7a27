"""The payee's pages: their stipend requests, their bank details, a new request.

A request is reachable only by its payee, a mentorship's request form only by its mentor
and mentee: anyone else gets 404, as if it did not exist. Bank details are the signed-in
person's own; no URL names anyone else's. Stored accounts are only ever shown masked.
"""

import logging

from allauth.core.exceptions import ReauthenticationRequired
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods

from matching.models import Mentorship, Phase
from mm_program.query_ids import query_id
from mm_program.ratelimit import LIMITED_FORM_MESSAGE, over_limit
from mm_program.sessions import signed_in_recently

from .forms import BankDetailsForm, StipendRequestForm
from .models import BankDetails, StipendRequest
from .services import grants
from .services import stipends as services
from .services.bank import bank_details_save

logger = logging.getLogger(__name__)

BANK_FIELDS = [f"bank-{name}" for name in ("holder_name", "iban", "bic", "account_number",
                                           "routing_code")]


def _stale_sign_in(request):
    """A page that saves where a person is paid asks for a recent sign-in (a session
    lasts weeks: mm_program/sessions.py). Opening it asks allauth to confirm it's them
    (a code emailed again) and comes back; a form sent after the sign-in got stale
    saves nothing and reopens the page, rather than keeping the account number in the
    session while they confirm. None when the sign-in is recent."""
    if signed_in_recently(request):
        return None
    if request.method == "GET":
        raise ReauthenticationRequired()
    messages.warning(request, "For your safety, confirm it's you before we save bank "
                              "details: nothing was saved.")
    return redirect(request.get_full_path())


def _mentorship_for(request, pk: int) -> Mentorship:
    user = request.user
    return get_object_or_404(
        Mentorship.objects.select_related("program", "mentor__user", "mentee__user")
        .filter(Q(mentor__user=user) | Q(mentee__user=user)),
        pk=pk,
    )


def _bank_details(user) -> BankDetails | None:
    return BankDetails.objects.filter(user=user).first()


def _over_form_limit(request) -> bool:
    """Counts this post of the stipend or bank details form against the signed-in
    account's limit (both forms share it): a stolen session cannot churn bank details or
    requests, each of which emails the payee."""
    return over_limit(request, group="stipend-forms", rate=settings.STIPEND_RATE_LIMIT,
                      key="user", count=True)


def _other(m: Mentorship, user):
    return m.mentee.user if m.mentor.user_id == user.pk else m.mentor.user


@login_required
@require_GET
def stipend_list(request):
    """Everything of the signed-in person's stipends on one page."""
    user = request.user
    mentorships = list(
        Mentorship.objects.filter(Q(mentor__user=user) | Q(mentee__user=user))
        .select_related("program", "mentor__user", "mentee__user")
    )
    paying = set(Phase.objects.filter(program_id__in={m.program_id for m in mentorships},
                                      grant__isnull=False).values_list("program_id",
                                                                       flat=True))
    requestable = [m for m in mentorships if services.can_request(m) and not
                   services.hours_refused(m, user, grants=m.program_id in paying)]
    for m in requestable:
        m.other = _other(m, user)
    return render(request, "payments/list.html", {
        "requests": StipendRequest.objects.for_payee(user)
        .select_related("program", "phase", "mentorship__mentor__user",
                        "mentorship__mentee__user"),
        "details": _bank_details(user),
        "requestable": requestable,
    })


@login_required
@require_GET
def stipend_pick(request):
    """The mentor's "request a stipend" select on the dashboard lands here. Anything but
    a mentorship's id (a word, a negative or an over-long number) leads to the list."""
    # Only an id: int() alone also read "-1", which the URL's <int:> then refused (a
    # server error).
    pk = query_id(request.GET.get("mentorship", ""))
    if pk is None:
        return redirect("stipend_list")
    return redirect("stipend_new", mentorship_pk=pk)


@never_cache
@sensitive_post_parameters(*BANK_FIELDS)
@login_required
@require_http_methods(["GET", "POST"])
def stipend_new(request, mentorship_pk: int):
    """One page: the bank details (the first time) and the request, saved together."""
    user = request.user
    m = _mentorship_for(request, mentorship_pk)
    details = _bank_details(user)
    if details is None and (stale := _stale_sign_in(request)):
        return stale
    context = {"m": m, "program": m.program, "details": details, "other": _other(m, user),
               "rate": m.program.stipend_rate_for(services.role_of(user, m))}
    if refusal := services.hours_refused(m, user):
        context["refusal"] = refusal
        return render(request, "payments/new.html", context)
    if not services.can_request(m):
        return render(request, "payments/new.html", context)
    if request.method == "GET" and services.nothing_to_claim_yet(m, user):
        context["since"] = services.suggested_start(m, user)
        return render(request, "payments/new.html", context)

    status = 200
    if request.method == "POST":
        form = StipendRequestForm(request.POST, mentorship=m, payee=user)
        bank_form = BankDetailsForm(request.POST) if details is None else None
        valid = form.is_valid()
        valid = (bank_form.is_valid() if bank_form is not None else True) and valid
        limited = _over_form_limit(request)
        if limited:
            form.add_error(None, LIMITED_FORM_MESSAGE)
            valid = False
        if valid:
            data = form.cleaned_data
            try:
                req = services.stipend_request_submit(
                    payee=user, mentorship=m, period_start=data["period_start"],
                    period_end=data["period_end"], hours=data["hours"], rate=data["rate"],
                    justification=data["justification"],
                    account=bank_form.account if bank_form is not None else None,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    f"Request for {req.period_label} ({req.amount} {req.currency}) sent. "
                    "We'll email you when it's paid, or if it isn't approved.")
                return redirect("stipend_detail", pk=req.pk)
        status = 429 if limited else 400
    else:
        form = StipendRequestForm(mentorship=m, payee=user)
        bank_form = BankDetailsForm(initial={"holder_name": user.name}) \
            if details is None else None
    first, last = services.window(m)
    meetings = list(services.meetings_in(m, first, last))
    start, end = form.chosen_period()
    in_period = None
    if start and end:
        for meeting in meetings:
            meeting.in_period = start <= meeting.date <= end
        in_period = [x for x in meetings if x.in_period]
    context.update({
        "form": form,
        "bank_form": bank_form,
        "forms": [f for f in (bank_form, form) if f is not None],
        "meetings": meetings,
        "period_meetings": in_period,
        "period_hours": sum(x.minutes for x in in_period or []) / 60,
        "failed": status != 200,
    })
    return render(request, "payments/new.html", context, status=status)


@never_cache
@sensitive_post_parameters(*BANK_FIELDS)
@login_required
@require_http_methods(["GET", "POST"])
def stipend_grant(request, mentorship_pk: int, phase_pk: int):
    """A scholar's request of a phase's grant: no hours, only a button (and the bank
    details the first time). Only the mentorship's scholar reaches it: anyone else,
    its mentor included, gets 404."""
    user = request.user
    m = get_object_or_404(
        Mentorship.objects.select_related("program", "mentor__user", "mentee__user"),
        pk=mentorship_pk, mentee__user=user)
    phase = get_object_or_404(Phase, pk=phase_pk, program_id=m.program_id,
                              grant__isnull=False)
    details = _bank_details(user)
    if details is None and (stale := _stale_sign_in(request)):
        return stale
    context = {"m": m, "phase": phase, "program": m.program, "details": details,
               "other": m.mentor.user,
               "refusal": grants.grant_refusal(mentorship=m, phase=phase)}
    if context["refusal"]:
        return render(request, "payments/grant.html", context)
    status = 200
    if request.method == "POST":
        bank_form = BankDetailsForm(request.POST) if details is None else None
        valid = bank_form.is_valid() if bank_form is not None else True
        limited = _over_form_limit(request)
        errors = []
        if limited:
            errors.append(LIMITED_FORM_MESSAGE)
        elif valid:
            try:
                req = grants.stipend_grant_request_submit(
                    payee=user, mentorship=m, phase=phase,
                    account=bank_form.account if bank_form is not None else None)
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                messages.success(
                    request, f"Your {phase.name} grant ({req.amount} {req.currency}) is "
                             "requested. We'll email you when it's paid.")
                return redirect("stipend_detail", pk=req.pk)
        if errors and bank_form is not None:
            for error in errors:
                bank_form.add_error(None, error)
        context["errors"] = errors
        status = 429 if limited else 400
    else:
        bank_form = BankDetailsForm(initial={"holder_name": user.name}) \
            if details is None else None
    context.update({"bank_form": bank_form, "forms": [f for f in (bank_form,) if f],
                    "failed": status != 200})
    return render(request, "payments/grant.html", context, status=status)


@login_required
@require_GET
def stipend_detail(request, pk: int):
    req = get_object_or_404(
        StipendRequest.objects.select_related(
            "program", "phase", "mentorship__mentor__user", "mentorship__mentee__user"),
        pk=pk, payee=request.user,
    )
    meetings = list(services.meetings_in(req.mentorship, req.period_start, req.period_end))
    return render(request, "payments/detail.html", {
        "req": req,
        "other": _other(req.mentorship, request.user),
        "meetings": meetings,
        "meeting_minutes": sum(x.minutes for x in meetings),
        "details": _bank_details(request.user),
    })


@never_cache
@sensitive_post_parameters(*BANK_FIELDS)
@login_required
@require_http_methods(["GET", "POST"])
def bank_details(request):
    """Add or replace the signed-in person's bank details (the form never shows the
    stored ones: it starts empty)."""
    user = request.user
    if stale := _stale_sign_in(request):
        return stale
    details = _bank_details(user)
    back = request.POST.get("next") or request.GET.get("next") or ""
    # A path on this site only: redirect() would read a bare word ("0", "home") as the
    # name of a view, a server error or a jump to some other page.
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = ""
    status = 200
    if request.method == "POST":
        form = BankDetailsForm(request.POST)
        limited = _over_form_limit(request)
        if form.is_valid() and form.account is not None and not limited:
            details = bank_details_save(user=user, account=form.account, by=user)
            messages.success(request, f"Your bank details are saved: we'll pay to "
                                      f"{details.masked}. We've emailed you to confirm.")
            return redirect(back or reverse("stipend_list"))
        if limited:
            form.add_error(None, LIMITED_FORM_MESSAGE)
        status = 429 if limited else 400
    else:
        form = BankDetailsForm(initial={"holder_name": user.name})
    return render(request, "payments/bank_details.html",
                  {"form": form, "details": details, "next": back, "forms": [form]},
                  status=status)
