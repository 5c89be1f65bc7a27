"""Whole pages kept in the shared cache until anything in the database changes.

The pages people load most (the blank application forms, a person's own dashboard) are
rendered from a dozen tables. Working out which rows a page read, and invalidating it when
one of them changes, is error-prone; this module does the simple, safe thing instead:

- a **generation**, a random token in the shared cache, changes whenever any process
  writes to the database through Django (a wrapper on every connection sees each INSERT,
  UPDATE and DELETE, whether from the ORM, ``QuerySet.update()``, ``bulk_create`` or raw
  SQL; writes inside a transaction change it when the transaction commits);
- a cached page's key holds the generation, so a page is never served from before the
  last write. Keys also hold today's date (pages show "next step" by date) and the pages
  expire after ``PAGE_CACHE_SECONDS`` whatever happens, which bounds what a write made
  while the cache was unreachable can leave behind. Starting the web app (wsgi.py) also
  changes the generation, so a deploy never serves pages its predecessor rendered.

Only the per-request parts are left out: the CSRF token is rendered as a placeholder and
swapped for the visitor's own token on every response, and a request with messages to
show (just after a form was saved) is rendered afresh. Writes to tables no kept page reads
don't count (``IGNORED_TABLES``: sessions, the email log, beat's bookkeeping).

The cache must be shared by every process that writes (web, workers, manage.py), so it is
on by default only with REDIS_URL set, and in tests (one process).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import pickle
import secrets
import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connections, transaction
from django.db.backends.signals import connection_created
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"
WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCA", "REPLAC")
# Tables no kept page or value reads, so their writes leave pages alone: sessions (who
# is signed in is in each page's key), the email log (written for every reminder the
# workers send) and beat's bookkeeping (written on every scheduled run). Without these,
# background work would empty the cache every few seconds. tests/test_page_cache.py
# checks that rendering the kept pages reads none of them: a page that starts to must
# take its table out of this list.
IGNORED_TABLES = ('"django_session"', '"mm_program_message"',
                  '"django_celery_beat_periodictask"', '"django_celery_beat_periodictasks"')


def _csrf_placeholder() -> str:
    """A stand-in for the CSRF token that no visitor can guess, so nobody can type it
    into a field to have someone else's token put in its place."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"page-cache-csrf", hashlib.sha256)
    return "csrf" + digest.hexdigest()[:40]


# --- The generation -------------------------------------------------------------------

# Within one request the generation is read once (a request may look up several kept
# things); a write in the request forgets it. Outside requests (tasks, commands) it is
# read every time.
_request = threading.local()


def _request_started(**kwargs) -> None:
    _request.active = True
    _request.generation = None


def _request_finished(**kwargs) -> None:
    _request.active = False
    _request.generation = None


def generation() -> str:
    if getattr(_request, "active", False) and _request.generation is not None:
        return _request.generation
    value = cache.get(GENERATION_KEY)
    if value is None:
        # First use, or the cache was emptied: a new token never seen before, so no page
        # kept under an old one can come back.
        cache.add(GENERATION_KEY, secrets.token_hex(8), timeout=None)
        value = cache.get(GENERATION_KEY)
    if getattr(_request, "active", False):
        _request.generation = value
    return value


# When the cache fails (unreachable, or refusing writes), this process stops using it for
# DOWN_SECONDS and forgets what it kept: a write it could not announce must not leave its
# own pages stale, and a Redis that hangs must not cost every request its timeout. The
# announcement it owes is made before the cache is used again.
DOWN_SECONDS = 10
_state = {"down_until": 0.0, "owed_bump": False}


def _mark_down(what: str, exc: Exception) -> None:
    # One line per failure, no traceback: every write says so while Redis is away.
    logger.warning("Page cache: %s failed (%s); not used for %s s", what, exc, DOWN_SECONDS)
    _state["down_until"] = time.monotonic() + DOWN_SECONDS
    _recent.clear()


def _set_generation() -> bool:
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except Exception as exc:  # noqa: BLE001 - the cache's client raises its own errors
        _state["owed_bump"] = True
        _mark_down("marking pages stale", exc)
        return False
    _state["owed_bump"] = False
    return True


def _usable() -> bool:
    if time.monotonic() < _state["down_until"]:
        return False
    return not _state["owed_bump"] or _set_generation()


def bump() -> None:
    """Make every cached page stale. Never raises: a write must not fail because the
    cache is unreachable (see DOWN_SECONDS for what happens then)."""
    _request.generation = None
    if time.monotonic() < _state["down_until"]:
        _state["owed_bump"] = True
        return
    _set_generation()


def _bump_after_commit() -> None:
    """bump(), under a name of its own: watch_writes finds it among a transaction's
    on-commit callbacks to queue it once, and _bypass to know the transaction wrote."""
    bump()


def _is_write(sql: str) -> bool:
    head = sql.lstrip()[:6].upper()
    if head not in WRITES:
        return False
    start = sql[:80]
    return not any(table in start for table in IGNORED_TABLES)


