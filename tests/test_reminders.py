"""Reminder rules: due, not yet due, paused, ended, already sent; the pause link; preview."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from matching import notifications
from mm_program.models import Message, ReminderPause
from mm_program.reminders import pause_token, scan

from .factories import MeetingLogFactory, MentorshipFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _deliver_at_once(monkeypatch):
    monkeypatch.setattr("mm_program.messaging.transaction.on_commit",
                        lambda fn, *a, **k: fn())


def mentorship(program, *, started_days_ago=30, terms=True, end_in_days=90, **kw):
    start = TODAY - timedelta(days=started_days_ago)
    return MentorshipFactory(
        program=program, start_date=start, planned_end_date=TODAY + timedelta(days=end_in_days),
        introduced_at=datetime.combine(start, datetime.min.time(), tzinfo=UTC),
        terms_recorded_at=(datetime(2026, 1, 1, tzinfo=UTC) if terms else None),
        **kw,
    )


def kinds_to(message_kind):
    return sorted(m.recipient for m in Message.objects.filter(kind=message_kind))


# ------------------------------------------------------------------ no meeting logged


def test_a_mentor_is_nudged_after_three_weeks_without_a_meeting(program):
    m = mentorship(program, started_days_ago=40)
    MeetingLogFactory(mentorship=m, date=TODAY - timedelta(days=21))
    assert scan(TODAY).queued == 1
    [email] = mail.outbox
    assert email.to == [m.mentor.user.email]
    assert "21 days" in email.subject
    assert f"/mentorships/{m.pk}/" in email.body
    assert "/reminders/pause/" in email.body


def test_no_nudge_before_three_weeks(program):
    m = mentorship(program, started_days_ago=40)
    MeetingLogFactory(mentorship=m, date=TODAY - timedelta(days=20))
    assert scan(TODAY).queued == 0 and mail.outbox == []


def test_without_any_meeting_the_count_starts_at_the_start_date(program):
    mentorship(program, started_days_ago=21)
    mentorship(program, started_days_ago=20)
    assert scan(TODAY).queued == 1
    assert "No meeting with" in mail.outbox[0].subject and "yet" in mail.outbox[0].subject


def test_the_nudge_repeats_at_most_every_two_weeks_and_a_meeting_resets_it(program):
    m = mentorship(program, started_days_ago=60)
    MeetingLogFactory(mentorship=m, date=TODAY - timedelta(days=21))
    scan(TODAY)
    for offset in range(1, 14):  # daily scans for the next 13 days: nothing new
        assert scan(TODAY + timedelta(days=offset)).queued == 0
    assert scan(TODAY + timedelta(days=14)).queued == 1
    MeetingLogFactory(mentorship=m, date=TODAY + timedelta(days=15))
    assert scan(TODAY + timedelta(days=20)).queued == 0
    assert len(mail.outbox) == 2


def test_the_interval_is_the_programs(program):
    program.remind_no_meeting_days = 10
    program.save()
    mentorship(program, started_days_ago=10)
    assert scan(TODAY).queued == 1


def test_a_pair_that_agreed_to_meet_monthly_is_nudged_a_week_after_a_meeting_was_due(
        program):
    monthly = mentorship(program, started_days_ago=90, meeting_every_weeks=4)
    MeetingLogFactory(mentorship=monthly, date=TODAY - timedelta(days=22))
    weekly = mentorship(program, started_days_ago=90, meeting_every_weeks=1)
    MeetingLogFactory(mentorship=weekly, date=TODAY - timedelta(days=22))
    # The weekly pair is nudged at the program's three weeks; the monthly one is not due.
    assert scan(TODAY).queued == 1
    assert mail.outbox[0].to == [weekly.mentor.user.email]
    def to_monthly():
        return [e for e in mail.outbox if e.to == [monthly.mentor.user.email]]

    for offset in range(1, 13):  # 4 weeks and a week's grace: 35 days
        scan(TODAY + timedelta(days=offset))
        assert to_monthly() == []
    scan(TODAY + timedelta(days=13))
    [nudge] = to_monthly()
    assert "35 days" in nudge.subject


def test_an_open_mentorship_past_its_end_asks_the_mentor_weekly_three_times(program):
    m = mentorship(program, started_days_ago=120, end_in_days=-6)
    MeetingLogFactory(mentorship=m, date=TODAY)  # meeting still: only this kind is due
    assert kinds_to("final-call-overdue") == []
    scan(TODAY)
    assert kinds_to("final-call-overdue") == []  # six days late: not yet
    sent = []
    for offset in range(1, 40):
        scan(TODAY + timedelta(days=offset))
        sent.append(len(kinds_to("final-call-overdue")))
    # On days 7, 14 and 21 past the planned end, then never again.
    assert sent[0] == 1 and sent[6] == 1 and sent[7] == 2 and sent[14] == 3
    assert sent[-1] == 3
    assert set(kinds_to("final-call-overdue")) == {m.mentor.user.email}
    [first, *_] = [e for e in mail.outbox if "was planned to end" in e.subject]
    assert "record the final call?" in first.subject
    assert f"/mentorships/{m.pk}/" in first.body


def test_a_completed_mentorship_past_its_end_gets_no_such_reminder(program):
    mentorship(program, started_days_ago=120, end_in_days=-10, status="completed",
               ended_on=TODAY - timedelta(days=10))
    scan(TODAY)
    assert kinds_to("final-call-overdue") == []


def test_the_terms_and_end_intervals_are_the_programs_too(program):
    program.remind_terms_days = 3
    program.remind_end_days = 30
    program.save()
    # Introduced 3 days ago without terms; its end is 30 days away; a meeting yesterday.
    m = mentorship(program, started_days_ago=3, terms=False, end_in_days=30)
    MeetingLogFactory(mentorship=m, date=TODAY - timedelta(days=1))
    scan(TODAY)
    assert len(kinds_to("terms-reminder")) == 2 and len(kinds_to("end-reminder")) == 2
    assert not Message.objects.filter(kind="meeting-nudge").exists()


def test_with_the_default_intervals_the_same_mentorship_is_not_due_yet(program):
    m = mentorship(program, started_days_ago=3, terms=False, end_in_days=30)
    MeetingLogFactory(mentorship=m, date=TODAY - timedelta(days=1))
    assert scan(TODAY).queued == 0


@pytest.mark.parametrize("status", ["paused", "completed", "ended_early", "invited",
                                    "declined"])
def test_paused_ended_or_unconfirmed_mentorships_get_no_nudges(program, status):
    extra = {"ended_on": TODAY} if status in ("completed", "ended_early") else {}
    if status == "ended_early":
        extra["end_reason"] = "fit"
    mentorship(program, started_days_ago=60, terms=False, end_in_days=3, status=status,
               **extra)
    assert scan(TODAY).queued == 0 and mail.outbox == []


def test_scanning_twice_sends_nothing_new(program):
    for _ in range(3):
        mentorship(program, started_days_ago=30)
    first, second = scan(TODAY), scan(TODAY)
    assert (first.queued, second.queued, second.existing) == (3, 0, 3)
    assert len(mail.outbox) == 3


# ------------------------------------------------------------------ terms, end


def test_both_are_reminded_of_the_terms_a_week_after_the_introduction(program):
    m = mentorship(program, started_days_ago=7, terms=False)
    mentorship(program, started_days_ago=6, terms=False)  # not yet
    mentorship(program, started_days_ago=30, terms=True)  # recorded
    scan(TODAY)
    assert kinds_to("terms-reminder") == sorted([m.mentor.user.email, m.mentee.user.email])
    scan(TODAY + timedelta(days=5))
    # Once only for this pair; the other pair's week is up by then.
    assert Message.objects.filter(kind="terms-reminder",
                                  about=f"matching.mentorship:{m.pk}").count() == 2
    assert Message.objects.filter(kind="terms-reminder").count() == 4


def test_both_are_reminded_two_weeks_before_the_end(program):
    m = mentorship(program, started_days_ago=5, end_in_days=14)
    mentorship(program, started_days_ago=5, end_in_days=15)  # not yet
    scan(TODAY)
    assert kinds_to("end-reminder") == sorted([m.mentor.user.email, m.mentee.user.email])
    to_mentee = next(e for e in mail.outbox if e.to == [m.mentee.user.email])
    assert "final project" in to_mentee.body
    # Moving the end date is a new occasion; the same date is not.
    about = f"matching.mentorship:{m.pk}"
    scan(TODAY + timedelta(days=1))
    assert Message.objects.filter(kind="end-reminder", about=about).count() == 2
    m.planned_end_date = TODAY + timedelta(days=10)
    m.save()
    scan(TODAY)
    assert Message.objects.filter(kind="end-reminder", about=about).count() == 4


# ------------------------------------------------------------------ pausing


def test_the_pause_link_asks_then_pauses_that_kind_only(client, program):
    m = mentorship(program, started_days_ago=30, terms=False)
    user = m.mentor.user
    url = reverse("reminder_pause", args=[pause_token(user.pk, "meeting-nudge")])
    page = client.get(url)
    assert page.status_code == 200 and "Pause reminders to log a meeting" in page.content.decode()
    assert not ReminderPause.objects.exists()  # opening the link changes nothing
    client.post(url, {"action": "pause"})
    assert ReminderPause.objects.filter(user=user, kind="meeting-nudge").exists()
    scan(TODAY)
    assert not Message.objects.filter(kind="meeting-nudge").exists()
    assert Message.objects.filter(kind="terms-reminder", recipient=user.email).exists()
    client.post(url, {"action": "resume"})
    assert scan(TODAY).queued == 1  # the meeting nudge, now that it is on again


def test_the_link_in_a_reminder_works(client, program):
    mentorship(program, started_days_ago=30)
    scan(TODAY)
    link = next(w for w in mail.outbox[0].body.split() if "/reminders/pause/" in w)
    assert client.get(link.replace("http://127.0.0.1:8000", "")).status_code == 200


def test_mail_clients_get_a_one_click_pause_in_the_headers(program):
    m = mentorship(program, started_days_ago=30)
    scan(TODAY)
    nudge = next(e for e in mail.outbox if e.to == [m.mentor.user.email]
                 and "meeting" in e.subject.lower())
    header = nudge.extra_headers["List-Unsubscribe"]
    assert header.startswith("<http") and header.endswith("/one-click/>")
    assert nudge.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_one_click_post_pauses_without_a_session_or_csrf_token(program):
    m = mentorship(program, started_days_ago=30, terms=False)
    user = m.mentor.user
    url = reverse("reminder_pause_one_click", args=[pause_token(user.pk, "meeting-nudge")])
    mail_client = Client(enforce_csrf_checks=True)
    assert mail_client.get(url).status_code == 405  # a link scanner's GET pauses nothing
    assert not ReminderPause.objects.exists()
    response = mail_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert ReminderPause.objects.filter(user=user, kind="meeting-nudge").exists()
    scan(TODAY)
    assert not Message.objects.filter(kind="meeting-nudge").exists()
    assert Message.objects.filter(kind="terms-reminder", recipient=user.email).exists()
    tampered = url.replace("/one-click/", "xx/one-click/")
    assert mail_client.post(tampered).status_code == 400


def test_emails_that_are_not_reminders_carry_no_unsubscribe(program):
    m = MentorshipFactory(program=program)
    notifications.introduction(m)
    assert mail.outbox and all("List-Unsubscribe" not in e.extra_headers
                               for e in mail.outbox)


def test_a_tampered_pause_link_is_refused(client, program):
    user = UserFactory()
    token = pause_token(user.pk, "meeting-nudge")
    response = client.post(reverse("reminder_pause", args=[token[:-2] + "xx"]))
    assert response.status_code == 400
    assert "doesn't work" in response.content.decode()
    assert not ReminderPause.objects.exists()
    forged = pause_token(user.pk, "no-such-kind")
    assert client.get(reverse("reminder_pause", args=[forged])).status_code == 400


def test_an_expired_pause_link_says_so(client):
    user = UserFactory()
    with time_machine.travel(datetime(2026, 1, 1, tzinfo=UTC)):
        token = pause_token(user.pk, "meeting-nudge")
    with time_machine.travel(datetime(2026, 11, 1, tzinfo=UTC)):
        response = client.post(reverse("reminder_pause", args=[token]))
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not ReminderPause.objects.exists()


# ------------------------------------------------------------------ preview


def test_the_admin_preview_lists_what_is_due_and_sends_nothing(organizer_client, program):
    m = mentorship(program, started_days_ago=30, terms=False)
    with time_machine.travel(datetime(2026, 11, 23, 12, tzinfo=UTC)):
        page = organizer_client.get(reverse("admin:mm_program_message_preview"))
    html = page.content.decode()
    assert f"meeting-nudge/mentorship:{m.pk}/" in html
    assert f"terms-reminder/mentorship:{m.pk}/to:mentee" in html
    assert m.mentor.user.email in html
    assert not Message.objects.exists() and mail.outbox == []


# ------------------------------------------------------------------ the beat schedule


def test_beat_finds_the_scan_in_the_database_schedule(settings, program):
    """The scan's schedule lives in django-celery-beat's tables (editable in admin), and
    the task it names is the registered one that queues what is due."""
    from django_celery_beat.models import PeriodicTask

    from mm_program.celery import app
    from mm_program.tasks import scan_reminders

    assert settings.CELERY_BEAT_SCHEDULER == "django_celery_beat.schedulers:DatabaseScheduler"
    task = PeriodicTask.objects.get(name="Scan for due reminders")
    assert task.enabled and task.interval.every == 15 and task.interval.period == "minutes"
    assert app.tasks[task.task].name == scan_reminders.name == task.task
    mentorship(program, started_days_ago=30)
    assert app.tasks[task.task].delay().get() == {"queued": 1, "already_sent": 0}
    assert app.tasks[task.task].delay().get()["queued"] == 0
