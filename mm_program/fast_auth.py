"""The two lookups behind every signed-in request, without the ORM's query building.

(The user is also kept in the process until the next database write: see get_user.)

Loading the session and then the user took two ORM queries on every signed-in request:
measured on the mentor dashboard served from the page cache, building those two querysets
and compiling their SQL cost more than everything else the request did. The SQL here is
the same the ORM would send (one row by primary key, the session only while unexpired);
everything else (decoding, the session hash check, inactive users) stays Django's.
"""

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone

from mm_program import page_cache


class SessionStore(db.SessionStore):
    """``SESSION_ENGINE = "mm_program.fast_auth"``: Django's database sessions."""

    def load(self):
        if self.session_key is None:
            return {}
        model = self.model
        connection = connections[router.db_for_read(model)]
        quote = connection.ops.quote_name
        sql = (
            # Only quoted names are interpolated; the values are parameters.
            f"SELECT {quote('session_data')} FROM {quote(model._meta.db_table)} "  # noqa: S608
            f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
        )
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            # As Django's: an unknown or expired key is dropped, and a new one made on save.
            self._session_key = None
            return {}
        return self.decode(row[0])


class Backend(AuthenticationBackend):
    """allauth's backend, with the user of a signed-in session fetched by one raw query
    (converted as the ORM converts it)."""

    def get_user(self, user_id):
        User = get_user_model()
        try:
            pk = User._meta.pk.to_python(user_id)
        except Exception:  # noqa: BLE001 - as Django's: a bad id is nobody
            return None
        # Kept in this process until the next database write, like the pages (the page
        # cache's generation is read once per request anyway); never in Redis, as the row
        # holds the password hash.
        user = page_cache.cached_value(f"user:{pk}", lambda: self._fetch(User, pk),
                                       shared=False)
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _fetch(User, pk):
        using = router.db_for_read(User)
        quote = connections[using].ops.quote_name
        sql = (f"SELECT * FROM {quote(User._meta.db_table)} "  # noqa: S608 - names only
               f"WHERE {quote(User._meta.pk.column)} = %s")
        return next(iter(User._default_manager.db_manager(using).raw(sql, [pk])), None)
