"""Moved to ``mm_program.crypto`` (the message log seals emails with the same keys).
Kept only until the payments modules import it from there."""

from mm_program.crypto import (  # noqa: F401
    EncryptionKeyMissing,
    Sealed,
    UndecryptableValue,
    decrypt,
    encrypt,
    fingerprint,
    fingerprints,
    reveal,
)
