"""What payments hold about a person, for the ground's privacy duties
(``mm_program.privacy.hooks``): their stipend requests and masked bank details in the
export; on erasure, stipend records stay (amounts, dates, references, status: the
accounting law's part) without the person's words, and their bank details go.
Registered on import, from ``PaymentsConfig.ready()``."""

from django.db.models import Q

from matching.models import Mentorship
from mm_program.erased import ERASED_NAME
from mm_program.models import User
from mm_program.privacy.hooks import Erasing, ErasurePlan, PrivacyHooks, register, when
from mm_program.privacy.scrub import clear, scrub_rows
from mm_program.privacy.services import plural

from .models import BankDetails, BankDetailsReveal, StipendRequest, StipendStatus

# What others write on a request in the person's mentorships.
SHARED_TEXTS = ["justification", "rejection_reason", "budget_override_reason"]


@register
class PaymentsPrivacy(PrivacyHooks):
    def export(self, user: User) -> dict:
        requests = (StipendRequest.objects.for_payee(user).select_related("program", "phase")
                    .order_by("submitted_at", "pk"))
        details = BankDetails.objects.filter(user=user).only(
            "kind", "country", "masked", "updated_at").first()
        return {
            "stipend_requests": [{
                "program": r.program.name,
                "as": r.get_payee_role_display(),
                "period": {"from": when(r.period_start), "to": when(r.period_end)},
                "grant_of_phase": r.phase.name if r.is_grant else None,
                "hours": None if r.hours is None else str(r.hours),
                "rate": None if r.rate is None else str(r.rate), "amount": str(r.amount),
                "currency": r.currency,
                "justification": r.justification,
                "status": r.get_status_display(),
                "submitted_at": when(r.submitted_at),
                "decided_at": when(r.decided_at),
                "rejection_reason": r.rejection_reason,
                "paid_on": when(r.paid_on),
                "payment_reference": r.payment_reference,
                "paid_to": r.paid_to,
            } for r in requests],
            # Masked only, as everywhere: the full account is for payments officers alone.
            "bank_details": None if details is None else {
                "kind": details.get_kind_display(), "country": details.country,
                "account": details.masked, "updated_at": when(details.updated_at)},
        }

    def plan(self, user: User, plan: ErasurePlan) -> None:
        requests = list(StipendRequest.objects.filter(payee=user).order_by("pk"))
        if requests:
            plan.steps.append(
                f"{plural(len(requests), 'stipend request')}: kept as accounting law "
                "requires (amounts, dates, payment references, status); the justification "
                "and reasons are cleared.")
        if BankDetails.objects.filter(user=user).exists():
            plan.steps.append("Bank details: deleted.")
        for req in requests:
            if req.status == StipendStatus.APPROVED:
                plan.warnings.append(
                    f"Stipend request {req.pk} ({req.amount} {req.currency}) is approved "
                    "but not paid: without bank details it can no longer be paid out. Pay "
                    "or reject it first.")
            elif req.status == StipendStatus.SUBMITTED:
                plan.warnings.append(
                    f"Stipend request {req.pk} ({req.amount} {req.currency}) waits for a "
                    "decision: reject it first, or it stays waiting.")

    def erase(self, erasing: Erasing) -> dict[str, int]:
        user = erasing.user
        theirs = Q(payee=user)
        count = clear(StipendRequest, theirs, justification="", paid_to="")
        # A rejected request must keep a reason (a database rule): the placeholder is one.
        clear(StipendRequest, theirs & ~Q(rejection_reason=""), rejection_reason=ERASED_NAME)
        clear(StipendRequest, theirs & ~Q(budget_override_reason=""),
              budget_override_reason=ERASED_NAME)
        # Cleared before the delete, so the history's "deleted" row copies nothing either.
        details = clear(BankDetails, Q(user=user), masked="", country="")
        BankDetails.objects.filter(user=user).delete()
        clear(BankDetailsReveal, theirs, account="")
        return {"stipend_requests": count, "bank_details": details}

    def scrub_texts_by_others(self, erasing: Erasing) -> int:
        ids = list(Mentorship.objects.of_person(erasing.user).values_list("pk", flat=True))
        if not ids:
            return 0
        requests = StipendRequest.objects.filter(mentorship__in=ids)
        return sum(scrub_rows(requests, SHARED_TEXTS, pattern, found)
                   for found, pattern in ((erasing.found, erasing.pattern),
                                          (erasing.first, erasing.first_pattern)))

    def keeps(self, user: User, *, ignoring=None) -> bool:
        return user.stipend_requests.exists()
