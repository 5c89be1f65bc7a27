"""Field encryption: Fernet tokens under a list of keys from the environment, and keyed
fingerprints for duplicate checks. Bank details are encrypted with it, and so are the
sign-in emails waiting in the message log (``mm_program.messaging``).

    FIELD_ENCRYPTION_KEYS=<newest>,<older>,…   (Fernet keys, comma-separated)

The first key encrypts; every key in the list decrypts, so a new key can be put in front
while rows written under the old one are still read. ``manage.py
rotate_field_encryption`` re-encrypts every row under the newest key; after it has run,
the old key can be dropped from the list.

Nothing here ever hands back ciphertext in place of a value: a missing key raises
``EncryptionKeyMissing`` and a token no key opens raises ``UndecryptableValue``, both
with a message that says what to do and neither with the token or the key in it.

A stored value comes back from the database as ``Sealed``: its ``str()`` is a row of dots,
so a template, a log line or an error page that prints it by mistake shows nothing;
``reveal()`` decrypts it, and is called only where a payments officer asked to see it
(or exports a payout), or by the mail worker opening a sealed email.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

SETTING = "FIELD_ENCRYPTION_KEYS"
# The HKDF label: changing it would change every stored fingerprint.
FINGERPRINT_INFO = b"mm_program payments fingerprint v1"


class EncryptionKeyMissing(ImproperlyConfigured):
    """No usable key: encrypted values can be neither written nor read."""


class UndecryptableValue(RuntimeError):
    """A stored value that none of the configured keys opens."""


def configured_keys() -> list[str]:
    """The key list from settings, as a list, whether the setting is a list or a string."""
    value = getattr(settings, SETTING, None) or []
    if isinstance(value, str):
        value = value.split(",")
    return [key.strip() for key in value if key and key.strip()]


@lru_cache(maxsize=8)
def _fernets(keys: tuple[str, ...]) -> tuple[Fernet, ...]:
    fernets = []
    for number, key in enumerate(keys, start=1):
        try:
            fernets.append(Fernet(key.encode()))
        except (ValueError, TypeError):
            # Never echo the key itself: it may be a real one with a typo.
            raise EncryptionKeyMissing(
                f"{SETTING}: key #{number} is not a valid Fernet key (32 random bytes, "
                "url-safe base64, 44 characters). Generate one with: python -c \"from "
                "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\""
            ) from None
    return tuple(fernets)


def fernets() -> tuple[Fernet, ...]:
    keys = tuple(configured_keys())
    if not keys:
        raise EncryptionKeyMissing(
            f"{SETTING} is not set, so bank details and sign-in emails can be neither saved "
            "nor read. Set it "
            "to a Fernet key (see .env.example and the README's section on encryption keys)."
        )
    return _fernets(keys)


def _multi() -> MultiFernet:
    return MultiFernet(list(fernets()))


def encrypt(plaintext: str) -> str:
    return _multi().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _multi().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableValue(
            "A stored value (bank details, or a sealed email) could not be decrypted with "
            f"any key in {SETTING}. The key they were written with is missing: put it back in the "
            "list (after the newest key) and run `manage.py rotate_field_encryption` "
            "before removing it again."
        ) from None


def rotate(token: str) -> str:
    """The same value, encrypted under the newest key."""
    try:
        return _multi().rotate(token.encode()).decode()
    except InvalidToken:
        decrypt(token)  # raises the explanatory error
        raise


def is_current(token: str) -> bool:
    """Whether the newest key opens this token (no re-encryption needed)."""
    try:
        fernets()[0].decrypt(token.encode())
    except InvalidToken:
        return False
    return True


@lru_cache(maxsize=16)
def _fingerprint_key(key: str) -> bytes:
    # A separate key for the HMAC, derived from the Fernet key: the Fernet key itself
    # is never used for two purposes.
    raw = base64.urlsafe_b64decode(key.encode())
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=FINGERPRINT_INFO).derive(raw)


def fingerprint(normalized: str) -> str:
    """A keyed fingerprint of a value (an account), under the newest key."""
    fernets()  # fail loudly without keys
    return _hmac(configured_keys()[0], normalized)


def fingerprints(normalized: str) -> list[str]:
    """The value's fingerprint under every configured key: rows written before a
    rotation still match until the rotation command recomputes theirs."""
    fernets()
    return [_hmac(key, normalized) for key in configured_keys()]


def _hmac(key: str, normalized: str) -> str:
    return hmac.new(_fingerprint_key(key), normalized.encode(), hashlib.sha256).hexdigest()


class Sealed:
    """A value as stored: a Fernet token that prints as dots.

    ``str()``, ``repr()`` and templates never show the value or the token; ``reveal()``
    decrypts it (raising ``UndecryptableValue`` if no key opens it).
    """

    __slots__ = ("token",)
    MASK = "••••••••"

    def __init__(self, token: str):
        self.token = token

    def reveal(self) -> str:
        return decrypt(self.token)

    # Templates never call a method marked as altering data: {{ x.iban.reveal }} in a
    # template renders nothing instead of the account number.
    reveal.alters_data = True

    def __str__(self) -> str:
        return self.MASK

    def __repr__(self) -> str:
        return "<Sealed value>"

    def __bool__(self) -> bool:
        return bool(self.token)

    def __eq__(self, other):
        return isinstance(other, Sealed) and other.token == self.token

    def __hash__(self):
        return hash(self.token)


def reveal(value) -> str:
    """The plaintext of a field value (Sealed from the database, str if just assigned)."""
    if isinstance(value, Sealed):
        return value.reveal()
    return value or ""
