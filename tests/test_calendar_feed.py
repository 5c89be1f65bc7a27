"""Each person's private calendar feed: what it holds, that it is a valid iCalendar file,
and that only its current address opens it."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from icalendar import Calendar

from mm_program.calendar import SALT, calendar_token
from tests.factories import MeetingLogFactory, MentorshipFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def feed(client, user):
    return client.get(reverse("calendar_feed", args=[calendar_token(user)]))


def events(response) -> dict[str, object]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    return {str(e["uid"]).split("@")[0]: e for e in cal.walk("VEVENT")}


@pytest.fixture
def mentorship():
    m = MentorshipFactory(start_date=date(2026, 1, 5), meeting_every_weeks=2,
                          planned_end_date=date(2026, 6, 1),
                          mentee__user__name="Ada Mentee", mentor__user__name="Bo Mentor")
    MeetingLogFactory(mentorship=m, date=date(2026, 2, 16))
    MeetingLogFactory(mentorship=m, date=date(2026, 1, 19))
    return m


def test_the_file_is_a_valid_calendar_with_what_each_entry_needs(client, mentorship):
    response = feed(client, mentorship.mentor.user)
    cal = Calendar.from_ical(response.content)
    assert str(cal["version"]) == "2.0" and cal["prodid"]
    entries = cal.walk("VEVENT")
    assert len(entries) == 2
    for entry in entries:  # RFC 5545 3.6.1: UID and DTSTAMP required, DTSTART here
        for prop in ("uid", "dtstamp", "dtstart", "dtend", "summary"):
            assert prop in entry, prop
    # Lines are folded at 75 octets, ended by CRLF.
    lines = response.content.split(b"\r\n")
    assert max(len(line) for line in lines) <= 75
    assert response.content.endswith(b"END:VCALENDAR\r\n")


def test_calls_repeat_at_the_agreed_cadence_from_the_last_meeting(client, mentorship):
    calls = events(feed(client, mentorship.mentor.user))[f"mentorship-{mentorship.pk}-calls"]
    # Last meeting 16 Feb, every 2 weeks: the next call is due 2 Mar, until the planned end.
    assert calls.decoded("dtstart") == date(2026, 3, 2)
    rule = calls["rrule"]
    assert rule["freq"] == ["WEEKLY"] and rule["interval"] == [2]
    assert rule["until"] == [date(2026, 6, 1)]
    assert "Ada Mentee" in str(calls["summary"])
    # The mentee's feed names the mentor instead.
    mentee_calls = events(feed(client, mentorship.mentee.user))[
        f"mentorship-{mentorship.pk}-calls"]
    assert "Bo Mentor" in str(mentee_calls["summary"])


def test_the_series_moves_when_a_meeting_is_logged(client, mentorship):
    MeetingLogFactory(mentorship=mentorship, date=date(2026, 2, 27))
    calls = events(feed(client, mentorship.mentee.user))[f"mentorship-{mentorship.pk}-calls"]
    assert calls.decoded("dtstart") == date(2026, 3, 13)


def test_the_planned_end_is_an_entry(client, mentorship):
    end = events(feed(client, mentorship.mentee.user))[f"mentorship-{mentorship.pk}-end"]
    assert end.decoded("dtstart") == date(2026, 6, 1)
    assert end.decoded("dtend") == date(2026, 6, 2)


def test_no_cadence_no_calls_and_paused_pairs_meet_nobody(client):
    m = MentorshipFactory(meeting_every_weeks=None, planned_end_date=None)
    assert events(feed(client, m.mentor.user)) == {}
    paused = MentorshipFactory(meeting_every_weeks=1, status="paused",
                               planned_end_date=date(2026, 5, 1))
    assert set(events(feed(client, paused.mentor.user))) == {f"mentorship-{paused.pk}-end"}


def test_a_completed_mentorship_reminds_of_the_final_project(client):
    m = MentorshipFactory(status="completed", ended_on=TODAY - timedelta(days=10),
                          meeting_every_weeks=2)
    entries = events(feed(client, m.mentee.user))
    assert set(entries) == {f"mentorship-{m.pk}-project"}
    assert entries[f"mentorship-{m.pk}-project"].decoded("dtstart") == \
        m.project_editable_until
    long_ago = MentorshipFactory(status="completed", ended_on=TODAY - timedelta(days=365))
    assert events(feed(client, long_ago.mentee.user)) == {}


def test_a_feed_holds_only_its_owners_mentorships(client, mentorship):
    other = MentorshipFactory(meeting_every_weeks=1, program=mentorship.program)
    uids = set(events(feed(client, mentorship.mentee.user)))
    assert all(f"-{other.pk}-" not in uid for uid in uids)
    assert uids  # and it does hold the owner's


def test_a_reset_address_stops_working_and_the_new_one_works(client, mentorship):
    user = mentorship.mentee.user
    old = reverse("calendar_feed", args=[calendar_token(user)])
    client.force_login(user)
    response = client.post(reverse("calendar"))
    assert response.status_code == 302
    assert client.get(old).status_code == 404
    user.refresh_from_db()
    assert feed(client, user).status_code == 200
    page = client.get(reverse("calendar"))
    assert reverse("calendar_feed", args=[calendar_token(user)]) in page.content.decode()
    assert old not in page.content.decode()


def test_forged_altered_and_others_tokens_open_nothing(client, mentorship):
    mentee = mentorship.mentee.user
    forged = signing.dumps({"u": mentee.pk, "e": 0}, salt="another-salt")
    assert client.get(reverse("calendar_feed", args=[forged])).status_code == 404
    token = calendar_token(mentorship.mentor.user)
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(reverse("calendar_feed", args=[altered])).status_code == 404
    # A token says whose calendar it is; signed for nobody else.
    outsider = UserFactory()
    stolen = signing.dumps({"u": mentee.pk, "e": outsider.calendar_epoch + 1}, salt=SALT)
    assert client.get(reverse("calendar_feed", args=[stolen])).status_code == 404


def test_an_erased_person_has_no_feed(client, mentorship):
    user = mentorship.mentee.user
    url = reverse("calendar_feed", args=[calendar_token(user)])
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404


def test_the_page_needs_a_signed_in_person_and_resets_only_by_post(client, mentorship):
    response = client.get(reverse("calendar"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.post(reverse("calendar")).status_code == 302
    user = mentorship.mentee.user
    user.refresh_from_db()
    assert user.calendar_epoch == 0  # the anonymous post reset nothing
    client.force_login(user)
    page = client.get(reverse("calendar"))
    assert page.status_code == 200
    assert "Mentoring call with Bo Mentor" in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0")


def test_the_dashboard_links_the_calendar(client, mentorship):
    client.force_login(mentorship.mentee.user)
    assert reverse("calendar") in client.get(reverse("dashboard")).content.decode()
