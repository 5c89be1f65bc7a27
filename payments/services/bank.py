"""Saving and revealing bank details. The only code that writes or decrypts them, and
that records who saw them, or was refused them (``BankDetailsReveal``)."""

import logging
from dataclasses import dataclass
from typing import NoReturn

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from mm_program import crypto

from .. import notifications, permissions
from ..banking import Account
from ..models import ENCRYPTED_FIELDS, BankDetails, BankDetailsReveal

logger = logging.getLogger(__name__)


@sensitive_variables("account")
def bank_details_save(*, user, account: Account, by=None) -> BankDetails:
    """Create or replace a person's bank details (encrypted under the newest key) and
    email them that their account changed."""
    with transaction.atomic():
        details = BankDetails.objects.select_for_update().filter(user=user).first()
        first = details is None
        if first:
            details = BankDetails(user=user)
        details.kind = account.kind
        details.country = account.country
        details.masked = account.masked
        details.fingerprint = crypto.fingerprint(account.identity)
        details.holder_name = account.holder_name
        details.iban = account.iban
        details.bic = account.bic
        details.account_number = account.account_number
        details.routing_code = account.routing_code
        details.updated_by = by or user
        details._history_user = by or user
        details.save()
        notifications.bank_details_saved(details, first=first)
    logger.info("Bank details of user %s %s by user %s", user.pk,
                "added" if first else "replaced", (by or user).pk)
    return details


def same_account_elsewhere(details: BankDetails):
    """Other payees whose account on file is this one (a warning for officers)."""
    try:
        identity = account_identity(details)
    except crypto.UndecryptableValue:
        return BankDetails.objects.none()
    return (BankDetails.objects.filter(fingerprint__in=crypto.fingerprints(identity))
            .exclude(pk=details.pk).select_related("user"))


@sensitive_variables("values")
def account_identity(details: BankDetails) -> str:
    values = plaintext(details)
    return Account(kind=details.kind, country=details.country, **values).identity


@sensitive_variables("values")
def plaintext(details: BankDetails) -> dict[str, str]:
    """Decrypt every field. Callers log the reveal (``reveal``) or are the fingerprint
    check, which shows nothing."""
    return {name: crypto.reveal(getattr(details, name)) for name in ENCRYPTED_FIELDS}


@dataclass(frozen=True)
class Revealed:
    details: BankDetails
    holder_name: str
    iban: str
    bic: str
    account_number: str
    routing_code: str

    def __repr__(self):  # never in a log or a traceback
        return f"<Revealed bank details of user {self.details.user_id}>"


def bank_details_reveal_refuse(*, by, purpose, message: str, payee=None, batch=None,
                               detail: str = "") -> NoReturn:
    """Record that `by` asked for full bank details and was refused, then raise
    ``PermissionDenied(message)``. The one place a refusal is written.

    The row names what was asked for (the payee, the batch, or the requests in `detail`),
    never an account. It is saved at once, before any transaction of the services: a
    caller answers the exception with a 403 response rather than letting it through a
    transaction of its own (``ATOMIC_REQUESTS``), which would roll the row back.
    """
    BankDetailsReveal.objects.create(
        payee=payee, revealed_by_id=getattr(by, "pk", None), purpose=purpose,
        outcome=BankDetailsReveal.Outcome.REFUSED, batch=batch, detail=detail[:200])
    logger.warning("Refused bank details (%s) of %s to user %s", purpose,
                   f"user {payee.pk}" if payee else batch or detail, getattr(by, "pk", None))
    raise PermissionDenied(message)


@sensitive_variables("values")
def bank_details_reveal(*, details: BankDetails, by, purpose=BankDetailsReveal.Purpose.REVEAL,
                        batch=None) -> Revealed:
    """The full bank details, for a payments officer only; every reveal is logged, and
    so is a refusal (``bank_details_reveal_refuse``)."""
    if not permissions.can_reveal(by):
        bank_details_reveal_refuse(by=by, purpose=purpose, payee=details.user, batch=batch,
                                   message="Only payments officers can see full bank details.")
    return bank_details_reveal_many(details=[details], by=by, purpose=purpose,
                                    batch=batch)[details.user_id]


@sensitive_variables("revealed")
def bank_details_reveal_many(*, details: list[BankDetails], by, purpose,
                             batch=None) -> dict[int, Revealed]:
    """Several payees' full bank details (a payout CSV), by payee id: for a payments
    officer only, each reveal logged, the log rows written in one query."""
    if not permissions.can_reveal(by):
        bank_details_reveal_refuse(by=by, purpose=purpose, batch=batch,
                                   message="Only payments officers can see full bank details.")
    # Decrypted first: a row no key opens raises before anything is logged.
    revealed = {d.user_id: Revealed(details=d, **plaintext(d)) for d in details}
    BankDetailsReveal.objects.bulk_create(
        BankDetailsReveal(payee_id=d.user_id, revealed_by=by, purpose=purpose, batch=batch,
                          account=d.masked, outcome=BankDetailsReveal.Outcome.GRANTED)
        for d in details)
    for d in details:
        logger.info("Bank details of user %s revealed to user %s (%s)", d.user_id, by.pk,
                    purpose)
    return revealed
