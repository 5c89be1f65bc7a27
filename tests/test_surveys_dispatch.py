"""Dispatch: the baseline when a mentorship starts (emailed after the introduction), both
finals when it completes, each once even if a signal fires twice; reminders after 7 days,
at most twice, none after answering; every email through the message log."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from matching import signals
from matching.models import Mentorship
from matching.services import mentorships as services
from mm_program.models import Message, ReminderPause
from mm_program.reminders import pause_token, scan
from surveys.models import Invitation, SurveyKind, SurveyTemplate
from surveys.reminders import reminder_number
from surveys.tokens import read_token

from .factories import MenteeFactory, MentorFactory
from .surveys_helpers import answer, completed, invitation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _deliver_at_once(monkeypatch):
    """Run on-commit callbacks (the services' signals, the deliveries) at once."""
    monkeypatch.setattr("django.db.transaction.on_commit", lambda fn, *a, **k: fn())


@pytest.fixture
def pair(program):
    grace = MentorFactory(program=program, capacity=3, user__name="Grace Hopper",
                          user__email="grace@example.org")
    ada = MenteeFactory(program=program, user__name="Ada Lovelace",
                        user__email="ada@example.org")
    return grace, ada


def start(pair, days_ago=0):
    grace, ada = pair
    return services.mentorship_create(mentor=grace, mentee=ada, source="organizer",
                                      start_date=timezone.localdate() - timedelta(days=days_ago))


def links_in(message):
    return [word for word in message.body.split() if "/surveys/" in word]


def test_the_mentees_introduction_carries_the_baseline_survey(pair):
    m = start(pair)
    inv = Invitation.objects.get()
    assert (inv.kind, inv.person, inv.mentorship) == (SurveyKind.MENTEE_BASELINE,
                                                     m.mentee.user, m)
    # One email rather than two: the introduction has the survey's link.
    [email] = [e for e in mail.outbox if e.to == ["ada@example.org"]]
    assert email.subject.startswith("Meet your mentor, Grace Hopper")
    assert "rate where you stand (5 questions, about 1 minute, no sign-in)" in email.body
    [link] = links_in(email)
    assert read_token(link.rstrip("/").rsplit("/", 1)[1])[0] == inv.pk
    [to_grace] = [e for e in mail.outbox if e.to == ["grace@example.org"]]
    assert links_in(to_grace) == []  # the mentor's has none
    inv.refresh_from_db()
    assert inv.sent_at is not None
    # The scan finds nothing more to send, however often it runs.
    for days in (0, 1, 3):
        scan(timezone.localdate() + timedelta(days=days))
    assert Message.objects.filter(kind="survey-invitation").count() == 0
    assert Message.objects.filter(kind="introduction").count() == 2


def test_the_scan_emails_a_baseline_whose_email_was_never_queued(pair):
    m = start(pair)
    Message.objects.filter(kind="survey-invitation").delete()
    Invitation.objects.update(sent_at=None)
    mail.outbox.clear()
    scan(timezone.localdate())  # created today: the start's own email is on its way
    assert not mail.outbox
    scan(timezone.localdate() + timedelta(days=1))
    assert [e.to for e in mail.outbox] == [[m.mentee.user.email]]


@pytest.mark.parametrize("end", ["pause", "end_early"])
def test_a_baseline_is_neither_emailed_nor_reminded_once_the_mentorship_stops(pair, end):
    m = start(pair)
    Invitation.objects.update(sent_at=None)
    Message.objects.filter(kind="survey-invitation").delete()
    if end == "pause":
        services.mentorship_pause(mentorship=m)
    else:
        services.mentorship_end_early(mentorship=m, reason="fit")
    Invitation.objects.update(sent_at=timezone.now() - timedelta(days=8))
    mail.outbox.clear()
    scan(timezone.localdate() + timedelta(days=1))
    baseline = Invitation.objects.get(kind=SurveyKind.MENTEE_BASELINE)
    assert not [e for e in mail.outbox if "Before you start" in e.subject
                or "starting ratings" in e.subject]
    assert not Message.objects.filter(about=f"surveys.invitation:{baseline.pk}").exists()


def test_completing_sends_both_finals_once_even_if_the_signal_fires_twice(pair):
    m = start(pair)
    mail.outbox.clear()
    services.mentorship_complete(mentorship=m, next_steps=["phd"])
    signals.mentorship_ended.send(sender=Mentorship, mentorship=m)
    signals.mentorship_ended.send(sender=Mentorship, mentorship=m)
    finals = Invitation.objects.filter(kind__in=[SurveyKind.MENTEE_FINAL,
                                                 SurveyKind.MENTOR_FINAL])
    assert sorted(finals.values_list("kind", "person__email")) == [
        ("mentee_final", "ada@example.org"), ("mentor_final", "grace@example.org")]
    assert all(inv.sent_at for inv in finals)
    assert sorted(e.to[0] for e in mail.outbox) == ["ada@example.org", "grace@example.org"]
    to_ada = next(e for e in mail.outbox if e.to == ["ada@example.org"])
    to_grace = next(e for e in mail.outbox if e.to == ["grace@example.org"])
    assert "How was your mentorship with Grace Hopper?" in to_ada.subject
    assert "Was mentoring Ada Lovelace worth your time?" in to_grace.subject
    assert "Ada Lovelace never sees your answers" in to_grace.body
    assert "No sign-in needed" in to_ada.body and len(links_in(to_ada)) == 1
    assert Message.objects.filter(kind="survey-invitation", about__in=[
        f"surveys.invitation:{inv.pk}" for inv in finals]).count() == 2


def test_the_started_signal_twice_invites_once(pair):
    m = start(pair)
    signals.mentorship_started.send(sender=Mentorship, mentorship=m)
    assert Invitation.objects.filter(kind=SurveyKind.MENTEE_BASELINE).count() == 1


def test_a_mentorship_that_ended_early_gets_both_exit_surveys_not_the_finals(pair):
    m = start(pair)
    mail.outbox.clear()
    services.mentorship_end_early(mentorship=m, reason="mentee_time")
    signals.mentorship_ended.send(sender=Mentorship, mentorship=m)  # twice: once each
    ends = Invitation.objects.exclude(kind=SurveyKind.MENTEE_BASELINE)
    assert sorted(ends.values_list("kind", "person__email")) == [
        ("mentee_exit", "ada@example.org"), ("mentor_exit", "grace@example.org")]
    assert all(inv.sent_at for inv in ends)
    to_ada = next(e for e in mail.outbox if e.to == ["ada@example.org"])
    to_grace = next(e for e in mail.outbox if e.to == ["grace@example.org"])
    assert len(mail.outbox) == 2
    assert to_ada.subject.startswith("Your mentorship with Grace Hopper ended early")
    assert "counts as much as the answers of those who finished" in to_ada.body
    assert "even though it ended early" in to_grace.body
    assert "Ada Lovelace never sees your answers" in to_grace.body
    assert len(links_in(to_ada)) == 1


def test_a_programs_own_template_wins_over_the_default(pair, program):
    own = SurveyTemplate.objects.create(kind=SurveyKind.MENTOR_FINAL, program=program,
                                        title="Our own mentor survey")
    own.questions.create(key="worth_it", text="Worth it?", type="single_choice",
                         choices="yes | Yes\nno | No")
    m = start(pair)
    services.mentorship_complete(mentorship=m, next_steps=["job"])
    assert Invitation.objects.get(kind=SurveyKind.MENTOR_FINAL).template == own
    assert Invitation.objects.get(kind=SurveyKind.MENTEE_FINAL).template.program is None


# --- Reminders ---------------------------------------------------------------------------

@pytest.mark.parametrize("days,expected", [(0, 0), (6, 0), (7, 1), (13, 1), (14, 2),
                                           (40, 2)])
def test_the_reminder_schedule(days, expected):
    sent = date(2026, 1, 1)
    assert reminder_number(sent, sent + timedelta(days=days)) == expected


def sent_on(inv, day):
    Invitation.objects.filter(pk=inv.pk).update(
        sent_at=timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))
        + timedelta(hours=9))
    inv.refresh_from_db()


