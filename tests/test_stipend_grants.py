"""Phase grants (issue 19): a cohort phase's fixed grant, requested by its scholar with no
hours, then approved, exported and paid by the stipend workflow as any request; a
scholar can't ask for another's grant, nor twice; a mentee of a program without grants
keeps hours × rate."""

import csv
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from matching.models import ExtensionApplication, ExtensionDecision, Phase
from payments.models import StipendBudget, StipendRequest
from payments.services import grants, payouts
from payments.services import stipends as services

from .cohort_phase_fixtures import phase_scenario
from .helpers import days_ago, today
from .payments_fixtures import iban_account, submit
from .test_payments_pages import bank_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]

TRAINING_GRANT, RESEARCH_GRANT = Decimal("1200.00"), Decimal("4800.00")


@pytest.fixture
def granted(db):
    """The phase scenario (Training under way, Research from in 4 days; scholars Ada and
    Bo with the first mentor, Cy with the second), both phases carrying a grant."""
    s = phase_scenario()
    Phase.objects.filter(pk=s.training.pk).update(grant=TRAINING_GRANT)
    Phase.objects.filter(pk=s.research.pk).update(grant=RESEARCH_GRANT)
    s.training.refresh_from_db()
    s.research.refresh_from_db()
    StipendBudget.objects.create(program=s.program, amount=Decimal("20000"))
    return s


def scholar(m):
    return m.mentee.user


def ask(s, m=None, phase=None, by=None):
    m = m or s.mentorships[0]
    return grants.stipend_grant_request_submit(
        payee=by or scholar(m), mentorship=m, phase=phase or s.training,
        account=iban_account(str(by or scholar(m))))


def test_a_grant_is_requested_with_no_hours_then_approved_exported_and_paid(granted,
                                                                           officer):
    s = granted
    req = ask(s)
    assert (req.amount, req.hours, req.rate, req.phase, req.status) == (
        TRAINING_GRANT, None, None, s.training, "submitted")
    # The period is the phase's, within the mentorship's (it began after the phase).
    m = s.mentorships[0]
    assert (req.period_start, req.period_end) == (max(s.training.starts_on, m.start_date),
                                                  s.training.ends_on)
    req = services.stipend_request_approve(stipend_request=req, by=officer)
    assert services.budget_totals(s.program)["committed"] == TRAINING_GRANT
    export = payouts.payout_batch_export(request_ids=[req.pk], by=officer)
    rows = list(csv.DictReader(io.StringIO(export.csv)))
    assert [(r["request"], r["amount"]) for r in rows] == [(str(req.pk), "1200.00")]
    req = services.stipend_request_mark_paid(stipend_request=req, by=officer,
                                             paid_on=today(), reference="GRANT-1")
    totals = services.budget_totals(s.program)
    assert (req.status, totals["paid"], totals["committed"]) == ("paid", TRAINING_GRANT, 0)


def test_an_approval_past_the_budget_needs_an_organizers_reason_for_a_grant_too(
        granted, officer):
    StipendBudget.objects.filter(program=granted.program).update(amount=Decimal("1000"))
    req = ask(granted)
    with pytest.raises(ValidationError, match="budget"):
        services.stipend_request_approve(stipend_request=req, by=officer)


def test_a_scholar_cant_request_another_scholars_grant(granted, client):
    s = granted
    ada_m, bo = s.mentorships[0], scholar(s.mentorships[1])
    with pytest.raises(PermissionDenied):
        ask(s, m=ada_m, by=bo)
    with pytest.raises(PermissionDenied):  # the mentor neither: grants are the scholar's
        ask(s, m=ada_m, by=ada_m.mentor.user)
    url = reverse("stipend_grant", args=[ada_m.pk, s.training.pk])
    for intruder in (bo, ada_m.mentor.user):
        client.force_login(intruder)
        assert client.get(url).status_code == 404
        assert client.post(url, bank_data(holder_name=str(intruder))).status_code == 404
    assert not StipendRequest.objects.exists()


def test_a_scholar_cant_request_a_phases_grant_twice(granted, officer):
    s = granted
    first = ask(s)
    with pytest.raises(ValidationError, match="already"):
        ask(s)
    # The database holds it too, for a write that skips the service.
    with pytest.raises(IntegrityError), transaction.atomic():
        StipendRequest.objects.create(
            program=s.program, mentorship=first.mentorship, payee=first.payee,
            payee_role="mentee", phase=s.training, period_start=first.period_start,
            period_end=first.period_end, amount=TRAINING_GRANT, currency="USD")
    # A rejected one may be asked again.
    services.stipend_request_reject(stipend_request=first, by=officer, reason="Wrong account")
    again = ask(s)
    assert again.pk != first.pk and again.status == "submitted"


def test_a_grant_waits_for_its_phase_to_begin_and_for_the_scholar_to_be_in_it(granted):
    s = granted
    with pytest.raises(ValidationError, match="Research begins on"):
        ask(s, phase=s.research)
    # A mentorship that starts later (within the phase) waits for its start.
    later = s.mentorships[2]
    later.start_date = days_ago(-2)
    assert "Your mentorship starts on" in grants.grant_refusal(mentorship=later,
                                                               phase=s.training)
    # A scholar stopped before Research began gets no Research grant.
    m = s.mentorships[1]
    s.research.starts_on = today()
    m.status, m.ended_on = "ended_early", today()
    assert grants.grant_refusal(mentorship=m, phase=s.research) == ""  # ended on its first day
    m.ended_on = days_ago(1)
    assert "ended before Research began" in grants.grant_refusal(mentorship=m,
                                                                 phase=s.research)


