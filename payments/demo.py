"""Stipends for the demo program (``manage.py seed_demo`` calls ``seed_payments_demo``).

Requests at every status, made through the services by the demo organizer and payments
officer, then moved back in time: Ana Costa (the demo mentee, bank details with the
standard test IBAN DE89 3704 0044 0532 0130 00) has one paid request and one approved;
her mentor Amara Okafor one as a mentor, exported in a payout batch and not yet paid;
Elif Yilmaz one waiting for a decision (long enough for the officers' reminder) and one
rejected. Ana's last four weeks are left free, so that the demo can request them.

Idempotent: a story whose payee already has a request for that mentorship is skipped,
and existing bank details are kept.

The demo cohort's grants (``seed_cohort_grants_demo``): the Training grant of the scholar
kept at the filter is requested, approved, exported and paid; the stopped scholar's is
requested, waiting for a decision. Research's has not begun.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from matching.demo_data import OFFICER_EMAIL, ORGANIZER_EMAIL, email_for
from matching.models import RUNNING_STATUSES, Mentorship

from .banking import Account
from .models import BankDetails, StipendBudget, StipendRequest, StipendStatus
from .services import grants, payouts
from .services import stipends as services
from .services.bank import bank_details_save

User = get_user_model()

DEMO_IBAN = "DE89370400440532013000"
DEMO_BUDGET = Decimal("5000.00")
COHORT_BUDGET = Decimal("60000.00")
# Published example IBANs, one per cohort scholar (a shared one is flagged to officers).
COHORT_ACCOUNTS = [("NL91ABNA0417164300", "ABNANL2A"), ("GB82WEST12345698765432", "NWBKGB2L")]

ACCOUNTS = {
    "Ana Costa": dict(kind="iban", country="DE", iban=DEMO_IBAN, bic="COBADEFFXXX"),
    "Amara Okafor": dict(kind="iban", country="GB", iban="GB33BUKB20201555555555",
                         bic="BUKBGB22"),
    "Elif Yilmaz": dict(kind="account", country="US", account_number="000123456789",
                        routing_code="021000021"),
}


@dataclass
class Story:
    payee: str
    mentor: str
    mentee: str
    first_day: int  # days ago
    last_day: int
    hours: str
    why: str
    moves: tuple = ()  # "approve", "reject:<reason>", "export", "pay"


STORIES = [
    Story("Amara Okafor", "Amara Okafor", "Omar Farouk", 190, 100, "12",
          "Preparation and reviews between our calls; I'm between contracts.",
          ("approve", "export")),
    Story("Ana Costa", "Amara Okafor", "Ana Costa", 70, 43, "32",
          "It lets me cut a shift at my café job during the first month.",
          ("approve", "export", "pay")),
    Story("Ana Costa", "Amara Okafor", "Ana Costa", 42, 29, "16",
          "Same as before: fewer café shifts while the training runs go.", ("approve",)),
    Story("Elif Yilmaz", "Lucas Moreau", "Elif Yilmaz", 50, 37, "40",
          "Rent is due and I dropped my tutoring to focus on the project.",
          ("reject:40 hours in two weeks is far more than the 5 a week you agreed: please "
           "send it again with the hours you worked.",)),
    Story("Elif Yilmaz", "Lucas Moreau", "Elif Yilmaz", 80, 51, "21",
          "I dropped my weekend tutoring to have time for the project."),
]


def _user(email):
    return User.objects.filter(email=email).first()


def seed_payments_demo(program, *, organizer=None, officer=None) -> list[StipendRequest]:
    """The demo's stipends; returns the requests it created (none on a second run)."""
    organizer = organizer or _user(ORGANIZER_EMAIL)
    officer = officer or _user(OFFICER_EMAIL)
    StipendBudget.objects.get_or_create(program=program,
                                        defaults={"amount": DEMO_BUDGET})
    for name, fields in ACCOUNTS.items():
        user = _user(email_for(name))
        if user is not None and not BankDetails.objects.filter(user=user).exists():
            bank_details_save(user=user, account=Account(holder_name=name, **fields), by=user)

    # A story is skipped when its payee already has as many requests for that mentorship
    # as the stories before it and it have made: a second run creates nothing.
    existing = Counter(StipendRequest.objects.filter(program=program).values_list(
        "payee_id", "mentorship_id"))
    told = Counter()
    created, to_export = [], []
    today = timezone.localdate()
    for story in STORIES:
        m = Mentorship.objects.filter(
            program=program, mentor__user__email=email_for(story.mentor),
            mentee__user__email=email_for(story.mentee),
        ).select_related("program", "mentor__user", "mentee__user").first()
        payee = _user(email_for(story.payee))
        if m is None or payee is None:
            continue
        told[(payee.pk, m.pk)] += 1
        if existing[(payee.pk, m.pk)] >= told[(payee.pk, m.pk)]:
            continue
        start = max(today - timedelta(days=story.first_day), m.start_date)
        end = today - timedelta(days=story.last_day)
        if m.ended_on:
            end = min(end, m.ended_on)
        req = services.stipend_request_submit(
            payee=payee, mentorship=m, period_start=start, period_end=end,
            hours=Decimal(story.hours),
            rate=m.program.stipend_rate_for(services.role_of(payee, m)),
            justification=story.why)
        for move in story.moves if organizer and officer else ():
            if move == "approve":
                services.stipend_request_approve(
                    stipend_request=req, by=organizer, override_reason="Demo data")
            elif move.startswith("reject:"):
                services.stipend_request_reject(
                    stipend_request=req, by=organizer, reason=move.split(":", 1)[1])
            elif move == "export":
                to_export.append(req.pk)
            elif move == "pay":
                payouts.payout_batch_export(request_ids=to_export, by=officer)
                to_export = []
                # Moved back in time before it is paid: a paid request is final, its
                # dates included (the database refuses to change them afterwards).
                _backdate(req, end)
                services.stipend_request_mark_paid(
                    stipend_request=req, by=officer, paid_on=_sent(end).date()
                    + timedelta(days=7), reference=f"DEMO-SEPA-{req.pk:05d}")
        if req.status != StipendStatus.PAID:
            _backdate(req, end)
        created.append(req)
    if to_export:
        payouts.payout_batch_export(request_ids=to_export, by=officer)
    return created


