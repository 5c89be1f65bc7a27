"""Alumni follow-ups: opened by the hourly beat task at 6 and 12 months after the end (or
the program's own offsets), emailed by the reminder scan through the message log, each
exactly once; never to an erased person, nor to one who paused follow-ups."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from mm_program.models import Message, ReminderPause
from mm_program.privacy.services import person_erase
from mm_program.reminders import scan
from surveys.followups import add_months, followups_open
from surveys.models import Invitation, ProgramOutcomes, SurveyKind
from surveys.tasks import open_followups

from .surveys_helpers import answer, completed

pytestmark = pytest.mark.django_db

ENDED = date(2026, 1, 31)
FOLLOWUP = SurveyKind.MENTEE_FOLLOWUP


@pytest.fixture(autouse=True)
def _deliver_at_once(monkeypatch):
    monkeypatch.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())


@pytest.fixture
def alumna(program):
    m = completed(program)
    m.ended_on = ENDED
    m.save(update_fields=["ended_on"])
    return m


def followup_emails(to):
    return [e for e in mail.outbox if e.to == [to] and "where are you now?" in e.subject]


def test_months_are_added_to_the_calendar_day_or_the_months_last():
    assert add_months(date(2026, 1, 31), 6) == date(2026, 7, 31)
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2026, 7, 31), -6) == date(2026, 1, 31)


def test_the_six_month_follow_up_is_opened_on_its_day_and_emailed_exactly_once(alumna):
    to = alumna.mentee.user.email
    assert followups_open(today=date(2026, 7, 30)) == 0  # a day early: nothing
    with time_machine.travel(date(2026, 7, 31), tick=False):
        assert open_followups() == {"opened": 1}
        assert open_followups() == {"opened": 0}  # beat firing twice
        scan()
        scan()
    inv = Invitation.objects.get(kind=FOLLOWUP)
    assert (inv.months_after, inv.person, inv.sent_at is not None) == (
        6, alumna.mentee.user, True)
    assert len(followup_emails(to)) == 1
    assert Message.objects.filter(kind="survey-followup").count() == 1
    # Still open the next day, a week on: no second invitation, no second email.
    assert followups_open(today=date(2026, 8, 7)) == 0
    scan(date(2026, 8, 1))
    assert len(followup_emails(to)) == 1
    # Six months later, the 12-month one: its own invitation and email.
    assert followups_open(today=date(2027, 1, 31)) == 1
    scan(date(2027, 1, 31))
    assert sorted(Invitation.objects.filter(kind=FOLLOWUP)
                  .values_list("months_after", flat=True)) == [6, 12]
    assert len(followup_emails(to)) == 2


def test_a_follow_up_missed_by_more_than_the_grace_is_not_sent_late(alumna):
    assert followups_open(today=date(2026, 7, 31) + timedelta(days=30)) == 0
    assert followups_open(today=date(2026, 7, 31) + timedelta(days=29)) == 1


def test_an_erased_person_gets_no_follow_up(alumna, organizer):
    person_erase(user=alumna.mentee.user, by=organizer)
    assert followups_open(today=date(2026, 7, 31)) == 0
    scan(date(2026, 7, 31))
    assert not Invitation.objects.filter(kind=FOLLOWUP).exists()
    assert not Message.objects.filter(kind="survey-followup").exists()


def test_erased_after_the_follow_up_opened_gets_no_email(alumna, organizer):
    assert followups_open(today=date(2026, 7, 31)) == 1
    person_erase(user=alumna.mentee.user, by=organizer)
    scan(date(2026, 7, 31))
    assert not Message.objects.filter(kind="survey-followup").exists()


def test_a_person_who_paused_follow_ups_gets_neither_the_email_nor_reminders(alumna):
    to = alumna.mentee.user.email
    ReminderPause.objects.create(user=alumna.mentee.user, kind="survey-followup")
    assert followups_open(today=date(2026, 7, 31)) == 1
    scan(date(2026, 7, 31))
    assert not followup_emails(to)
    # Sent before the pause (say), it is not reminded either.
    Invitation.objects.filter(kind=FOLLOWUP).update(
        sent_at=timezone.make_aware(datetime(2026, 7, 31, 10)))
    scan(date(2026, 8, 10))
    assert not Message.objects.filter(kind="survey-reminder").exists()


def test_an_answered_follow_up_is_not_reminded(alumna):
    with time_machine.travel(date(2026, 7, 31), tick=False):
        followups_open()
        scan()
        answer(Invitation.objects.get(kind=FOLLOWUP))
    scan(date(2026, 8, 10))
    assert not Message.objects.filter(kind="survey-reminder").exists()


def test_an_unanswered_follow_up_is_reminded_after_a_week(alumna):
    followups_open(today=date(2026, 7, 31))
    with time_machine.travel(date(2026, 7, 31), tick=False):
        scan()
    scan(date(2026, 8, 8))
    reminder = Message.objects.get(kind="survey-reminder")
    assert "months on" in reminder.subject


def test_a_program_sets_its_own_offsets(alumna, program):
    ProgramOutcomes.objects.create(program=program, followup_months="3, 24")
    assert followups_open(today=date(2026, 7, 31)) == 0
    assert followups_open(today=date(2026, 4, 30)) == 1
    assert Invitation.objects.get(kind=FOLLOWUP).months_after == 3


def test_offsets_must_be_whole_months_from_1_to_120(program):
    with pytest.raises(ValidationError) as caught:
        ProgramOutcomes(program=program, followup_months="6, twelve").full_clean()
    assert "“twelve” is not a number of months" in str(caught.value)
    assert ProgramOutcomes(program=program, followup_months="12; 6, 6").months == [6, 12]


def test_mentorships_still_running_get_no_follow_up(program):
    m = completed(program)
    m.status, m.ended_on = "active", None
    m.save(update_fields=["status", "ended_on"])
    assert followups_open(today=date(2026, 7, 31)) == 0


def test_beat_runs_the_opener_hourly():
    task = PeriodicTask.objects.get(name="Open alumni follow-up surveys")
    assert (task.task, task.enabled, task.interval.every, task.interval.period) == (
        "surveys.tasks.open_followups", True, 1, "hours")
