from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from matching.views import default_program

from .models import ReminderPause
from .ratelimit import emailed_link_limited, too_many
from .reminders import KIND_LABELS, read_pause_token

User = get_user_model()


def home(request):
    return render(request, "home.html", {"program": default_program()})


@never_cache
def healthz(request):
    """Liveness and database reachability, for the load balancer and compose."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bare(request):
    """A bare response: the yardstick the load benchmarks compare real pages to."""
    return HttpResponse(b"ok", content_type="text/plain")


@require_http_methods(["GET", "POST"])
def reminder_pause(request, token: str):
    """Pause (or resume) one kind of reminder from the link in the email, signed in or not.

    The link shows a page with one button rather than pausing on GET: mail scanners open
    links in emails, and must not switch people's reminders off.
    """
    if emailed_link_limited(request):
        return too_many(request)
    try:
        user_id, kind = read_pause_token(token)
    except signing.SignatureExpired:
        return render(request, "reminder_pause.html", {"problem": "expired"}, status=400)
    except signing.BadSignature:
        return render(request, "reminder_pause.html", {"problem": "invalid"}, status=400)
    user = User.objects.filter(pk=user_id).first()
    if user is None or kind not in KIND_LABELS:
        return render(request, "reminder_pause.html", {"problem": "invalid"}, status=400)
    paused = ReminderPause.objects.filter(user=user, kind=kind)
    if request.method == "POST":
        if request.POST.get("action") == "resume":
            paused.delete()
            messages.success(request, f"Done: you'll get {KIND_LABELS[kind]} again.")
        else:
            ReminderPause.objects.get_or_create(user=user, kind=kind)
            messages.success(request, f"Done: no more {KIND_LABELS[kind]}.")
        return redirect("reminder_pause", token=token)
    return render(request, "reminder_pause.html", {
        "kind_label": KIND_LABELS[kind], "is_paused": paused.exists(),
    })
