"""One rule decides when a mentorship is quiet: the mentor's meeting nudge, the admin's
filter and its red date all ask ``Mentorship.quiet_days_allowed`` (or its query form,
``Mentorship.objects.quiet``), so they never disagree again."""

from datetime import timedelta

import pytest
from django.urls import reverse

from matching.models import Mentorship
from matching.reminders import meeting_nudges

from .factories import MeetingLogFactory, MentorshipFactory, ProgramFactory
from .helpers import today

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    """A grid: two programs (21 and 10 days), every agreed cadence and none, silent for
    every number of days from 0 to 70, some with a meeting and some without."""
    strict = ProgramFactory(remind_no_meeting_days=10)
    usual = ProgramFactory(remind_no_meeting_days=21)
    made = []
    for program in (strict, usual):
        for weeks in (None, 1, 2, 4, 8):
            for silent in range(0, 71, 3):
                m = MentorshipFactory(program=program, meeting_every_weeks=weeks,
                                      start_date=today() - timedelta(days=silent + 40))
                MeetingLogFactory(mentorship=m, date=today() - timedelta(days=silent))
                made.append(m)
            never_met = MentorshipFactory(program=program, meeting_every_weeks=weeks,
                                          start_date=today() - timedelta(days=30))
            made.append(never_met)
    return made


def expected_quiet(m) -> bool:
    last = max([meeting.date for meeting in m.meetings.all()], default=m.start_date)
    return (today() - last).days >= m.quiet_days_allowed()


def test_the_query_and_the_rule_agree_on_every_case(rows):
    by_query = set(Mentorship.objects.quiet(today()).values_list("pk", flat=True))
    by_rule = {m.pk for m in rows if expected_quiet(m)}
    assert by_query == by_rule
    assert 0 < len(by_rule) < len(rows)  # the grid has both kinds


def test_a_pair_meeting_monthly_is_quiet_a_week_after_a_missed_meeting(db):
    program = ProgramFactory(remind_no_meeting_days=21)
    monthly = MentorshipFactory(program=program, meeting_every_weeks=4,
                                start_date=today() - timedelta(days=90))
    MeetingLogFactory(mentorship=monthly, date=today() - timedelta(days=34))
    assert monthly.quiet_days_allowed() == 35
    assert not Mentorship.objects.quiet(today()).filter(pk=monthly.pk).exists()
    assert Mentorship.objects.quiet(today() + timedelta(days=1)).filter(
        pk=monthly.pk).exists()


def test_the_nudge_and_the_admin_filter_list_the_same_mentorships(rows, admin_client):
    nudged = {item.about.pk for item in meeting_nudges(today())}
    response = admin_client.get(reverse("admin:matching_mentorship_changelist")
                                + "?quiet=yes&all=")
    listed = {m.pk for m in response.context["cl"].queryset}
    assert nudged == listed == {m.pk for m in rows if expected_quiet(m)}


def test_paused_and_ended_mentorships_are_never_quiet(db):
    for status in ("paused", "completed"):
        MentorshipFactory(status=status, start_date=today() - timedelta(days=200),
                          ended_on=today() - timedelta(days=100)
                          if status == "completed" else None)
    assert not Mentorship.objects.quiet(today()).exists()
