"""How an erased person or application is marked, wherever the product meets one.

Addresses of erased people and applications live under a reserved domain (RFC 2606):
nothing is ever delivered there, and the messaging path refuses to queue to it. Kept
apart from ``mm_program.privacy`` (which erases) so that the messaging it uses can ask.
"""

ERASED_DOMAIN = "invalid.example"
ERASED_NAME = "(erased)"


def erased_email(label: str) -> str:
    return f"erased-{label}@{ERASED_DOMAIN}"


def is_erased_email(address: str) -> bool:
    return (address or "").lower().endswith("@" + ERASED_DOMAIN)