def _sent(end) -> datetime:
    """When a request for a period ending on `end` was sent: the next morning."""
    tz = timezone.get_current_timezone()
    return timezone.make_aware(datetime.combine(end + timedelta(days=1), time(10)), tz)


def _backdate(req: StipendRequest, end) -> None:
    """Move the request's timestamps to when they would have happened."""
    req.refresh_from_db()
    sent = _sent(end)
    changes = {"submitted_at": sent}
    if req.decided_at:
        changes["decided_at"] = sent + timedelta(days=2)
    StipendRequest.objects.filter(pk=req.pk).update(**changes)
    req.refresh_from_db()


def seed_cohort_grants_demo(program, *, organizer=None, officer=None) -> list[StipendRequest]:
    """The demo cohort's grants, through the services: the first scholar's first grant
    paid, the second's requested. Returns the requests it created (none on a second run,
    or when the cohort has no scholar yet)."""
    organizer = organizer or _user(ORGANIZER_EMAIL)
    officer = officer or _user(OFFICER_EMAIL)
    StipendBudget.objects.get_or_create(program=program,
                                        defaults={"amount": COHORT_BUDGET})
    phase = grants.grant_phases(program.pk).filter(
        starts_on__lte=timezone.localdate()).first()
    if phase is None:
        return []
    # The scholar still running first (the one kept at the filter): theirs is paid.
    scholars = sorted(
        Mentorship.objects.filter(program=program, start_date__lte=phase.ends_on)
        .select_related("program", "mentee__user"),
        key=lambda m: (m.status not in RUNNING_STATUSES, m.pk))[:2]
    created = []
    for number, (m, (iban, bic)) in enumerate(zip(scholars, COHORT_ACCOUNTS, strict=False)):
        if StipendRequest.objects.filter(mentorship=m, phase=phase).exists() or \
                grants.grant_refusal(mentorship=m, phase=phase):
            continue
        payee = m.mentee.user
        account = None
        if not BankDetails.objects.filter(user=payee).exists():
            account = Account(kind="iban", country=iban[:2], holder_name=str(payee),
                              iban=iban, bic=bic)
        req = grants.stipend_grant_request_submit(payee=payee, mentorship=m, phase=phase,
                                                  account=account)
        if number == 0 and organizer and officer:
            services.stipend_request_approve(stipend_request=req, by=organizer)
            payouts.payout_batch_export(request_ids=[req.pk], by=officer)
            req = services.stipend_request_mark_paid(
                stipend_request=req, by=officer, paid_on=timezone.localdate(),
                reference=f"DEMO-GRANT-{req.pk:05d}")
        created.append(req)
    return created
