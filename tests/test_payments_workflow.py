"""A stipend request's workflow: submit → approve | reject → paid, each move by the right
person, recorded with who and when, emailed to the payee; the budget; paid is final."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from mm_program.models import Message
from payments.models import PaidRequestLocked, StipendBudget, StipendRequest, StipendStatus
from payments.services import stipends as services

from .factories import UserFactory
from .helpers import days_ago, today
from .payments_fixtures import submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]


def kinds(to):
    return [m.kind for m in Message.objects.filter(recipient=to).order_by("pk")]


# --- submit ---------------------------------------------------------------------------

def test_a_request_is_hours_times_the_programs_rate_in_its_currency(world, program):
    program.stipend_rate = Decimal("27.50")
    program.currency = "EUR"
    program.save()
    req = submit(world["m"], world["ada"], hours="7.25")
    req.refresh_from_db()
    assert isinstance(req.amount, Decimal)
    assert (req.hours, req.rate, req.amount, req.currency) == (
        Decimal("7.25"), Decimal("27.50"), Decimal("199.38"), "EUR")  # 199.375 rounds up
    assert req.status == StipendStatus.SUBMITTED and req.payee_role == "mentee"
    # Her bank details are confirmed to her (a security notice); the request itself is
    # confirmed on the page, and its one email comes when it is paid.
    assert kinds("ada@example.org") == ["stipend-bank-details"]


def test_the_mentor_of_the_mentorship_can_be_paid_too(world):
    req = submit(world["m"], world["grace"], hours="4")
    assert req.payee_role == "mentor" and req.payee == world["grace"]


def test_someone_outside_the_mentorship_cannot_request_for_it(world):
    with pytest.raises(PermissionDenied):
        submit(world["m"], world["cleo"])
    assert not StipendRequest.objects.exists()


def test_without_bank_details_nothing_is_submitted(world):
    with pytest.raises(ValidationError, match="Add your bank details"):
        submit(world["m"], world["ada"], account=False)
    assert not StipendRequest.objects.exists()


@pytest.mark.parametrize("status", ["invited", "declined"])
def test_a_mentorship_that_never_started_takes_no_requests(world, status):
    m = world["m"]
    m.status = status
    m.save()
    with pytest.raises(ValidationError, match="once it has started"):
        submit(m, world["ada"])


@pytest.mark.parametrize("start, end, field, message", [
    (70, 50, "period_start", "The mentorship started on"),
    (10, -3, "period_end", "at the latest"),
])
def test_a_period_outside_the_mentorship_is_refused(world, start, end, field, message):
    with pytest.raises(ValidationError) as refused:
        submit(world["m"], world["ada"], start=days_ago(start), end=days_ago(end))
    assert message in " ".join(refused.value.message_dict[field])
    assert not StipendRequest.objects.exists()


def test_an_ended_mentorship_takes_requests_up_to_its_end_only(world):
    m = world["m"]
    m.status, m.ended_on, m.end_reason = "ended_early", days_ago(10), "fit"
    m.save()
    submit(m, world["ada"], start=days_ago(30), end=days_ago(10))
    with pytest.raises(ValidationError, match="the day the mentorship ended"):
        submit(m, world["ada"], start=days_ago(9), end=days_ago(5))


@pytest.mark.parametrize("hours, message", [
    ("0", "more than 0"), ("-3", "more than 0"),
    ("169", "holds at most 168 hours"),  # 14 days × 12
])
def test_hours_that_are_not_positive_or_beyond_the_period_are_refused(world, hours, message):
    with pytest.raises(ValidationError) as refused:
        submit(world["m"], world["ada"], start=days_ago(27), end=days_ago(14), hours=hours)
    assert message in " ".join(refused.value.message_dict["hours"])
    assert not StipendRequest.objects.exists()


@pytest.mark.parametrize("rate", ["0", "-30", "1000.01"])
def test_a_rate_that_is_not_positive_or_absurd_is_refused(world, rate):
    with pytest.raises(ValidationError) as refused:
        submit(world["m"], world["ada"], rate=rate)
    assert "rate" in refused.value.message_dict
    assert not StipendRequest.objects.exists()


def test_overlapping_periods_are_refused_but_a_rejected_one_can_be_sent_again(world, officer):
    first = submit(world["m"], world["ada"], start=days_ago(27), end=days_ago(14))
    with pytest.raises(ValidationError) as refused:
        submit(world["m"], world["ada"], start=days_ago(14), end=days_ago(1))
    assert "already have a request for" in refused.value.message_dict["period_start"][0]
    assert StipendRequest.objects.count() == 1
    # The day after is fine; the mentor's own request for the same days is too.
    submit(world["m"], world["ada"], start=days_ago(13), end=days_ago(1))
    submit(world["m"], world["grace"], start=days_ago(27), end=days_ago(14), hours="3")
    services.stipend_request_reject(
        stipend_request=first, by=officer, reason="Wrong hours, please resend.")
    submit(world["m"], world["ada"], start=days_ago(27), end=days_ago(14), hours="9")
    assert StipendRequest.objects.count() == 4


# --- decisions ------------------------------------------------------------------------

def test_approve_records_who_and_when_and_emails_nobody(world, organizer, budget):
    req = submit(world["m"], world["ada"])
    req = services.stipend_request_approve(stipend_request=req, by=organizer)
    assert req.status == StipendStatus.APPROVED
    assert req.decided_by == organizer and req.decided_at is not None
    history = list(req.history.order_by("history_date"))
    assert [(h.status, h.history_user) for h in history] == [
        ("submitted", world["ada"]), ("approved", organizer)]
    assert history[-1].history_change_reason == "Approved"
    # The payee's one email about the request is the "paid" one, which follows.
    assert kinds("ada@example.org") == ["stipend-bank-details"]


def test_reject_needs_a_reason_which_the_payee_reads(world, officer):
    req = submit(world["m"], world["ada"])
    with pytest.raises(ValidationError):
        services.stipend_request_reject(stipend_request=req, by=officer, reason="  ")
    req = services.stipend_request_reject(
        stipend_request=req, by=officer, reason="Hours look doubled.")
    assert (req.status, req.rejection_reason) == ("rejected", "Hours look doubled.")
    assert "Hours look doubled." in mail.outbox[-1].body
    assert kinds("ada@example.org")[-1] == "stipend-rejected"


def test_participants_and_plain_staff_cannot_decide_or_pay(world, budget):
    req = submit(world["m"], world["ada"])
    staff = UserFactory(is_staff=True)
    for user in (world["ada"], world["grace"], staff):
        with pytest.raises(PermissionDenied):
            services.stipend_request_approve(stipend_request=req, by=user)
        with pytest.raises(PermissionDenied):
            services.stipend_request_reject(stipend_request=req, by=user, reason="no")
        with pytest.raises(PermissionDenied):
            services.stipend_request_mark_paid(
                stipend_request=req, by=user, paid_on=today(), reference="X")
    req.refresh_from_db()
    assert req.status == "submitted"


def test_organizers_approve_but_only_payments_officers_pay(world, organizer, officer, budget):
    req = services.stipend_request_approve(
        stipend_request=submit(world["m"], world["ada"]), by=organizer)
    with pytest.raises(PermissionDenied):
        services.stipend_request_mark_paid(
            stipend_request=req, by=organizer, paid_on=today(), reference="X")
    req = services.stipend_request_mark_paid(
        stipend_request=req, by=officer, paid_on=today(), reference="SEPA-1")
    assert (req.status, req.paid_by, req.payment_reference) == ("paid", officer, "SEPA-1")
    assert req.paid_to == "DE89 •••• •••• •••• 3000"
    assert kinds("ada@example.org")[-1] == "stipend-paid"
    assert "DE89 •••• •••• •••• 3000" in mail.outbox[-1].body


@pytest.mark.parametrize("move", ["approve", "reject"])
def test_only_a_submitted_request_is_decided(world, officer, budget, move):
    req = services.stipend_request_approve(
        stipend_request=submit(world["m"], world["ada"]), by=officer)
    with pytest.raises(ValidationError, match="only a submitted request"):
        if move == "approve":
            services.stipend_request_approve(stipend_request=req, by=officer)
        else:
            services.stipend_request_reject(
                stipend_request=req, by=officer, reason="Changed my mind")


def test_a_request_is_paid_once_only_when_approved(world, officer, budget):
    req = submit(world["m"], world["ada"])
    with pytest.raises(ValidationError, match="only an approved request"):
        services.stipend_request_mark_paid(
            stipend_request=req, by=officer, paid_on=today(), reference="X")
    services.stipend_request_approve(stipend_request=req, by=officer)
    services.stipend_request_mark_paid(
        stipend_request=req, by=officer, paid_on=today(), reference="SEPA-1")
    with pytest.raises(ValidationError, match="can't be paid") as refused:
        services.stipend_request_mark_paid(
            stipend_request=req, by=officer, paid_on=today(), reference="SEPA-2")
    assert refused.value.code == "paid"
    req.refresh_from_db()
    assert req.payment_reference == "SEPA-1"
    assert req.history.filter(status="paid").count() == 1
    assert kinds("ada@example.org").count("stipend-paid") == 1


def test_a_payment_needs_a_reference_and_a_plausible_date(world, officer, budget):
    req = services.stipend_request_approve(
        stipend_request=submit(world["m"], world["ada"]), by=officer)
    for paid_on, reference, field in [(today(), " ", "reference"),
                                      (today() + timedelta(days=1), "R", "paid_on"),
                                      (days_ago(1), "R", "paid_on"),  # before approval
                                      (today(), "R" * 141, "reference")]:
        with pytest.raises(ValidationError) as refused:
            services.stipend_request_mark_paid(
                stipend_request=req, by=officer, paid_on=paid_on, reference=reference)
        assert field in refused.value.message_dict
    req.refresh_from_db()
    assert req.status == "approved"


def test_a_paid_request_can_never_be_edited_or_deleted(world, officer, budget):
    req = services.stipend_request_approve(
        stipend_request=submit(world["m"], world["ada"]), by=officer)
    services.stipend_request_mark_paid(
        stipend_request=req, by=officer, paid_on=today(), reference="SEPA-1")
    req.refresh_from_db()
    req.hours = Decimal("99")
    with pytest.raises(PaidRequestLocked):
        req.save()
    with pytest.raises(PaidRequestLocked):
        req.delete()
    req.refresh_from_db()
    assert req.hours == Decimal("10.00") and req.status == "paid"


@pytest.mark.parametrize("changes", [
    {"hours": Decimal("99"), "amount": Decimal("2970.00")},
    {"payment_reference": "SEPA-2"},  # paid a second time
    {"paid_on": "2020-01-01"},
    {"status": "approved", "paid_on": None, "paid_at": None, "payment_reference": ""},
    {"payee_role": "mentor"},
    {"period_end": "2099-12-31"},
])
def test_the_database_refuses_any_change_to_what_was_paid(world, officer, budget, changes):
    """Not only the model: an .update() that bypasses it is refused by the database."""
    req = services.stipend_request_approve(
        stipend_request=submit(world["m"], world["ada"]), by=officer)
    services.stipend_request_mark_paid(
        stipend_request=req, by=officer, paid_on=today(), reference="SEPA-1")
    with pytest.raises(IntegrityError, match="stipend_paid_is_final"), transaction.atomic():
        StipendRequest.objects.filter(pk=req.pk).update(**changes)
    if connection.vendor == "postgresql":  # SQLite has no DELETE trigger (see 0002)
        with pytest.raises(IntegrityError, match="stipend_paid_is_final"), \
                transaction.atomic():
            StipendRequest.objects.filter(pk=req.pk).delete()
    req.refresh_from_db()
    assert (req.status, req.hours, req.payment_reference) == ("paid", Decimal("10.00"),
                                                              "SEPA-1")


def test_a_paid_requests_free_texts_can_still_be_cleared(world, officer, budget):
    # Erasing a payee clears personal texts; the payment itself stays as it was.
    req = services.stipend_request_approve(
        stipend_request=submit(world["m"], world["ada"]), by=officer)
    services.stipend_request_mark_paid(
        stipend_request=req, by=officer, paid_on=today(), reference="SEPA-1")
    StipendRequest.objects.filter(pk=req.pk).update(justification="", paid_by=None)
    req.refresh_from_db()
    assert req.justification == "" and req.status == "paid"


def test_the_database_refuses_a_paid_request_without_date_or_reference(world, officer, budget):
    req = services.stipend_request_approve(
        stipend_request=submit(world["m"], world["ada"]), by=officer)
    with pytest.raises(IntegrityError), transaction.atomic():
        StipendRequest.objects.filter(pk=req.pk).update(status="paid")


@pytest.mark.parametrize("changes", [
    {"amount": Decimal("1.00")},  # not hours × rate
    {"hours": Decimal("0")},
    {"rate": Decimal("-1")},
    {"status": "rejected"},  # without a reason
    {"status": "nonsense"},
])
def test_the_database_refuses_impossible_requests(world, changes):
    req = submit(world["m"], world["ada"])
    with pytest.raises(IntegrityError), transaction.atomic():
        StipendRequest.objects.filter(pk=req.pk).update(**changes)


# --- budget ---------------------------------------------------------------------------

def test_approvals_past_the_budget_are_refused_unless_an_organizer_says_why(
        world, organizer, officer, program):
    StipendBudget.objects.create(program=program, amount=Decimal("500"))
    first = services.stipend_request_approve(
        stipend_request=submit(world["m"], world["ada"], hours="10"),
        by=officer)  # 300 of 500
    second = submit(world["m"], world["grace"], hours="10")  # 300 more: 600 > 500
    with pytest.raises(ValidationError) as refused:
        services.stipend_request_approve(stipend_request=second, by=officer)
    assert refused.value.code == "over_budget"
    assert "600.00 of its 500.00 USD budget" in refused.value.messages[0]
    with pytest.raises(ValidationError) as refused:
        services.stipend_request_approve(
            stipend_request=second, by=officer, override_reason="Urgent")
    assert refused.value.code == "override_forbidden"
    with pytest.raises(ValidationError):
        services.stipend_request_approve(stipend_request=second, by=organizer)  # no reason
    second.refresh_from_db()
    assert second.status == "submitted"

    second = services.stipend_request_approve(stipend_request=second, by=organizer,
                                              override_reason="Top-up agreed by the board")
    assert second.budget_override_reason == "Top-up agreed by the board"
    assert second.budget_override_by == organizer
    assert "Top-up agreed" in second.history.latest().history_change_reason
    assert first.budget_override_reason == ""


def test_paid_requests_count_against_the_budget_and_rejected_ones_do_not(
        world, officer, program):
    from payments.models import budget_totals

    StipendBudget.objects.create(program=program, amount=Decimal("700"))
    paid = services.stipend_request_approve(
        stipend_request=submit(world["m"], world["ada"], hours="10"), by=officer)
    services.stipend_request_mark_paid(
        stipend_request=paid, by=officer, paid_on=today(), reference="R1")
    services.stipend_request_reject(
        stipend_request=submit(world["m"], world["grace"], hours="10"), by=officer,
        reason="No")
    approved = services.stipend_request_approve(
        stipend_request=submit(world["m"], world["grace"], hours="10", start=days_ago(13),
        end=days_ago(1)), by=officer)
    totals = budget_totals(program)
    assert (totals["paid"], totals["committed"], totals["left"]) == (
        Decimal("300.00"), Decimal("300.00"), Decimal("100.00"))
    with pytest.raises(ValidationError, match="budget"):
        services.stipend_request_approve(stipend_request=submit(world["m"], world["ada"], hours="4",
                                         start=days_ago(13), end=days_ago(1)), by=officer)
    assert approved.status == "approved"


def test_a_program_without_a_budget_needs_an_override_for_every_approval(world, officer):
    with pytest.raises(ValidationError, match="budget"):
        services.stipend_request_approve(
            stipend_request=submit(world["m"], world["ada"]), by=officer)


# --- what organizers see beside the hours ----------------------------------------------

def test_hours_far_beyond_the_agreed_hours_per_week_get_a_warning(world):
    m = world["m"]  # 8 h a week agreed; 14 days make 16 h
    fine = submit(m, world["ada"], start=days_ago(27), end=days_ago(14), hours="18")
    check = services.hours_check(fine)
    assert check.expected_hours == Decimal("16.00")
    assert [len(check.meetings), check.meeting_hours] == [1, Decimal("1.00")]
    assert not [w for w in check.warnings if "agreed" in w]
    many = submit(m, world["ada"], start=days_ago(13), end=days_ago(0), hours="40")
    assert any("the agreed 8 h a week makes about 16 h" in w
               for w in services.hours_check(many).warnings)


def test_a_claim_without_agreed_hours_or_meetings_says_so(world):
    m = world["m"]
    m.hours_per_week = None
    m.save()
    req = submit(m, world["ada"], start=days_ago(50), end=days_ago(40))
    warnings = " ".join(services.hours_check(req).warnings)
    assert "No hours per week were agreed" in warnings
    assert "No meeting was logged in this period" in warnings
