import time

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .calendar import calendar_events, calendar_reset, calendar_token, calendar_user
from .calendar import calendar_feed as calendar_feed_ics
from .celery import app as celery_app
from .models import Message, MessageStatus, ReminderPause
from .ratelimit import emailed_link_limited, too_many
from .reminders import KIND_LABELS, read_pause_token

User = get_user_model()


def _probe(check) -> dict:
    started = time.perf_counter()
    try:
        detail = check() or {}
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        return {"ok": False, "error": f"{type(exc).__name__}: {str(exc).strip()[:200]}"}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1), **detail}


def _database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        connection.close()  # the next request connects afresh
        raise


def _cache() -> None:
    cache.get("healthz")


def _broker() -> dict | None:
    if celery_app.conf.task_always_eager:
        return {"mode": "in-process"}
    with celery_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=2)
        broker.default_channel  # noqa: B018 - opening the channel talks to Redis
    return None


def _email() -> dict:
    """The message log's backlog: what waits to be sent, and since when."""
    waiting = Message.objects.filter(status__in=[MessageStatus.QUEUED, MessageStatus.SENDING])
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    return {"waiting": waiting.count(),
            "oldest_seconds": round((timezone.now() - oldest).total_seconds()) if oldest else 0}


@never_cache
def healthz(request):
    """Each dependency, for the load balancer, compose and people: the database, the
    cache, the broker, and the email backlog. 200 while the database answers (the site
    works, perhaps degraded), 503 when it does not."""
    checks = {"database": _probe(_database), "cache": _probe(_cache),
              "broker": _probe(_broker)}
    if checks["database"]["ok"]:
        checks["email"] = _probe(_email)
    healthy = all(check["ok"] for check in checks.values())
    status = "ok" if healthy else "degraded" if checks["database"]["ok"] else "down"
    return JsonResponse({"status": status, **checks},
                        status=200 if checks["database"]["ok"] else 503)


def favicon(request):
    """Browsers ask for /favicon.ico on pages without an icon link (the admin's). The
    static URL is looked up per request: the manifest may not exist at import time."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def _pause_target(token: str):
    """(user, kind) of a pause link, or the problem ("expired" or "invalid")."""
    try:
        user_id, kind = read_pause_token(token)
    except signing.SignatureExpired:
        return None, None, "expired"
    except signing.BadSignature:
        return None, None, "invalid"
    user = User.objects.filter(pk=user_id).first()
    if user is None or kind not in KIND_LABELS:
        return None, None, "invalid"
    return user, kind, None


@csrf_exempt  # the signed token is the authority; mail clients post without a session
@require_POST
def reminder_pause_one_click(request, token: str):
    """RFC 8058 one-click pause: the mail client's own "Unsubscribe" button POSTs here
    (List-Unsubscribe-Post). Only a POST pauses, so a scanner fetching links cannot."""
    if emailed_link_limited(request):
        return too_many(request)
    user, kind, problem = _pause_target(token)
    if problem:
        return HttpResponse(f"This pause link is {problem}.", status=400,
                            content_type="text/plain")
    ReminderPause.objects.get_or_create(user=user, kind=kind)
    return HttpResponse(f"Paused: no more {KIND_LABELS[kind]}.", content_type="text/plain")


@require_http_methods(["GET", "POST"])
def reminder_pause(request, token: str):
    """Pause (or resume) one kind of reminder from the link in the email, signed in or not.

    The link shows a page with one button rather than pausing on GET: mail scanners open
    links in emails, and must not switch people's reminders off.
    """
    if emailed_link_limited(request):
        return too_many(request)
    user, kind, problem = _pause_target(token)
    if problem:
        return render(request, "reminder_pause.html", {"problem": problem}, status=400)
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


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request):
    """The person's calendar feed address, to paste into their calendar app, and a button
    that gives them a new one (the old one then stops working)."""
    if request.method == "POST":
        calendar_reset(user=request.user)
        messages.success(request, "Your calendar has a new address: the old one no longer "
                                  "works. Paste this one into your calendar app again.")
        return redirect("calendar")
    url = request.build_absolute_uri(reverse("calendar_feed", args=[calendar_token(request.user)]))
    return render(request, "calendar.html", {
        "feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1],
        "events": calendar_events(request.user),
    })


@never_cache
@require_GET
def calendar_feed(request, token):
    """The calendar file itself, for calendar apps (no session: the address is the key)."""
    user = calendar_user(token)
    if user is None:
        raise Http404("No calendar at this address: it may have been reset.")
    response = HttpResponse(calendar_feed_ics(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mentorship.ics"'
    # The address is the secret: keep it out of other sites' Referer headers.
    response["Referrer-Policy"] = "no-referrer"
    return response
