"""Error reports (Django's debug page, and anything else that renders an ExceptionReporter)
without the passwords written inside URLs.

Django's filter hides a setting by its name (``SECRET_KEY``, ``EMAIL_HOST_PASSWORD``), but
``REDIS_URL``, ``CELERY_BROKER_URL`` and ``CACHES["default"]["LOCATION"]`` are named like
harmless settings and carry the Redis password in the URL (``redis://:password@host``).
This filter also replaces the userinfo of every URL in every setting, in the request's
META (runserver copies the environment into it) and in the traceback's local variables,
and keeps the rest of the URL readable: which host and database failed is what a report
is for.
"""

import re

from django.views.debug import SafeExceptionReporterFilter

# scheme://userinfo@ : the userinfo ends at the last "@" before the host (a password may
# itself hold an unescaped "@"), and never spans a path, a query or white space.
URL_USERINFO = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)(?P<userinfo>[^/?#\s]*)@",
                          re.IGNORECASE)


def mask_url_passwords(text: str, substitute: str) -> str:
    """`text` with the password of each URL in it replaced: `redis://:pw@redis:6379/0`
    becomes `redis://:****@redis:6379/0`; a userinfo without a password
    (`https://token@host`) is often a token itself and is replaced whole."""

    def masked(match: re.Match) -> str:
        user, colon, _password = match["userinfo"].partition(":")
        kept = f"{user}:" if colon else ""
        return f"{match['scheme']}{kept}{substitute}@"

    return URL_USERINFO.sub(masked, text)


class CredentialsReporterFilter(SafeExceptionReporterFilter):
    def cleanse_setting(self, key, value):
        # Django's recurses into dicts, lists and tuples through this method, so every
        # string of a nested setting (CACHES, DATABASES) comes through here.
        cleansed = super().cleanse_setting(key, value)
        if isinstance(cleansed, str):
            return mask_url_passwords(cleansed, self.cleansed_substitute)
        return cleansed

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, mask_url_passwords(value, self.cleansed_substitute)
             if isinstance(value, str) else value)
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]
