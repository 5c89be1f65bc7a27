"""Who is signed in: Django's database sessions and allauth's backend, as shipped, and
the sessions the removed ``mm_program.fast_auth`` signed in still working after a deploy
(migration mm_program 0011)."""

from datetime import timedelta
from importlib import import_module
from types import SimpleNamespace

import pytest
from allauth.account.adapter import get_adapter
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from .factories import MentorFactory

DASHBOARD = reverse("dashboard")
ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
REMOVED_BACKEND = "mm_program.fast_auth.Backend"
migration = import_module("mm_program.migrations.0011_sessions_signed_in_by_allauth")


@pytest.fixture
def grace(program):
    return MentorFactory(program=program, user__name="Grace Hopper")


def _session_of(user, backend: str) -> str:
    """A session saved as signing in with `backend` saved it; returns its key."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def _move_sessions():
    # The migration reads only the connection from its schema editor.
    migration.move_sessions(apps, SimpleNamespace(connection=connection))


def test_the_stock_engine_and_backends(client, grace):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.AUTHENTICATION_BACKENDS == [
        "django.contrib.auth.backends.ModelBackend", ALLAUTH_BACKEND]
    client.force_login(grace.user, backend=ALLAUTH_BACKEND)
    assert client.get(DASHBOARD).status_code == 200


def test_a_sign_in_by_emailed_code_stores_allauths_backend(rf, grace):
    request = rf.get("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    get_adapter(request).login(request, grace.user)
    assert request.session[BACKEND_SESSION_KEY] == ALLAUTH_BACKEND


def test_a_session_the_removed_backend_signed_in_stays_signed_in(client, grace, program):
    key = _session_of(grace.user, REMOVED_BACKEND)
    other = MentorFactory(program=program).user
    untouched = _session_of(other, ALLAUTH_BACKEND)
    Session.objects.create(session_key="x" * 32, session_data="not signed",
                           expire_date=timezone.now() + timedelta(days=1))
    before = {s.session_key: s.session_data for s in Session.objects.all()}

    _move_sessions()

    client.cookies[settings.SESSION_COOKIE_NAME] = key
    assert client.get(DASHBOARD).status_code == 200
    assert SessionStore(session_key=key).load()[BACKEND_SESSION_KEY] == ALLAUTH_BACKEND
    after = {s.session_key: s.session_data for s in Session.objects.all()}
    assert after[untouched] == before[untouched]
    assert after["x" * 32] == "not signed"


def test_a_session_signed_with_a_retired_key_is_moved_too(grace, settings):
    key = _session_of(grace.user, REMOVED_BACKEND)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "k" * 50
    _move_sessions()
    settings.SECRET_KEY_FALLBACKS = []  # the session reads with the new key alone now
    assert SessionStore(session_key=key).load()[BACKEND_SESSION_KEY] == ALLAUTH_BACKEND


def test_an_expired_session_signs_nobody_in(client, grace):
    client.force_login(grace.user, backend=ALLAUTH_BACKEND)
    assert client.get(DASHBOARD).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(DASHBOARD)
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_a_deactivated_or_deleted_user_is_signed_out(client, grace, program):
    client.force_login(grace.user, backend=ALLAUTH_BACKEND)
    assert client.get(DASHBOARD).status_code == 200
    type(grace.user).objects.filter(pk=grace.user.pk).update(is_active=False)
    assert client.get(DASHBOARD).status_code == 302

    other = MentorFactory(program=program)
    client.force_login(other.user, backend=ALLAUTH_BACKEND)
    assert client.get(DASHBOARD).status_code == 200
    other.user.delete()
    assert client.get(DASHBOARD).status_code == 302


def test_a_changed_password_ends_other_sessions(client, grace):
    client.force_login(grace.user, backend=ALLAUTH_BACKEND)
    assert client.get(DASHBOARD).status_code == 200
    grace.user.set_password("a new long passphrase")
    grace.user.save()
    assert client.get(DASHBOARD).status_code == 302
