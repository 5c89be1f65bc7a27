"""When PostgreSQL can't be reached: a 503 that tells the truth, and one log line.

Without this a database outage answers every page with the 500 page and logs a
traceback per request. ``DatabaseOutageMiddleware`` answers instead with ``503.html``
(status 503, ``Retry-After``): it says that nothing from the page was saved, and on a
form's page the browser's copy of the answers is sent again by ``static/js/outage.js``
(the interest forms keep one: ``static/js/app.js``). It catches the error wherever it was
raised, in a view or in another middleware (a session read), through Django's
``got_request_exception`` signal. ``OneLineOutage`` turns the logged error into one line.
"""

from __future__ import annotations

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

RETRY_AFTER_SECONDS = 30
# PostgreSQL's SQLSTATEs for "no database to talk to": connection exceptions (class 08),
# and the server shutting down or starting up.
UNREACHABLE_STATES = ("08", "57P01", "57P02", "57P03")


def is_database_outage(exc: BaseException | None) -> bool:
    """Whether `exc` (or what caused it) says the database can't be reached, rather than
    that a query was wrong or lost a race."""
    while exc is not None:
        if isinstance(exc, InterfaceError):
            return True  # the connection is closed
        if isinstance(exc, OperationalError):
            cause = exc.__cause__
            if not hasattr(cause, "pgcode"):
                return False  # not PostgreSQL (SQLite's "locked" is no outage)
            return cause.pgcode is None or cause.pgcode.startswith(UNREACHABLE_STATES)
        exc = exc.__cause__ or exc.__context__
    return False


def outage_response(request) -> HttpResponse:
    """The honest page. Rendered without the database: no context processors, no user."""
    html = render_to_string("503.html", {
        "is_post": request.method == "POST", "retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _mark_request(sender, request=None, **kwargs) -> None:
    if request is not None and is_database_outage(sys.exc_info()[1]):
        request.database_unreachable = True


got_request_exception.connect(_mark_request, dispatch_uid="mm_program.outage")


class DatabaseOutageMiddleware:
    """503 and the honest page instead of a 500, whatever part of the request found the
    database gone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "database_unreachable", False):
            # Logged already, as one line (OneLineOutage), where the error was caught.
            response = outage_response(request)
            response._has_been_logged = True
        return response

    def process_exception(self, request, exception):
        # Django logs the 503 as one line ("Service Unavailable: /path").
        return outage_response(request) if is_database_outage(exception) else None


class OneLineOutage(logging.Filter):
    """On django.request: a database outage is one line, not a traceback per request."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and is_database_outage(record.exc_info[1]):
            exc = record.exc_info[1]
            record.msg = f"{record.msg} (database unreachable: {type(exc).__name__})"
            record.exc_info = None
            record.exc_text = None
        return True
