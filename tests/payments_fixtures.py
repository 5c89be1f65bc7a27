"""Shared fixtures of the payments tests (a pytest plugin, listed in conftest.py), and
the helpers that build their data."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from mm_program.roles import PAYMENTS_OFFICERS, ensure_roles
from payments.banking import Account
from payments.models import StipendBudget
from payments.services import stipends as services
from payments.services.bank import bank_details_save

from .factories import (
    MeetingLogFactory,
    MenteeFactory,
    MentorFactory,
    MentorshipFactory,
    UserFactory,
)
from .helpers import days_ago

DEMO_IBAN = "DE89370400440532013000"
DEMO_IBAN_SPACED = "DE89 3704 0044 0532 0130 00"


def iban_account(holder="Ada Lovelace", iban=DEMO_IBAN, bic="COBADEFFXXX"):
    return Account(kind="iban", country=iban[:2], holder_name=holder, iban=iban, bic=bic)


@pytest.fixture
def officer(db):
    ensure_roles()
    user = UserFactory(email="pat@example.org", name="Pat Payments", is_staff=True)
    user.groups.add(Group.objects.get(name=PAYMENTS_OFFICERS))
    return user


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer)
    return client


@pytest.fixture
def budget(program):
    return StipendBudget.objects.create(program=program, amount=Decimal("10000.00"))


@pytest.fixture
def world(program):
    """Grace mentors Ada (active for 60 days, 8 h a week agreed, two meetings logged);
    Alan mentors Cleo in the same program."""
    grace = MentorFactory(program=program, user__name="Grace Hopper",
                          user__email="grace@example.org")
    ada = MenteeFactory(program=program, user__name="Ada Lovelace",
                        user__email="ada@example.org")
    m = MentorshipFactory(program=program, mentor=grace, mentee=ada,
                          start_date=days_ago(60), hours_per_week=8, meeting_minutes=45,
                          meeting_every_weeks=2,
                          terms_recorded_at=timezone.now())
    MeetingLogFactory(mentorship=m, date=days_ago(20), minutes=60)
    MeetingLogFactory(mentorship=m, date=days_ago(6), minutes=45)
    alan = MentorFactory(program=program, user__name="Alan Turing",
                         user__email="alan@example.org")
    cleo = MenteeFactory(program=program, user__name="Cleo Other",
                         user__email="cleo@example.org")
    other = MentorshipFactory(program=program, mentor=alan, mentee=cleo,
                              start_date=days_ago(60))
    return {"m": m, "ada": ada.user, "grace": grace.user, "alan": alan.user,
            "cleo": cleo.user, "other": other}


def submit(m, payee, *, start=None, end=None, hours="10", rate=None, account=True,
           justification="It lets me work fewer shifts."):
    """A request through the service, with bank details if the payee has none."""
    from payments.models import BankDetails

    if account and not BankDetails.objects.filter(user=payee).exists():
        bank_details_save(user=payee, account=iban_account(payee.name), by=payee)
    return services.stipend_request_submit(
        payee=payee, mentorship=m, period_start=start or days_ago(27),
        period_end=end or days_ago(14), hours=Decimal(hours),
        rate=Decimal(rate) if rate is not None else m.program.stipend_rate,
        justification=justification,
    )


@pytest.fixture
def staff_viewer(db):
    """Staff without a role, given Django's view permissions on every model of this app:
    the roles decide here (``payments.permissions``), not the model permissions."""
    user = UserFactory(email="sam@example.org", name="Sam Staff", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(
        content_type__app_label="payments", codename__startswith="view_"))
    return user


@pytest.fixture
def approved_pair(world, officer, budget):
    """Ada's and Grace's requests, approved, with their bank details on file."""
    ada = services.stipend_request_approve(
        stipend_request=submit(world["m"], world["ada"], hours="10"), by=officer)
    grace = services.stipend_request_approve(
        stipend_request=submit(world["m"], world["grace"], hours="2.5"),
        by=officer)
    return ada, grace
