"""Announcements: who an audience names, the preview and its count, sending each person
exactly one email through the message log, the organizer area's pages and their
permission boundaries, and the dashboard block."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.models import Announcement, Audience
from matching.services.announcements import (
    KIND,
    announcement_send,
    audience,
    preview,
    recipients,
)
from mm_program.erased import erased_email
from mm_program.models import Message, MessageStatus, ReminderPause

from .factories import MenteeFactory, MentorFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(program):
    """One of each kind of person in `program`, and one in another program."""
    active = MentorshipFactory(program=program, status="active")
    ended = MentorshipFactory(program=program, status="completed",
                              ended_on=date.today() - timedelta(days=30))
    waiting = MenteeFactory(program=program)
    idle_mentor = MentorFactory(program=program)
    gone_mentor = MentorFactory(program=program, is_active=False)
    elsewhere = MentorshipFactory(status="active")
    return {
        "mentor": active.mentor.user, "mentee": active.mentee.user,
        "alum_mentor": ended.mentor.user, "alum_mentee": ended.mentee.user,
        "waiting": waiting.user, "idle_mentor": idle_mentor.user,
        "gone_mentor": gone_mentor.user,
        "elsewhere": [elsewhere.mentor.user, elsewhere.mentee.user],
    }


def _emails(queryset):
    return set(queryset.values_list("email", flat=True))


def _of(people, *names):
    return {people[name].email for name in names}


def test_each_audience_names_its_people_and_nobody_from_another_program(program, people):
    # The ended mentorship's mentor still mentors in the program: an active mentor.
    assert _emails(audience(program, Audience.MENTORS)) == _of(
        people, "mentor", "alum_mentor", "idle_mentor")
    assert _emails(audience(program, Audience.MENTEES)) == _of(people, "mentee", "waiting")
    assert _emails(audience(program, Audience.EVERYONE)) == _of(
        people, "mentor", "alum_mentor", "idle_mentor", "mentee", "waiting")
    assert _emails(audience(program, Audience.WAITING)) == _of(people, "waiting")
    assert _emails(audience(program, Audience.ALUMNI)) == _of(
        people, "alum_mentor", "alum_mentee")


def test_paused_inactive_and_erased_people_get_nothing(program, people):
    ReminderPause.objects.create(user=people["mentee"], kind=KIND)
    people["waiting"].is_active = False
    people["waiting"].save()
    people["idle_mentor"].email = erased_email("u1")
    people["idle_mentor"].save()
    assert _emails(recipients(program, Audience.EVERYONE)) == _of(
        people, "mentor", "alum_mentor")
    draft = Announcement.objects.create(program=program, audience=Audience.EVERYONE,
                                        subject="Hi", body="Text")
    shown = preview(draft)
    assert (shown.recipients, shown.paused) == (2, 1)


def test_sending_queues_one_email_each_once(program, people, organizer, deliver_at_once):
    draft = Announcement.objects.create(
        program=program, audience=Audience.MENTEES, subject="Symposium on 12 March",
        body="Talks are 10 minutes.\n\nSlides: https://example.org/slides")
    assert announcement_send(announcement=draft, by=organizer) == 2
    draft.refresh_from_db()
    assert draft.is_sent and draft.recipient_count == 2 and draft.sent_by == organizer
    assert sorted(m.to[0] for m in mail.outbox) == sorted(_of(people, "mentee", "waiting"))
    email = mail.outbox[0]
    assert email.subject == f"{program.name}: Symposium on 12 March"
    assert "Talks are 10 minutes." in email.body
    assert "/reminders/pause/" in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert 'href="https://example.org/slides"' in email.alternatives[0][0]

    with pytest.raises(ValidationError, match="sent already"):
        announcement_send(announcement=draft, by=organizer)
    assert len(mail.outbox) == 2
    assert Message.objects.filter(kind=KIND).count() == 2


def test_an_empty_audience_is_refused_and_stays_a_draft(program, organizer):
    draft = Announcement.objects.create(program=program, audience=Audience.ALUMNI,
                                        subject="Hi", body="Text")
    with pytest.raises(ValidationError, match="Nobody"):
        announcement_send(announcement=draft, by=organizer)
    draft.refresh_from_db()
    assert not draft.is_sent and draft.recipient_count is None


def test_the_pause_link_in_an_announcement_stops_the_next(program, people, organizer,
                                                        client, deliver_at_once):
    first = Announcement.objects.create(program=program, audience=Audience.WAITING,
                                        subject="One", body="First")
    announcement_send(announcement=first, by=organizer)
    [email] = mail.outbox
    pause_url = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert client.post(pause_url).status_code == 200
    assert ReminderPause.objects.filter(user=people["waiting"], kind=KIND).exists()
    second = Announcement.objects.create(program=program, audience=Audience.WAITING,
                                         subject="Two", body="Second")
    with pytest.raises(ValidationError, match="Nobody"):
        announcement_send(announcement=second, by=organizer)


# --- the organizer area ----------------------------------------------------------------

def _add(client, program, **fields):
    data = {"program": program.pk, "audience": Audience.EVERYONE, "subject": "Welcome",
            "body": "The program starts on Monday.", **fields}
    return client.post(reverse("admin:matching_announcement_add"), data)


def test_an_organizer_writes_previews_and_sends(organizer_client, program, people,
                                                django_capture_on_commit_callbacks):
    response = _add(organizer_client, program)
    draft = Announcement.objects.get()
    change_url = reverse("admin:matching_announcement_change", args=[draft.pk])
    assert response.status_code == 302 and response.url == change_url
    page = organizer_client.get(change_url).content.decode()
    assert "Preview of the saved draft" in page
    assert "Send to 5 people" in page
    assert "The program starts on Monday." in page
    assert not Message.objects.filter(kind=KIND).exists()  # saving sends nothing

    send_url = reverse("admin:matching_announcement_send", args=[draft.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(send_url, follow=True)
    assert "Sent to 5 people" in response.content.decode()
    assert len(mail.outbox) == 5
    response = organizer_client.post(send_url, follow=True)
    assert "sent already" in response.content.decode()
    assert len(mail.outbox) == 5 and Message.objects.filter(kind=KIND).count() == 5

    page = organizer_client.get(change_url).content.decode()
    assert "Delivery" in page and "Sent: 5" in page
    assert "Preview of the saved draft" not in page


def test_a_refused_draft_keeps_what_was_typed(organizer_client, program):
    response = _add(organizer_client, program, subject="", body="Kept words")
    assert response.status_code == 200
    assert "Kept words" in response.content.decode()
    assert not Announcement.objects.exists()


def test_a_sent_announcement_cannot_be_changed_or_deleted(organizer_client, program,
                                                          people, organizer):
    sent = Announcement.objects.create(program=program, audience=Audience.MENTORS,
                                       subject="Original", body="Original text")
    announcement_send(announcement=sent, by=organizer)
    change_url = reverse("admin:matching_announcement_change", args=[sent.pk])
    page = organizer_client.get(change_url)
    assert page.status_code == 200 and "Original text" in page.content.decode()
    assert organizer_client.post(change_url, {
        "program": program.pk, "audience": "mentors", "subject": "Rewritten",
        "body": "Rewritten"}).status_code == 403
    sent.refresh_from_db()
    assert sent.subject == "Original"
    delete_url = reverse("admin:matching_announcement_delete", args=[sent.pk])
    assert organizer_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Announcement.objects.filter(pk=sent.pk).exists()


def test_people_who_may_not_send_cannot(client, officer_client, program, people):
    draft = Announcement.objects.create(program=program, audience=Audience.EVERYONE,
                                        subject="Hi", body="Text")
    send_url = reverse("admin:matching_announcement_send", args=[draft.pk])
    assert officer_client.post(send_url).status_code == 403
    client.force_login(people["mentor"])  # a participant, not staff
    response = client.post(send_url)
    assert response.status_code == 302 and "/login/" in response.url
    draft.refresh_from_db()
    assert not draft.is_sent and not Message.objects.filter(kind=KIND).exists()


def test_sending_is_a_post(organizer_client, program):
    draft = Announcement.objects.create(program=program, audience=Audience.EVERYONE,
                                        subject="Hi", body="Text")
    send_url = reverse("admin:matching_announcement_send", args=[draft.pk])
    assert organizer_client.get(send_url).status_code == 405


# --- the dashboard ---------------------------------------------------------------------

def test_the_dashboard_shows_what_reached_the_person(client, program, people, organizer):
    sent = Announcement.objects.create(program=program, audience=Audience.MENTEES,
                                       subject="Symposium dates", body="On 12 March.")
    announcement_send(announcement=sent, by=organizer)
    client.force_login(people["mentee"])
    assert "Symposium dates" in client.get(reverse("dashboard")).content.decode()
    client.force_login(people["mentor"])  # mentors were not in the audience
    assert "Symposium dates" not in client.get(reverse("dashboard")).content.decode()
    client.force_login(people["elsewhere"][1])
    assert "Symposium dates" not in client.get(reverse("dashboard")).content.decode()


def test_messages_wait_in_the_log_until_delivered(program, people, organizer):
    draft = Announcement.objects.create(program=program, audience=Audience.WAITING,
                                        subject="Hi", body="Text")
    announcement_send(announcement=draft, by=organizer)
    [message] = Message.objects.filter(kind=KIND)
    assert message.status == MessageStatus.QUEUED and message.user == people["waiting"]
    assert "(their own pause link)" not in message.body_text
