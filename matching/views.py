from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from .forms import MenteeApplicationForm, MentorApplicationForm
from .models import MenteeApplication, MentorApplication, Program
from .services.applications import application_submit

FORMS = {"mentee": MenteeApplicationForm, "mentor": MentorApplicationForm}
SESSION_KEY = "last_application"


def apply_rate(group, request):
    # Read at request time so that settings overrides (tests, env) take effect.
    return settings.APPLY_RATE_LIMIT


def default_program() -> Program | None:
    """The program the plain /apply/ links go to: the oldest open one, else the newest."""
    return (
        Program.objects.open().order_by("created_at", "pk").first()
        or Program.objects.order_by("-created_at", "-pk").first()
    )


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=apply_rate, method="POST", block=False, group="apply")
def apply(request, role: str, slug: str | None = None):
    if role not in FORMS:
        raise Http404
    program = get_object_or_404(Program, slug=slug) if slug else default_program()
    if program is None:
        raise Http404("No program has been set up yet.")
    form_class = FORMS[role]
    context = {"program": program, "role": role}

    if not program.accepts_applications:
        return render(request, "matching/apply_closed.html", context, status=200)

    if request.method == "POST":
        form = form_class(request.POST, program=program)
        if getattr(request, "limited", False):
            form.is_valid()  # keep what was typed, shown back with the message
            form.add_error(
                None,
                "We've received many applications from your network in the last hour. "
                "Please wait a while and send this form again: nothing you typed is lost.",
            )
            return render(request, "matching/apply.html", {**context, "form": form},
                          status=429)
        if form.honeypot_filled():
            # Looks like success to the bot; nothing is saved or sent.
            request.session[SESSION_KEY] = {"role": role, "program": program.name}
            return redirect("apply_thanks", role=role)
        if form.is_valid():
            application = form.save(commit=False)
            application.program = program
            result = application_submit(
                application=application, research_areas=form.cleaned_data["research_areas"]
            )
            request.session[SESSION_KEY] = {
                "role": role,
                "program": program.name,
                "email": result.application.email,
                "updated": result.updated_existing,
                "low_hours": getattr(result.application, "flagged_low_hours", False),
            }
            return redirect("apply_thanks", role=role)
        status = 400
    else:
        form = form_class(program=program)
        status = 200
    return render(request, "matching/apply.html", {**context, "form": form}, status=status)


def apply_thanks(request, role: str):
    if role not in FORMS:
        raise Http404
    submitted = request.session.get(SESSION_KEY)
    if not submitted or submitted.get("role") != role:
        return redirect("home")
    return render(request, "matching/apply_thanks.html", {"submitted": submitted, "role": role})


@login_required
def dashboard(request):
    """What a signed-in person sees first: their applications and their roles."""
    user = request.user
    mentee_apps = (
        MenteeApplication.objects.for_user(user).select_related("program")
        .prefetch_related("research_areas")
    )
    mentor_apps = (
        MentorApplication.objects.for_user(user).select_related("program")
        .prefetch_related("research_areas")
    )
    return render(
        request,
        "matching/dashboard.html",
        {
            "mentee_applications": mentee_apps,
            "mentor_applications": mentor_apps,
            "mentor_roles": user.mentor_roles.select_related("program"),
            "mentee_roles": user.mentee_roles.select_related("program"),
        },
    )
