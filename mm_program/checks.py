"""Start-up guards and system checks of the ground: a real SECRET_KEY, and with DEBUG off,
a real field-encryption key.

The key checks run with ``manage.py check`` (``--deploy`` included) and before
``migrate``, which the web container runs when it starts: a deployment without
FIELD_ENCRYPTION_KEYS, or with the published development key, stops there with a clear
message.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

from . import crypto


def require_real_secret_key() -> None:
    """Refuse to serve with the development key or .env.example's placeholder.

    Called where production processes start (the WSGI app, the Celery worker), not at
    settings import, so that management commands keep working in development.
    """
    key = settings.SECRET_KEY
    if settings.DEBUG:
        return
    if key.startswith("django-insecure-") or "change-me" in key or len(key) < 40:
        raise ImproperlyConfigured(
            "Set SECRET_KEY to a long random value (40+ characters) when DEBUG is off; "
            "see .env.example."
        )



@register(Tags.security)
def encryption_keys(app_configs=None, **kwargs):
    errors = []
    keys = crypto.configured_keys()
    production = not settings.DEBUG and not getattr(settings, "TESTING", False)
    if not keys:
        if production:
            errors.append(Error(
                "FIELD_ENCRYPTION_KEYS is not set: bank details and sign-in emails cannot be "
                "encrypted.",
                hint="Set it to one or more Fernet keys, newest first (see .env.example).",
                id="mm_program.E001"))
        return errors
    try:
        crypto._fernets(tuple(keys))
    except crypto.EncryptionKeyMissing as exc:
        errors.append(Error(str(exc), id="mm_program.E002"))
    dev_key = getattr(settings, "DEV_FIELD_ENCRYPTION_KEY", "")
    if production and dev_key in keys:
        errors.append(Error(
            "FIELD_ENCRYPTION_KEYS contains the published development key.",
            hint="Generate a new key, put it first, run `manage.py rotate_field_encryption`, "
                 "then remove the development key.",
            id="mm_program.E003"))
    if len(set(keys)) != len(keys):
        errors.append(Error("FIELD_ENCRYPTION_KEYS lists the same key twice.",
                            id="mm_program.E004"))
    return errors
