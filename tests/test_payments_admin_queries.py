"""The stipend request and payout batch lists cost the same queries however many
requests went out in batches (each read its batch, or summed its total, by a query of
its own: 84 and 46 queries a page at 10x scale)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mm_program.roles import PAYMENTS_OFFICERS, ensure_roles
from payments.models import StipendBudget
from payments.services import payouts
from payments.services import stipends as services

from .factories import MenteeFactory, MentorFactory, MentorshipFactory, UserFactory
from .helpers import days_ago
from .payments_fixtures import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def pat(db, monkeypatch, program):
    """A payments officer, signed in; the emails of each move go out at once."""
    monkeypatch.setattr("mm_program.messaging.transaction.on_commit",
                        lambda fn, *a, **k: fn())
    ensure_roles()
    StipendBudget.objects.create(program=program, amount=Decimal("10000.00"))
    user = UserFactory(email="pat@example.org", name="Pat Payments", is_staff=True)
    user.groups.add(Group.objects.get(name=PAYMENTS_OFFICERS))
    return user


@pytest.fixture
def mentorship(program):
    return MentorshipFactory(program=program, mentor=MentorFactory(program=program),
                             mentee=MenteeFactory(program=program), start_date=days_ago(60),
                             hours_per_week=8, terms_recorded_at=timezone.now())


def queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(captured)


def exported(mentorship, by, *periods):
    """Approved requests of the mentee's for these (start, end) days ago, in one batch."""
    requests = [services.stipend_request_approve(
        stipend_request=submit(mentorship, mentorship.mentee.user,
        start=days_ago(start), end=days_ago(end)),
        by=by)
                for start, end in periods]
    return payouts.payout_batch_export(request_ids=[r.pk for r in requests], by=by).batch


def test_the_lists_cost_the_same_queries_for_more_batches(client, pat, mentorship):
    client.force_login(pat)
    requests = reverse("admin:payments_stipendrequest_changelist")
    batches = reverse("admin:payments_payoutbatch_changelist")
    exported(mentorship, pat, (55, 50))
    _, requests_before = queries(client, requests)
    _, batches_before = queries(client, batches)

    exported(mentorship, pat, (49, 45), (44, 40))
    last = exported(mentorship, pat, (39, 35), (34, 30))
    page, requests_after = queries(client, requests)
    assert requests_after == requests_before
    assert f"Payout batch {last.pk}" in page.content.decode()
    page, batches_after = queries(client, batches)
    assert batches_after == batches_before
    rows = {row.pk: (row.n, row.amounts) for row in page.context_data["cl"].result_list}
    assert rows[last.pk][0] == 2
    total = sum(r.amount for r in rows[last.pk][1])
    assert f"{total} {mentorship.program.currency}" in page.content.decode()
