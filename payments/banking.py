"""Bank accounts: validation with schwifty, normalisation, masking and fingerprints.

Error messages here are shown to the person who typed the account, at the field. They
never quote the value (schwifty's own messages do, so they are never passed on), so that
they are safe to log too.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import pycountry
from django.core.exceptions import ValidationError
from schwifty import BIC, IBAN
from schwifty import exceptions as schwifty_errors
from schwifty.registry import get_iban_spec

BULLETS = "••••"

_SEPARATORS = re.compile(r"[\s\-./]+")


def compact(value: str) -> str:
    """Upper case without spaces, dashes, dots or slashes (how people copy accounts), and
    digits of any script as 0-9: a keyboard may type ٠٢١, and banks read only ASCII."""
    text = _SEPARATORS.sub("", value or "").upper()
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)


@lru_cache(maxsize=512)
def has_iban(country: str) -> bool:
    try:
        get_iban_spec(country)
    except (schwifty_errors.InvalidCountryCode, KeyError, ValueError):
        return False
    return True


def in_sepa(country: str) -> bool:
    return has_iban(country) and bool(get_iban_spec(country).in_sepa_zone)


@lru_cache(maxsize=1)
def countries() -> list[tuple[str, str]]:
    """(code, name) of every country, by name."""
    names = [(c.alpha_2, getattr(c, "common_name", None) or c.name)
             for c in pycountry.countries]
    return sorted(names, key=lambda item: item[1])


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    if country is None:
        return code
    return getattr(country, "common_name", None) or country.name


def non_iban_countries() -> list[tuple[str, str]]:
    return [(code, name) for code, name in countries() if not has_iban(code)]


# --- IBAN and BIC -----------------------------------------------------------------------

def validate_iban(value: str) -> IBAN:
    """The IBAN, or a ValidationError saying what is wrong with it in plain words."""
    text = compact(value)
    if not text:
        raise ValidationError("Enter your IBAN.", code="required")
    if not re.fullmatch(r"[A-Z0-9]+", text):
        raise ValidationError("An IBAN has only letters and digits: check for a typo.",
                              code="characters")
    country = text[:2]
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise ValidationError("An IBAN starts with two letters, the country (DE, FR, GB…).",
                              code="country")
    if not has_iban(country):
        raise ValidationError(
            f"“{country}” is not a country with IBANs. If your bank has no IBAN, choose "
            "“Account number” above.", code="country")
    spec = get_iban_spec(country)
    if len(text) != spec.iban_length:
        raise ValidationError(
            f"An IBAN from {country_name(country)} has {spec.iban_length} characters; this "
            f"one has {len(text)}. Check that you copied all of it.", code="length")
    try:
        return IBAN(text)
    except schwifty_errors.InvalidChecksumDigits:
        raise ValidationError(
            "This IBAN's check digits don't match: one character is probably mistyped. "
            "Copy it from your banking app or a bank statement.", code="checksum") from None
    except schwifty_errors.SchwiftyException:
        raise ValidationError(
            f"This is not a valid IBAN from {country_name(country)}: check it against your "
            "bank statement.", code="invalid") from None


def validate_bic(value: str, *, label: str = "BIC") -> BIC:
    text = compact(value)
    if not text:
        raise ValidationError(f"Enter the {label}.", code="required")
    if not re.fullmatch(r"[A-Z0-9]+", text):
        raise ValidationError(f"A {label} has only letters and digits.", code="characters")
    if len(text) not in (8, 11):
        raise ValidationError(
            f"A {label} has 8 or 11 characters (like COBADEFFXXX); this one has {len(text)}.",
            code="length")
    try:
        return BIC(text)
    except schwifty_errors.InvalidCountryCode:
        raise ValidationError(
            f"Characters 5 and 6 of a {label} are the bank's country (DE, FR…); these are "
            "not a country code.", code="country") from None
    except schwifty_errors.SchwiftyException:
        raise ValidationError(
            f"This is not a valid {label}: 4 letters for the bank, 2 for the country, 2 "
            "letters or digits for the place, and optionally 3 for the branch.",
            code="invalid") from None


def bic_for(iban: IBAN) -> str:
    """The bank's BIC as schwifty knows it from the IBAN's bank code, or ""."""
    try:
        bic = iban.bic
    except schwifty_errors.SchwiftyException:
        return ""
    return str(bic) if bic else ""


# --- Account numbers (countries without IBAN) ---------------------------------------------

def validate_account_number(value: str) -> str:
    text = compact(value)
    if not text:
        raise ValidationError("Enter your account number.", code="required")
    if not re.fullmatch(r"[A-Z0-9]{4,34}", text):
        raise ValidationError(
            "An account number has 4 to 34 letters and digits (spaces and dashes are fine).",
            code="invalid")
    return text


def aba_checksum_ok(routing: str) -> bool:
    digits = [int(d) for d in routing]
    weights = [3, 7, 1] * 3
    return sum(d * w for d, w in zip(digits, weights, strict=True)) % 10 == 0


def validate_routing_code(value: str, country: str) -> str:
    text = compact(value)
    if not text:
        return ""
    if country == "US":
        if not re.fullmatch(r"[0-9]{9}", text):
            raise ValidationError("A US routing number (ABA) has 9 digits.", code="length")
        if not aba_checksum_ok(text):
            raise ValidationError(
                "This routing number's check digit doesn't match: one digit is probably "
                "mistyped.", code="checksum")
        return text
    if not re.fullmatch(r"[A-Z0-9]{3,20}", text):
        raise ValidationError(
            "A routing code (bank code, transit or branch number, IFSC…) has 3 to 20 letters "
            "and digits.", code="invalid")
    return text


# --- Display --------------------------------------------------------------------------

def mask_iban(iban: str) -> str:
    """DE89 •••• •••• •••• 3000: the country, the check digits and the last four only.
    The middle is always three groups, so the mask doesn't give away the length."""
    text = compact(iban)
    return f"{text[:4]} {BULLETS} {BULLETS} {BULLETS} {text[-4:]}"


def mask_account(number: str) -> str:
    text = compact(number)
    shown = 4 if len(text) >= 8 else 2 if len(text) >= 5 else 0
    return f"{BULLETS} {text[-shown:]}" if shown else BULLETS


def format_iban(iban: str) -> str:
    text = compact(iban)
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


@dataclass(frozen=True)
class Account:
    """A validated account, ready to be stored."""

    kind: str  # "iban" or "account"
    country: str
    # Out of the repr: an Account in a traceback or a log line shows its kind only.
    holder_name: str = field(repr=False)
    iban: str = field(default="", repr=False)
    bic: str = field(default="", repr=False)
    account_number: str = field(default="", repr=False)
    routing_code: str = field(default="", repr=False)

    @property
    def masked(self) -> str:
        return mask_iban(self.iban) if self.kind == "iban" else mask_account(
            self.account_number)

    @property
    def identity(self) -> str:
        """What makes two accounts the same, for the fingerprint."""
        if self.kind == "iban":
            return f"iban:{self.iban}"
        return f"account:{self.country}:{self.routing_code}:{self.account_number}"
