"""The payee's side: from the dashboard, bank details once and a request in one post;
each request's status on the dashboard and its own page."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from payments.models import BankDetails, StipendRequest
from payments.services import stipends as services

from .helpers import days_ago, today
from .payments_fixtures import DEMO_IBAN_SPACED, submit
from .test_mentorship_pages import _people

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]


def text(response):
    return response.content.decode()


def request_data(**changes):
    data = {"period_start": days_ago(27).isoformat(), "period_end": days_ago(14).isoformat(),
            "hours": "12", "rate": "30.00",
            "justification": "I can drop a shift at the café."}
    return {**data, **changes}


def bank_data(**changes):
    data = {"holder_name": "Ada Lovelace", "kind": "iban", "iban": DEMO_IBAN_SPACED,
            "bic": "", "country": "", "account_number": "", "routing_code": ""}
    return {f"bank-{k}": v for k, v in {**data, **changes}.items()}


def test_the_dashboard_offers_a_stipend_and_shows_each_requests_status(client, world,
                                                                       officer, budget):
    m = world["m"]
    client.force_login(world["ada"])
    html = text(client.get(reverse("dashboard")))
    assert reverse("stipend_new", args=[m.pk]) in html
    assert "hours × 30 USD" in html and "your bank details are needed once" in html
    req = submit(m, world["ada"])
    services.stipend_request_approve(stipend_request=req, by=officer)
    html = text(client.get(reverse("dashboard")))
    assert req.period_label in html and "300.00 USD" in html and "Approved" in html
    services.stipend_request_mark_paid(
        stipend_request=req, by=officer, paid_on=today(), reference="R-1")
    assert "Paid" in text(client.get(reverse("dashboard")))


def test_the_mentors_sheet_offers_a_stipend_too(client, world):
    client.force_login(world["grace"])
    html = text(client.get(reverse("dashboard")))
    assert "mentors can be paid too" in html
    response = client.get(reverse("stipend_pick"), {"mentorship": world["m"].pk})
    assert response.url == reverse("stipend_new", args=[world["m"].pk])
    req = submit(world["m"], world["grace"], hours="3")
    html = text(client.get(reverse("dashboard")))
    assert "mentoring Ada Lovelace" in html and req.period_label in html


def test_the_request_page_shows_the_rate_and_the_meetings_before_sending(client, world):
    client.force_login(world["ada"])
    html = text(client.get(reverse("stipend_new", args=[world["m"].pk])))
    assert "30.00 USD an hour" in html
    assert 'name="rate"' in html and 'value="30.00"' in html
    assert html.count('data-date="') == 2  # the two meetings logged, with their dates
    assert f'value="{world["m"].start_date.isoformat()}"' in html  # from the start
    assert "Where to pay you" in html and 'name="bank-iban"' in html


def test_the_next_request_starts_from_the_last_reason_and_hours(client, world):
    client.force_login(world["ada"])
    url = reverse("stipend_new", args=[world["m"].pk])
    first = text(client.get(url))
    assert "It lets me work fewer shifts." not in first  # nothing to start from yet
    assert not re.search(r'name="hours"[^>]*value=', first)
    submit(world["m"], world["ada"], hours="10.5")
    html = text(client.get(url))
    # The reason and the hours rarely change between months: typing them again is
    # paperwork (a repeat request is one look and one click).
    assert "It lets me work fewer shifts.</textarea>" in html
    assert re.search(r'name="hours"[^>]*value="10.50"', html)
    assert "meetings included" not in html  # the first request's help, read once
    # Only the payee's own words, for this mentorship: the mentor's page starts empty.
    client.force_login(world["grace"])
    assert "It lets me work fewer shifts." not in text(client.get(url))


def test_the_first_request_starts_from_the_reason_given_when_applying(client, world):
    from matching.models import MenteeApplication

    mentee = world["m"].mentee
    mentee.application = MenteeApplication.objects.create(
        program=world["m"].program, user=world["ada"], name="Ada Lovelace",
        email="ada@example.org", timezone="UTC", occupation="masters", hours_per_week=8,
        fulltime_intent="yes", goals="Learn.", needs_funding=True,
        funding_reason="I'd otherwise need a second job.")
    mentee.save(update_fields=["application"])
    url = reverse("stipend_new", args=[world["m"].pk])
    client.force_login(world["ada"])
    assert "I&#x27;d otherwise need a second job.</textarea>" in text(client.get(url))
    # Only the mentee's own words: the mentor's request starts empty.
    client.force_login(world["grace"])
    assert "second job" not in text(client.get(url))


def test_a_refused_post_lists_the_meetings_of_the_typed_period_without_javascript(
        client, world):
    client.force_login(world["ada"])
    # 27 to 14 days ago holds the meeting of 20 days ago (60 min), not that of 6 days ago.
    response = client.post(reverse("stipend_new", args=[world["m"].pk]),
                           {**request_data(hours="ten"), **bank_data()})
    assert response.status_code == 400
    html = text(response)
    assert "Meetings logged in this period: 1, 1 h in all." in html
    shown = re.findall(r'<li data-date="([\d-]+)" data-minutes="\d+"(?! hidden)>', html)
    assert shown == [days_ago(20).isoformat()]
    assert html.count(" hidden>") == 1  # the meeting outside the period, hidden


def test_bank_details_and_a_request_in_one_post(client, world):
    client.force_login(world["ada"])
    response = client.post(reverse("stipend_new", args=[world["m"].pk]),
                           {**request_data(hours="7.5"), **bank_data()})
    req = StipendRequest.objects.get()
    assert response.url == reverse("stipend_detail", args=[req.pk])
    assert (req.hours, req.amount, req.payee) == (Decimal("7.50"), Decimal("225.00"),
                                                  world["ada"])
    assert BankDetails.objects.get(user=world["ada"]).masked == "DE89 •••• •••• •••• 3000"
    page = text(client.get(response.url))
    assert "Waiting for the organizers" in page and "225.00 USD" in page
    assert DEMO_IBAN_SPACED not in page
    # The next request: the bank details are not asked again, and the period follows on.
    html = text(client.get(reverse("stipend_new", args=[world["m"].pk])))
    assert 'name="bank-iban"' not in html and "DE89 •••• •••• •••• 3000" in html
    assert f'value="{days_ago(13).isoformat()}"' in html


@pytest.mark.parametrize("request_changes, bank_changes, field, message", [
    ({"hours": "0"}, {}, "hours", "more than 0"),
    ({"hours": "-2"}, {}, "hours", "more than 0"),
    ({"hours": "500"}, {}, "hours", "holds at most 168 hours"),
    ({"hours": "ten"}, {}, "hours", "like 12 or 7.5"),
    ({"rate": "0"}, {}, "rate", "more than 0"),
    ({"period_start": days_ago(90).isoformat()}, {}, "period_start",
     "The mentorship started on"),
    ({"period_end": days_ago(-5).isoformat()}, {}, "period_end", "at the latest"),
    ({"period_end": days_ago(30).isoformat()}, {}, "period_end", "on or after its start"),
    ({"justification": " "}, {}, "justification", "why the stipend helps you"),
    ({}, {"iban": "DE89 3704 0044 0532 0130 01"}, "bank-iban", "check digits"),
    ({}, {"bic": "COBADEF"}, "bank-bic", "8 or 11 characters"),
])
def test_bad_input_is_explained_at_its_field_and_nothing_is_saved(
        client, world, request_changes, bank_changes, field, message):
    client.force_login(world["ada"])
    data = {**request_data(**request_changes), **bank_data(**bank_changes)}
    response = client.post(reverse("stipend_new", args=[world["m"].pk]), data)
    assert response.status_code == 400
    html = text(response).replace("&#x27;", "'")
    assert message in html
    assert f'id="id_{field}"' in html
    form_errors = response.context["form"].errors | response.context["bank_form"].errors
    assert any(message in e for e in form_errors[field.removeprefix("bank-")])
    # What was typed is kept (the IBAN too: it is the person's own typing).
    if "justification" not in request_changes:
        assert "I can drop a shift at the café." in html
    assert DEMO_IBAN_SPACED in html or bank_changes
    # Nothing half-saved: neither the request nor the bank details.
    assert not StipendRequest.objects.exists() and not BankDetails.objects.exists()


def test_an_overlapping_period_is_refused_with_the_other_request_named(client, world):
    submit(world["m"], world["ada"], start=days_ago(27), end=days_ago(14))
    client.force_login(world["ada"])
    response = client.post(reverse("stipend_new", args=[world["m"].pk]),
                           request_data(period_start=days_ago(20).isoformat(),
                                        period_end=days_ago(5).isoformat()))
    assert response.status_code == 400
    assert "You already have a request for" in text(response).replace("&#x27;", "'")
    assert StipendRequest.objects.count() == 1


def test_a_mentorship_not_started_has_no_form(client, world):
    m = world["m"]
    m.status = "invited"
    m.save()
    client.force_login(world["ada"])
    response = client.get(reverse("stipend_new", args=[m.pk]))
    assert "once it has started" in text(response) and 'name="hours"' not in text(response)
    assert client.post(reverse("stipend_new", args=[m.pk]), request_data()).status_code == 200
    assert not StipendRequest.objects.exists()


def test_the_dashboard_still_runs_a_fixed_number_of_queries_with_stipends(
        client, program, django_assert_num_queries):
    small = _people(program, mentees=2, meetings=1, prefix="small")
    large = _people(program, mentees=20, meetings=3, prefix="large")
    for user in (small, large):
        for m in user.mentee_roles.get().mentorships.all():
            submit(m, user, start=days_ago(50), end=days_ago(40), hours="5")
        for m in user.mentor_roles.get().mentorships.all()[:5]:
            submit(m, user, start=days_ago(50), end=days_ago(40), hours="2")
    client.force_login(small)
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(reverse("dashboard")).status_code == 200
    client.force_login(large)
    with django_assert_num_queries(len(small_queries)):
        html = text(client.get(reverse("dashboard")))
    assert html.count("mentoring ") == 5


def test_a_sent_request_says_which_emails_follow(client, world):
    """The confirmation promises what is sent: an email when it's paid, or if it isn't
    approved (an approval alone emails nobody)."""
    client.force_login(world["ada"])
    response = client.post(reverse("stipend_new", args=[world["m"].pk]),
                           {**request_data(), **bank_data()}, follow=True)
    assert response.status_code == 200
    assert "We&#x27;ll email you when it&#x27;s paid, or if it isn&#x27;t approved." in text(
        response)