def test_a_phase_that_admits_by_application_pays_only_the_accepted(granted):
    s = granted
    Phase.objects.filter(pk=s.training.pk).update(places=2)
    s.training.refresh_from_db()
    m = s.mentorships[0]
    with pytest.raises(ValidationError, match="admits by application"):
        ask(s)
    ExtensionApplication.objects.create(phase=s.training, mentorship=m, plan="A paper.",
                                        decision=ExtensionDecision.ACCEPTED)
    assert ask(s).amount == TRAINING_GRANT


def test_the_scholar_of_a_grant_program_requests_grants_not_hours(granted):
    s = granted
    m = s.mentorships[0]
    with pytest.raises(ValidationError, match="fixed grant for each phase"):
        submit(m, scholar(m), start=m.start_date, end=today())
    # Their mentor keeps hours × rate.
    req = submit(m, m.mentor.user, start=m.start_date, end=today(), hours="3")
    assert (req.phase, req.amount) == (None, Decimal("3") * s.program.stipend_rate)


def test_a_mentee_of_a_program_without_grants_keeps_hours_times_rate(world, client):
    req = submit(world["m"], world["ada"], hours="10")
    assert (req.phase, req.hours, req.amount) == (None, Decimal("10.00"), Decimal("300.00"))
    client.force_login(world["ada"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "Request a stipend" in page and "grant" not in page.lower()


def test_the_scholars_page_offers_each_begun_phases_grant_and_shows_it_once_asked(
        granted, client):
    s = granted
    m = s.mentorships[0]
    client.force_login(scholar(m))
    page = client.get(reverse("dashboard")).content.decode()
    assert "Request your Training grant" in page
    assert "Request your Research grant" not in page and "Research begins on" in page
    assert "Request a stipend" not in page  # no hours to type
    url = reverse("stipend_grant", args=[m.pk, s.training.pk])
    form = client.get(url).content.decode()
    assert "1200.00 USD" in form and 'name="hours"' not in form
    response = client.post(url, bank_data(holder_name="Scholar Ada"))
    req = StipendRequest.objects.get()
    assert response.url == reverse("stipend_detail", args=[req.pk])
    detail = client.get(response.url).content.decode()
    assert "Your Training grant" in detail and "1200.00 USD" in detail
    page = client.get(reverse("dashboard")).content.decode()
    assert "Request your Training grant" not in page and f"Request {req.pk}" in page
    assert "Training grant" in client.get(reverse("stipend_list")).content.decode()
    # Asked twice (a second tab): refused in words, nothing more saved.
    again = client.get(url).content.decode()
    assert "You requested your Training grant already" in again
    assert client.post(url, {}).status_code == 200 and StipendRequest.objects.count() == 1


def test_bad_bank_details_keep_what_was_typed_and_save_nothing(granted, client):
    m = granted.mentorships[0]
    client.force_login(scholar(m))
    response = client.post(reverse("stipend_grant", args=[m.pk, granted.training.pk]),
                           bank_data(holder_name="Scholar Ada", bic="COBADEF"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "8 or 11 characters" in html and "Scholar Ada" in html
    assert not StipendRequest.objects.exists()


def test_the_database_refuses_a_grant_with_hours_or_an_hourly_request_without(granted):
    req = ask(granted)
    with pytest.raises(IntegrityError), transaction.atomic():
        StipendRequest.objects.filter(pk=req.pk).update(hours=Decimal("10"),
                                                        rate=Decimal("120"))
    with pytest.raises(IntegrityError), transaction.atomic():
        StipendRequest.objects.filter(pk=req.pk).update(phase=None)


def test_a_paid_grant_is_final_the_trigger_survived_the_table_rebuild(granted, officer):
    """The test database is built by the migrations: on SQLite, 0004 rebuilt the requests'
    table (dropping 0002's trigger) and must have made the trigger again, with the phase
    among the columns a paid request can't change."""
    s = granted
    req = services.stipend_request_approve(stipend_request=ask(s), by=officer)
    services.stipend_request_mark_paid(stipend_request=req, by=officer, paid_on=today(),
                                       reference="GRANT-1")
    for changes in ({"amount": Decimal("1300")}, {"phase": s.research}):
        with pytest.raises(IntegrityError, match="stipend_paid_is_final"), \
                transaction.atomic():
            StipendRequest.objects.filter(pk=req.pk).update(**changes)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                           "AND name = 'stipend_paid_is_final_update'")
            assert "phase_id" in cursor.fetchone()[0]
    req.refresh_from_db()
    assert (req.status, req.amount, req.phase) == ("paid", TRAINING_GRANT, s.training)


def test_the_request_page_promises_the_emails_that_are_sent(granted, officer, client):
    """'We email you when it's paid, or if it isn't approved': an approval alone sends the
    scholar nothing, a payment does."""
    from mm_program.models import Message

    req = ask(granted)
    client.force_login(req.payee)
    page = client.get(reverse("stipend_detail", args=[req.pk])).content.decode()
    assert "We email you when it's paid, or if it isn't approved." in page
    before = set(Message.objects.filter(user=req.payee).values_list("kind", flat=True))
    req = services.stipend_request_approve(stipend_request=req, by=officer)
    assert set(Message.objects.filter(user=req.payee).values_list("kind", flat=True)) == before
    services.stipend_request_mark_paid(stipend_request=req, by=officer, paid_on=today(),
                                       reference="GRANT-2")
    kinds = set(Message.objects.filter(user=req.payee).values_list("kind", flat=True))
    assert kinds - before == {"stipend-paid"}