def reminders(inv):
    return Message.objects.filter(kind="survey-reminder",
                                  about=f"surveys.invitation:{inv.pk}").order_by("pk")


def test_reminders_after_seven_days_at_most_twice_each_once(program):
    day0 = date(2026, 3, 2)
    inv = invitation(completed(program))
    sent_on(inv, day0)
    for offset in range(0, 40):  # a daily scan, twice a day, for 40 days
        today = day0 + timedelta(days=offset)
        with time_machine.travel(timezone.datetime(today.year, today.month, today.day, 12,
                                                   tzinfo=timezone.get_current_timezone())):
            scan(today)
            scan(today)
    assert [m.occasion for m in reminders(inv)] == [
        f"survey-reminder/invitation:{inv.pk}/n:1", f"survey-reminder/invitation:{inv.pk}/n:2"]
    first, second = reminders(inv)
    assert first.created_at.date() == day0 + timedelta(days=7)
    assert second.created_at.date() == day0 + timedelta(days=14)
    inv.refresh_from_db()
    assert inv.reminders_sent == 2 and inv.last_reminded_at == second.created_at
    emails = [e for e in mail.outbox if e.to == [inv.person.email]]
    assert emails[0].subject.startswith("Reminder: your end-of-mentorship survey")
    assert emails[1].subject.startswith("Last reminder:")
    assert "/reminders/pause/" in emails[0].body and "/surveys/" in emails[0].body