def watch_writes(execute, sql, params, many, context):
    """Execute wrapper: changes the generation after each write that is kept."""
    result = execute(sql, params, many, context)
    if settings.PAGE_CACHE and isinstance(sql, str) and _is_write(sql):
        connection = context["connection"]
        if settings.PAGE_CACHE_BUMP_EACH_WRITE or not connection.in_atomic_block:
            # In autocommit mode the write is visible now. (Tests run inside a
            # transaction that never commits, so there each write counts at once.)
            bump()
        elif not any(callback is _bump_after_commit
                     for _, callback, _ in connection.run_on_commit):
            # Inside a transaction: once it commits, so that a reader never keeps what it
            # read before the commit under the new generation.
            transaction.on_commit(_bump_after_commit, using=connection.alias, robust=True)
    return result


def install(sender, connection, **kwargs) -> None:
    if watch_writes not in connection.execute_wrappers:
        # First in the list: Django's execute_wrapper() context manager pops the last one
        # on exit, which must stay the one it added.
        connection.execute_wrappers.insert(0, watch_writes)


def connect() -> None:
    """Called from the app's ready(): every new database connection gets the wrapper."""
    connection_created.connect(install, dispatch_uid="mm_program.page_cache.install")
    request_started.connect(_request_started, dispatch_uid="mm_program.page_cache.started")
    request_finished.connect(_request_finished, dispatch_uid="mm_program.page_cache.finished")
    for connection in connections.all(initialized_only=True):
        install(None, connection)


# --- Pages ------------------------------------------------------------------------------

def enabled() -> bool:
    return settings.PAGE_CACHE


# Pages this process served lately, by cache key: big pages (the mentee form lists every
# time zone and listed mentor) cost more to fetch from Redis than to copy here. The key
# holds the generation, so this is exactly as fresh as the shared cache. Entries, here and
# in Redis, carry the moment they expire (wall clock), so a copy lives no longer than
# the page it copies.
_recent: dict[str, tuple[float, bytes]] = {}
RECENT_KEPT = 256


def _bypass() -> bool:
    """True where nothing may be read from or kept in the cache: turned off, failing, or
    inside a transaction that has written (what it reads may yet be rolled back)."""
    if not enabled() or not _usable():
        return True
    connection = connections["default"]
    return connection.in_atomic_block and any(
        callback is _bump_after_commit for _, callback, _ in connection.run_on_commit)


def _lookup(key: str, *, shared: bool) -> bytes | None:
    found = _recent.get(key)
    if found is None and shared:
        found = cache.get(key)
    if found is None or found[0] < time.time():
        return None
    if key not in _recent:
        _keep_recent(key, found)
    return found[1]


def _keep(key: str, data: bytes, *, shared: bool) -> None:
    entry = (time.time() + settings.PAGE_CACHE_SECONDS, data)
    if shared:
        try:
            cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
        except Exception as exc:  # noqa: BLE001
            _mark_down("keeping a page", exc)
            return
    _keep_recent(key, entry)


def forget() -> None:
    """Forget what this process kept and any failure it saw (tests, between cases)."""
    _recent.clear()
    _state.update(down_until=0.0, owed_bump=False)


def _keep_recent(key: str, entry: tuple[float, bytes]) -> None:
    if len(_recent) >= RECENT_KEPT:
        _recent.clear()
    _recent[key] = entry


def render_cached(request, template_name: str, context: Callable[[], dict], *,
                  key: tuple) -> HttpResponse:
    """The page `template_name` renders from `context()`, from the cache when nothing has
    been written since it was rendered for the same `key` (who is asking and what)."""
    if request.method != "GET" or len(get_messages(request)) or _bypass():
        return HttpResponse(render_to_string(template_name, context(), request))
    placeholder = _csrf_placeholder()
    try:
        page_key = _page_key(key, placeholder)
        page = _lookup(page_key, shared=True)
    except Exception as exc:  # noqa: BLE001 - an unreachable cache only costs speed
        _mark_down("reading a page", exc)
        return HttpResponse(render_to_string(template_name, context(), request))
    if page is None:
        page = render_to_string(template_name, {**context(), "csrf_token": placeholder},
                                request).encode()
        _keep(page_key, page, shared=True)
    token = placeholder.encode()
    if token in page:
        page = page.replace(token, get_token(request).encode())
    return HttpResponse(page)


def cached_value(name: str, compute: Callable[[], object], *, shared: bool = True):
    """`compute()`'s result, kept like a page until the next write. Each caller gets its
    own copy (unpickled), so a caller changing it changes nobody else's. With `shared`
    False it is kept in this process only, never written to the shared cache."""
    if _bypass():
        return compute()
    try:
        value_key = _page_key(("value", name), _csrf_placeholder())
        kept = _lookup(value_key, shared=shared)
    except Exception as exc:  # noqa: BLE001 - an unreachable cache only costs speed
        _mark_down("reading a value", exc)
        return compute()
    if kept is None:
        value = compute()
        _keep(value_key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL),
              shared=shared)
        return value
    return pickle.loads(kept)  # noqa: S301 - bytes this app pickled itself


def _page_key(key: tuple, placeholder: str) -> str:
    # The placeholder depends on SECRET_KEY: a page kept under another key would carry a
    # placeholder this process doesn't replace.
    parts = repr((generation(), timezone.localdate().isoformat(), placeholder, *key))
    return "page-cache:" + hashlib.sha256(parts.encode()).hexdigest()
