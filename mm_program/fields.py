"""A text column encrypted at rest (see ``mm_program.crypto``)."""

import base64
import binascii

from django.db import models

from . import crypto
from .crypto import Sealed


def _looks_like_token(value: str) -> bool:
    """A Fernet token: url-safe base64 of version byte 0x80, timestamp, IV, data, HMAC."""
    if not value.startswith("gAAAAA"):
        return False
    try:
        raw = base64.urlsafe_b64decode(value.encode())
    except (binascii.Error, ValueError):
        return False
    return raw[:1] == b"\x80" and len(raw) >= 73


class EncryptedTextField(models.TextField):
    """Stores a Fernet token; reads back a ``Sealed`` value that prints as dots.

    Assign plaintext (a str) to set it; call ``reveal()`` on what was read to decrypt.
    Every save re-encrypts under the newest key. The column cannot be searched, ordered
    or made unique (every encryption differs): keep a fingerprint column for that. It is
    never editable in a model form or the admin: forms of this app handle the plaintext
    and call the services.
    """

    description = "Text encrypted at rest with FIELD_ENCRYPTION_KEYS"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return Sealed(value)

    def to_python(self, value):
        if isinstance(value, str) and _looks_like_token(value):
            return Sealed(value)  # from a fixture written by dumpdata
        return value

    def get_prep_value(self, value):
        if value is None or value == "":
            return value
        if isinstance(value, Sealed):
            return crypto.rotate(value.token)
        return crypto.encrypt(str(value))

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        if isinstance(value, Sealed):
            return value.token
        return crypto.encrypt(value) if value else ""

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # "Unsupported lookup": an encrypted value cannot be compared

    def formfield(self, **kwargs):
        return None
