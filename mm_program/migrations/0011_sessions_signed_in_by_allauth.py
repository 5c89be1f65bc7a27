"""Keep people signed in across the removal of ``mm_program.fast_auth``.

A session stores the import path of the backend that signed it in, and Django treats a
session whose path is no longer in AUTHENTICATION_BACKENDS as signed out. Sessions signed
in while ``mm_program.fast_auth.Backend`` (allauth's backend with a cached ``get_user``)
was listed hold its path; this rewrites them to allauth's own backend, which signs people
in now. Each session is decoded and encoded again as Django does (with SECRET_KEY, or a
key in SECRET_KEY_FALLBACKS while one still reads it); one that can't be decoded is left
as it is, which Django already treats as signed out.
"""

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import migrations
from django.utils import timezone

REMOVED_BACKEND = "mm_program.fast_auth.Backend"
ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"
BATCH = 500


def move_sessions(apps, schema_editor):
    sessions = apps.get_model("sessions", "Session").objects.using(
        schema_editor.connection.alias)
    live = sessions.filter(expire_date__gt=timezone.now()).order_by("session_key")
    # Only the store's decoding and encoding are used; no session is loaded by key.
    store = SessionStore()
    last = ""
    while batch := list(live.filter(session_key__gt=last)[:BATCH]):
        last = batch[-1].session_key
        moved = []
        for session in batch:
            data = store.decode(session.session_data)
            if data.get(BACKEND_SESSION_KEY) == REMOVED_BACKEND:
                data[BACKEND_SESSION_KEY] = ALLAUTH_BACKEND
                session.session_data = store.encode(data)
                moved.append(session)
        sessions.bulk_update(moved, ["session_data"])


class Migration(migrations.Migration):
    dependencies = [
        ("mm_program", "0010_message_sweeper_schedule"),
        ("sessions", "0001_initial"),
    ]

    # Nothing to undo: allauth's path was accepted before this migration too.
    operations = [migrations.RunPython(move_sessions, migrations.RunPython.noop)]
