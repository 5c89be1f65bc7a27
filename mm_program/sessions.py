"""How long a sign-in lasts, and when a page asks for a fresh one.

A participant (a mentee or a mentor, never staff) comes back about once a month: to
request a stipend, record a final project, log a meeting. A two-week session meant a
new sign-in, with a code emailed and typed, on nearly every visit (issue 18 counts each).
So a participant's session lasts ``PARTICIPANT_SESSION_AGE`` (six weeks by default) after
their *last visit*: used at least once in that time, it stays open for the program; left
alone, it ends as before. Staff sessions (organizers, payments officers, who can read
other people's data and reveal bank details) keep the fixed ``SESSION_COOKIE_AGE`` from
their sign-in.

What a long session could be used for, by someone who got hold of the browser, is then
narrowed: a page that saves where a person is paid asks for a sign-in within the last
``RECENT_SIGN_IN_SECONDS`` (a code emailed again, allauth's reauthentication), and every
change of bank details is emailed to the person as before.
"""

from __future__ import annotations

import time

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.utils import timezone

SIGNED_IN_AT = "mm_signed_in_at"
RENEWED_ON = "mm_session_renewed_on"


def is_participant(user) -> bool:
    return user.is_authenticated and not (user.is_staff or user.is_superuser)


@receiver(user_logged_in)
def _remember_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()
        if is_participant(user):  # saved with the sign-in: no extra write on the next page
            _renew(request.session)


def _renew(session) -> None:
    session.set_expiry(settings.PARTICIPANT_SESSION_AGE)
    session[RENEWED_ON] = timezone.localdate().isoformat()


def signed_in_recently(request, seconds: int | None = None) -> bool:
    """True when the person signed in, or confirmed it was them with a code, within
    `seconds` (``RECENT_SIGN_IN_SECONDS`` by default)."""
    seconds = settings.RECENT_SIGN_IN_SECONDS if seconds is None else seconds
    times = [request.session.get(SIGNED_IN_AT) or 0]
    times += [record.get("at") or 0 for record in get_authentication_records(request)]
    return time.time() - max(times) < seconds


class ParticipantSessionMiddleware:
    """Renews a participant's session once a day they use it, for
    ``PARTICIPANT_SESSION_AGE`` (one session write a day, not one a request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and is_participant(user)
                and request.session.get(RENEWED_ON) != timezone.localdate().isoformat()):
            _renew(request.session)
        return response
