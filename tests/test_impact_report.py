"""The funders' report: a printable page per program and period with the headline
figures, their n and response rates, and the caveats; a bad date is explained and kept;
organizers only."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Invitation

from .factories import UserFactory
from .surveys_helpers import answer, completed, invitation

pytestmark = pytest.mark.django_db

URL = reverse("impact_report")


@pytest.fixture
def world(program):
    # Five completed mentorships ended 5 days ago (Δp 10..30, mean 20), one 400 days ago.
    for value in ["10", "15", "20", "25", "30"]:
        answer(invitation(completed(program)), delta_p_fulltime=value)
    answer(invitation(completed(program, days_ago=400)), delta_p_fulltime="90")
    Invitation.objects.update(sent_at=timezone.now())
    return program


def test_the_report_has_the_headline_figures_and_caveats(world, organizer_client):
    html = organizer_client.get(URL, {"program": world.slug}).content.decode()
    assert f"{world.name}: outcomes report" in html
    assert "Δp(full-time), mentees' estimate" in html
    assert "+31.7 pp" in html  # (10 + 15 + 20 + 25 + 30 + 90) / 6
    assert "6 of 6 asked (100%)" in html
    assert "no control group was surveyed" in html
    assert "Save as PDF" in html


def test_a_period_narrows_it_to_the_mentorships_that_ended_in_it(world, organizer_client):
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    html = organizer_client.get(URL, {"program": world.slug, "from": since}).content.decode()
    assert "+20.0 pp" in html and "5 of 5 asked (100%)" in html
    assert "Mentorships that ended from " in html


def test_a_bad_date_is_explained_and_kept(world, organizer_client):
    page = organizer_client.get(URL, {"from": "31/01/2026", "to": "2026-02-30"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "From: “31/01/2026” is not a date; write it like 2026-01-31." in html
    assert "To: “2026-02-30” is not a date" in html
    assert 'value="31/01/2026"' in html


def test_from_after_to_is_refused(world, organizer_client):
    page = organizer_client.get(URL, {"from": "2026-03-01", "to": "2026-02-01"})
    assert page.status_code == 400
    assert "From must be on or before To." in page.content.decode()


def test_only_organizers_see_the_report(world, client):
    assert client.get(URL).status_code == 302
    client.force_login(UserFactory())
    assert client.get(URL).status_code == 403
