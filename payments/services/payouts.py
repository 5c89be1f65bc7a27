"""Payout batches: approved requests exported together as a CSV for the bank.

Exporting puts each request in one batch (its ``batch`` column, set by a conditional
UPDATE ``… WHERE batch IS NULL AND status = 'approved'`` under row locks), so a request is
never exported into two batches, even by two officers at the same moment. The CSV holds
full bank details: building it is a reveal, logged for every payee in it. It is built
before the batch commits, so a key problem (bank details no key opens) exports nothing.
Anyone but a payments officer is refused, and the refusal is recorded with the reveals
(``payout_export_check``, ``payout_batch_csv``), before any transaction here begins.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from mm_program.spreadsheets import spreadsheet_row

from .. import permissions
from ..banking import format_iban
from ..models import BankDetails, BankDetailsReveal, PayoutBatch, StipendRequest, StipendStatus
from .bank import bank_details_reveal_many, bank_details_reveal_refuse

HEADER = ["request", "payee", "payee_email", "holder", "iban_or_account", "bic_or_swift",
          "routing_code", "country", "amount", "currency", "reference"]

@dataclass
class Export:
    batch: PayoutBatch | None
    csv: str = ""
    exported: list[StipendRequest] = field(default_factory=list)
    skipped: list[tuple[StipendRequest, str]] = field(default_factory=list)

    def __repr__(self):  # the CSV is never in a traceback or a log
        return f"<Export batch={self.batch} rows={len(self.exported)}>"


def _skip_reason(req: StipendRequest, details: dict) -> str:
    if req.batch_id is not None:
        return f"already in payout batch {req.batch_id}"
    if req.status != StipendStatus.APPROVED:
        return f"{req.get_status_display().lower()}, not approved"
    if req.payee_id not in details:
        return "the payee has no bank details"
    return ""


def requests_label(request_ids) -> str:
    """``requests 3, 5, 8`` (the first 10 numbers, then how many more): what a refused
    export asked for."""
    ids = sorted(set(request_ids))
    shown = ", ".join(str(pk) for pk in ids[:10])
    more = f" and {len(ids) - 10} more" if len(ids) > 10 else ""
    return f"request{'' if len(ids) == 1 else 's'} {shown}{more}" if ids else "no requests"


def payout_export_check(*, request_ids, by) -> None:
    """Refuse anyone but a payments officer an export of these requests, recorded as a
    refused reveal (``PermissionDenied``); return quietly for an officer."""
    if not permissions.can_pay(by):
        bank_details_reveal_refuse(by=by, purpose=BankDetailsReveal.Purpose.EXPORT,
                                   detail=requests_label(request_ids),
                                   message="Only payments officers export payouts.")


@sensitive_variables("rows")
def payout_batch_export(*, request_ids, by) -> Export:
    """A new batch of the approved, not yet exported requests among `request_ids`, and
    its CSV. The others are listed in ``skipped`` with the reason."""
    request_ids = [int(pk) for pk in request_ids]
    payout_export_check(request_ids=request_ids, by=by)
    with transaction.atomic():
        requests = list(
            StipendRequest.objects.select_for_update(of=("self",))
            .filter(pk__in=request_ids).select_related("payee").order_by("pk")
        )
        details = {d.user_id: d for d in BankDetails.objects.filter(
            user__in={r.payee_id for r in requests})}
        result = Export(batch=None)
        for req in requests:
            reason = _skip_reason(req, details)
            if reason:
                result.skipped.append((req, reason))
            else:
                result.exported.append(req)
        if not result.exported:
            return result
        batch = PayoutBatch.objects.create(created_by=by)
        ids = [r.pk for r in result.exported]
        moved = StipendRequest.objects.filter(
            pk__in=ids, status=StipendStatus.APPROVED, batch__isnull=True,
        ).update(batch=batch)
        if moved != len(ids):
            raise ValidationError("Some of these requests changed meanwhile: reload the "
                                  "list and export again.", code="conflict")
        for req in result.exported:
            req.batch = batch
        StipendRequest.history.bulk_history_create(
            result.exported, update=True, default_user=by,
            default_change_reason=f"Exported in payout batch {batch.pk}")
        result.batch = batch
        result.csv = _csv(result.exported, details, by=by, batch=batch,
                          purpose=BankDetailsReveal.Purpose.EXPORT)
    return result


@sensitive_variables("rows")
def payout_batch_csv(*, batch: PayoutBatch, by) -> str:
    """The CSV of an existing batch again (a download that failed): logged as a reveal,
    and refused (recorded) to anyone but a payments officer."""
    if not permissions.can_pay(by):
        bank_details_reveal_refuse(by=by, purpose=BankDetailsReveal.Purpose.DOWNLOAD, batch=batch,
                                   message="Only payments officers download payouts.")
    requests = list(batch.requests.select_related("payee").order_by("pk"))
    details = {d.user_id: d for d in BankDetails.objects.filter(
        user__in={r.payee_id for r in requests})}
    with transaction.atomic():
        return _csv(requests, details, by=by, batch=batch,
                    purpose=BankDetailsReveal.Purpose.DOWNLOAD)


@sensitive_variables("account", "rows")
def _csv(requests, details, *, by, batch, purpose) -> str:
    payees = {req.payee_id for req in requests}
    revealed = bank_details_reveal_many(
        details=[bank for payee, bank in details.items() if payee in payees], by=by,
        purpose=purpose, batch=batch)
    rows = []
    for req in requests:
        bank = details.get(req.payee_id)
        account = revealed.get(req.payee_id)
        rows.append([
            req.pk,
            str(req.payee),
            req.payee.email,
            account.holder_name if account else "",
            (format_iban(account.iban) if account.iban else account.account_number)
            if account else "",
            account.bic if account else "",
            account.routing_code if account else "",
            bank.country if bank else "",
            f"{req.amount:.2f}",
            req.currency,
            req.reference,
        ])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows:
        writer.writerow(spreadsheet_row(row))
    return out.getvalue()
