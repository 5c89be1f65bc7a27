"""System checks: with DEBUG off, bank details need a real encryption key.

They run with ``manage.py check`` (``--deploy`` included) and before ``migrate``, which
the web container runs when it starts: a deployment without FIELD_ENCRYPTION_KEYS, or
with the published development key, stops there with a clear message.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

from . import crypto


@register(Tags.security)
def encryption_keys(app_configs=None, **kwargs):
    errors = []
    keys = crypto.configured_keys()
    production = not settings.DEBUG and not getattr(settings, "TESTING", False)
    if not keys:
        if production:
            errors.append(Error(
                "FIELD_ENCRYPTION_KEYS is not set: bank details cannot be encrypted.",
                hint="Set it to one or more Fernet keys, newest first (see .env.example).",
                id="payments.E001"))
        return errors
    try:
        crypto._fernets(tuple(keys))
    except crypto.EncryptionKeyMissing as exc:
        errors.append(Error(str(exc), id="payments.E002"))
    dev_key = getattr(settings, "DEV_FIELD_ENCRYPTION_KEY", "")
    if production and dev_key in keys:
        errors.append(Error(
            "FIELD_ENCRYPTION_KEYS contains the published development key.",
            hint="Generate a new key, put it first, run `manage.py rotate_field_encryption`, "
                 "then remove the development key.",
            id="payments.E003"))
    if len(set(keys)) != len(keys):
        errors.append(Error("FIELD_ENCRYPTION_KEYS lists the same key twice.",
                            id="payments.E004"))
    return errors