def test_a_scan_down_for_two_weeks_sends_one_reminder_not_two(program):
    day0 = date(2026, 3, 2)
    inv = invitation(completed(program))
    sent_on(inv, day0)
    noon = timezone.datetime(2026, 3, 20, 12, tzinfo=timezone.get_current_timezone())
    with time_machine.travel(noon):
        assert scan(date(2026, 3, 20)).queued == 1
        assert scan(date(2026, 3, 21)).queued == 0
    assert reminders(inv).count() == 1


def test_no_reminder_after_answering_or_once_expired(program):
    day0 = timezone.localdate() - timedelta(days=8)
    answered = invitation(completed(program))
    sent_on(answered, day0)
    answer(answered)
    started = invitation(completed(program))
    sent_on(started, day0)
    answer(started, submit=False)  # saved, not sent: still reminded
    expired = invitation(completed(program))
    sent_on(expired, day0)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    scan(timezone.localdate())
    assert reminders(answered).count() == 0
    assert reminders(started).count() == 1
    assert reminders(expired).count() == 0
    body = next(e for e in mail.outbox if e.to == [started.person.email]).body
    assert "If you started, your answers are saved." in body


def test_people_who_paused_survey_reminders_get_none(client, program):
    inv = invitation(completed(program))
    sent_on(inv, timezone.localdate() - timedelta(days=7))
    token = pause_token(inv.person.pk, "survey-reminder")
    page = client.get(f"/reminders/pause/{token}/")
    assert "reminders to answer a survey" in page.content.decode()
    ReminderPause.objects.create(user=inv.person, kind="survey-reminder")
    assert scan(timezone.localdate()).queued == 0


def test_the_preview_lists_a_due_reminder_without_sending(program):
    inv = invitation(completed(program))
    sent_on(inv, timezone.localdate() - timedelta(days=7))
    preview = scan(timezone.localdate(), dry_run=True)
    assert preview.queued == 1 and preview.previews[0]["kind"] == "survey-reminder"
    assert not reminders(inv).exists()
    inv.refresh_from_db()
    assert inv.reminders_sent == 0
