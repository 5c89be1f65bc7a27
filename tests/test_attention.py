""""Needs attention": the organizers' page (each item counted by the rule the rest of the
app uses, linking to the list that resolves it) and the digest, sent through the message
log once per day or week as each organizer chose, and never empty."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentee
from mm_program.models import Message, ReminderPause
from mm_program.reminders import scan

from .factories import (
    MeetingLogFactory,
    MenteeApplicationFactory,
    MenteeFactory,
    MentorshipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

DIGEST = "organizer-digest"


@pytest.fixture
def troubles(program):
    """One of each: a pending application, a mentee unmatched for three weeks, a quiet
    mentorship, one marked not on track three times, one past its final call."""
    today = timezone.localdate()
    MenteeApplicationFactory(program=program, name="Pending Pat")
    waiting = MenteeFactory(program=program)
    Mentee.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(days=21))
    quiet = MentorshipFactory(program=program, start_date=today - timedelta(days=60))
    stuck = MentorshipFactory(program=program, start_date=today - timedelta(days=30))
    for days in (3, 2, 1):
        MeetingLogFactory(mentorship=stuck, on_track="no", date=today - timedelta(days=days))
    overdue = MentorshipFactory(program=program, start_date=today - timedelta(days=120),
                                planned_end_date=today - timedelta(days=10))
    MeetingLogFactory(mentorship=overdue, date=today)
    return {"waiting": waiting, "quiet": quiet, "stuck": stuck, "overdue": overdue}


def _items(html: str) -> dict[str, str]:
    import re
    return {re.sub(r"\s+", " ", label).strip(): link for link, label in re.findall(
        r'<li><a href="([^"]+)"><strong>\d+</strong>([^<]+)</a></li>', html)}


def test_the_page_counts_each_trouble_and_links_to_the_list_that_resolves_it(
        organizer_client, troubles):
    html = organizer_client.get(reverse("attention")).content.decode()
    assert "<strong>1</strong> mentee applications waiting for a decision" in html
    assert "<strong>1</strong> accepted mentees unmatched for 14 days" in html
    assert "<strong>1</strong> mentorships marked not on track 3 times" in html
    assert "<strong>1</strong> mentorships with the final call overdue" in html
    assert "mentor applications" not in html  # nothing there: not listed
    links = _items(html)
    stuck = organizer_client.get(links["mentorships marked not on track 3 times or more"])
    assert f"/mentorship/{troubles['stuck'].pk}/change/" in stuck.content.decode()
    assert f"/mentorship/{troubles['quiet'].pk}/change/" not in stuck.content.decode()
    overdue = organizer_client.get(links["mentorships with the final call overdue"])
    assert f"/mentorship/{troubles['overdue'].pk}/change/" in overdue.content.decode()
    waiting = organizer_client.get(
        links["accepted mentees unmatched for 14 days or more"]).content.decode()
    assert f"/mentee/{troubles['waiting'].pk}/change/" in waiting
    quiet = organizer_client.get(
        links["quiet mentorships (no meeting in the agreed time)"]).content.decode()
    assert f"/mentorship/{troubles['quiet'].pk}/change/" in quiet


def test_only_organizers_see_the_page(client, officer, db):
    for user in (officer, UserFactory(is_staff=True)):
        client.force_login(user)
        assert client.get(reverse("attention")).status_code == 403
    client.logout()
    assert client.get(reverse("attention")).status_code == 302


def _digests():
    return Message.objects.filter(kind=DIGEST)


def test_the_weekly_digest_goes_once_a_week_with_the_items(organizer, troubles):
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    scan(monday)
    message = _digests().get()
    assert message.recipient == organizer.email
    assert "not on track" in message.subject and "final call overdue" in message.body_text
    scan(monday)
    scan(monday + timedelta(days=3))  # the same ISO week
    assert _digests().count() == 1
    scan(monday + timedelta(days=7))
    assert _digests().count() == 2


def test_a_daily_digest_goes_each_day_and_never_empty(organizer, program):
    organizer.digest = "daily"
    organizer.save(update_fields=["digest"])
    today = timezone.localdate()
    scan(today)
    assert not _digests().exists()  # nothing needs them: no email
    MenteeApplicationFactory(program=program)
    scan(today)
    scan(today)
    assert _digests().count() == 1
    scan(today + timedelta(days=1))
    assert _digests().count() == 2


def test_an_organizer_chooses_on_the_page_and_never_stops_it(organizer_client, organizer,
                                                             program):
    MenteeApplicationFactory(program=program)
    organizer_client.post(reverse("attention"), {"digest": "daily"})
    organizer.refresh_from_db()
    assert organizer.digest == "daily"
    organizer_client.post(reverse("attention"), {"digest": "off"})
    assert ReminderPause.objects.filter(user=organizer, kind=DIGEST).exists()
    scan(timezone.localdate())
    assert not _digests().exists()
    bad = organizer_client.post(reverse("attention"), {"digest": "hourly"})
    assert "Select a valid choice" in bad.content.decode()


def test_stipends_waiting_show_only_to_who_may_open_their_list(
        client, organizer, officer, world):
    """A plain organizer can't open the stipend requests (403), so the item isn't theirs;
    an organizer who is also a payments officer gets it, on the page and in the digest."""
    from django.contrib.auth.models import Group

    from mm_program.roles import PAYMENTS_OFFICERS

    from .payments_fixtures import submit

    submit(world["m"], world["ada"])
    label = "stipend requests waiting for a decision"
    client.force_login(organizer)
    page = client.get(reverse("attention")).content.decode()
    assert label not in page
    organizer.groups.add(Group.objects.get(name=PAYMENTS_OFFICERS))
    organizer = type(organizer).objects.get(pk=organizer.pk)  # a fresh permission cache
    client.force_login(organizer)
    page = client.get(reverse("attention")).content.decode()
    link = _items(page)[label]
    assert client.get(link).status_code == 200
    scan(timezone.localdate())
    assert label in _digests().get(recipient=organizer.email).body_text
