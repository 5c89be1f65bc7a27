from .bank import ENCRYPTED_FIELDS, AccountKind, BankDetails, BankDetailsReveal
from .stipends import (
    CENT,
    DEFAULT_REMIND_WAITING_DAYS,
    MAX_HOURS_PER_DAY,
    MAX_RATE,
    PaidRequestLocked,
    PayeeRole,
    PayoutBatch,
    StipendBudget,
    StipendRequest,
    StipendStatus,
    budget_totals,
    period_label,
)

__all__ = [
    "CENT",
    "DEFAULT_REMIND_WAITING_DAYS",
    "ENCRYPTED_FIELDS",
    "MAX_HOURS_PER_DAY",
    "MAX_RATE",
    "AccountKind",
    "BankDetails",
    "BankDetailsReveal",
    "PaidRequestLocked",
    "PayeeRole",
    "PayoutBatch",
    "StipendBudget",
    "StipendRequest",
    "StipendStatus",
    "budget_totals",
    "period_label",
]
