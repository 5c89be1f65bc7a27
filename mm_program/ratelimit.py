"""Rate limits on public forms, emailed links and sign-in, counted in the shared cache
(Redis in production: every web worker sees the same counts).

allauth limits its own views (settings.ACCOUNT_RATE_LIMITS); everything else goes through
``over_limit`` here, with the rates in settings (``*_RATE_LIMIT``).
"""

import ipaddress

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.core import get_usage


def client_ip(request) -> str:
    """The client's address for rate limits, from the header the proxy sets.

    Takes the first entry of a list (X-Forwarded-For style) and falls back to the
    connection's address when the header is missing or not an address, so that a bad
    header never turns a form post into a server error.
    """
    header = "HTTP_" + settings.CLIENT_IP_HEADER.upper().replace("-", "_")
    candidate = request.META.get(header, "").split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a key, not a bind


def posted_email(group: str, request) -> str:
    """django-ratelimit key: the email address a form was sent with, normalised as the
    forms normalise it, so that "Ada@Example.org " and "ada@example.org" share a count."""
    return request.POST.get("email", "").strip().lower()


def over_limit(request, *, group: str, rate: str, key="ip", count: bool = False) -> bool:
    """Whether `request` is over `rate` (django-ratelimit syntax, e.g. "10/h") for `key`,
    counted in the shared cache under `group`.

    With count=False it only peeks: True once the limit has been reached, so that a form
    can be refused before anything is saved. With count=True this request counts, and
    True means it was one too many. A blank key (no email posted) is never limited.
    """
    if callable(key) and not key(group, request):
        return False
    usage = get_usage(request, group=group, key=key, rate=rate, increment=count)
    if usage is None:  # rate limiting switched off (RATELIMIT_ENABLE)
        return False
    return usage["should_limit"] if count else usage["count"] >= usage["limit"]


def too_many(request, text: str = ""):
    """The 429 page, for limited requests that have no form to show again."""
    return render(request, "429.html", {"text": text}, status=429)


LIMITED_FORM_MESSAGE = (
    "You've sent this form many times in a short while, so we've paused it for a few "
    "minutes. Please send it again a little later: nothing you typed is lost."
)


def emailed_link_limited(request) -> bool:
    """Counts this request to an emailed link (all kinds share one count per client
    address, so probing tokens of one kind or another adds up)."""
    return over_limit(request, group="emailed-link", rate=settings.LINK_RATE_LIMIT,
                      count=True)
