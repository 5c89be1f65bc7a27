"""Nobody who can read the message log can act as the recipient of an email in it.

Reproduces the attack: an organizer with every right on messages asks for a sign-in code
for a payments officer (or waits for an invitation, a survey link or a reminder), with
the worker stopped or the mail server refusing, and reads the message log. The code and
the links must not be there, at any status; the emails still go out with working ones.
"""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.test import Client
from django.urls import reverse

from matching import notifications
from matching.models import ApplicationUpdate, Program
from matching.services import mentorships as mentorship_services
from mm_program import crypto, delivery
from mm_program.links import PersonalLink
from mm_program.messaging import queue
from mm_program.models import Message, MessageStatus
from mm_program.privacy.services import person_erase
from mm_program.reminders import scan
from mm_program.roles import ORGANIZERS, PAYMENTS_OFFICERS, ensure_roles
from surveys.dispatch import invite
from surveys.models import Invitation, SurveyKind

from .email_backends import RecordThenRefuse
from .factories import MenteeApplicationFactory, UserFactory
from .helpers import today

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")
# A link carrying a signed token (value:timestamp:signature): it acts for its holder.
TOKEN_URL = re.compile(r"https?://[^\s\"'<>]*/\.?[\w-]+:[\w-]+:[\w-]+/?")


@pytest.fixture
def worker_stopped(monkeypatch, deliver_at_once):
    """Messages are logged, and nothing takes them off the queue."""
    monkeypatch.setattr(delivery.deliver_message, "delay", lambda *a, **k: None)


@pytest.fixture
def snoop(db):
    """An organizer holding every right there is on the message log."""
    ensure_roles()
    user = UserFactory(email="snoop@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANIZERS))
    user.user_permissions.add(*Permission.objects.filter(content_type__model="message"))
    browser = Client()
    browser.force_login(user)
    browser.user = user
    return browser


def everything_the_snoop_sees(browser, message: Message) -> str:
    """The log's pages about `message`, and every stored column a reader could get at
    (the sealed text is ciphertext: checked apart). The snoop organizes every program
    (organizers read only their programs' messages)."""
    for program in Program.objects.all():
        program.organizers.add(browser.user)
    pages = [
        reverse("admin:mm_program_message_changelist"),
        reverse("admin:mm_program_message_changelist") + f"?q={message.recipient}",
        reverse("admin:mm_program_message_changelist") + "?status=failed",
        reverse("admin:mm_program_message_change", args=[message.pk]),
        reverse("admin:mm_program_message_history", args=[message.pk]),
        reverse("admin:mm_program_message_preview"),
    ]
    seen = []
    for url in pages:
        response = browser.get(url)
        assert response.status_code == 200, url
        seen.append(response.content.decode())
    row = Message.objects.filter(pk=message.pk).values().get()
    assert "sealed" in row
    row.pop("sealed")
    seen.append(json.dumps(row, default=str))
    return "\n".join(seen)


def deliver(message: Message) -> None:
    delivery.deliver_message.apply(args=[message.pk]).get()
    message.refresh_from_db()


# --- sign-in codes ---------------------------------------------------------------------

@pytest.fixture
def officer(db):
    ensure_roles()
    user = UserFactory(email="pay@example.org", is_staff=True)
    user.groups.add(Group.objects.get(name=PAYMENTS_OFFICERS))
    return user


def ask_for_a_code(email: str) -> Message:
    response = Client().post(reverse("account_request_login_code"), {"email": email})
    assert response.status_code == 302
    return Message.objects.get(kind="account", recipient=email)


def test_a_waiting_sign_in_code_cannot_be_read_in_the_log(snoop, officer, worker_stopped):
    message = ask_for_a_code(officer.email)
    assert message.status == MessageStatus.QUEUED
    # Only the worker opens the seal; the test does it to know what to look for.
    code = CODE.search(json.loads(crypto.decrypt(message.sealed))["text"]).group(1)
    assert code not in message.sealed
    assert code not in everything_the_snoop_sees(snoop, message)

    deliver(message)  # the worker comes back
    assert message.status == MessageStatus.SENT and message.sealed == ""
    assert code in mail.outbox[0].body
    assert code not in everything_the_snoop_sees(snoop, message)


def test_a_refused_sign_in_code_is_erased_not_kept(snoop, officer, settings,
                                                   deliver_at_once):
    settings.EMAIL_BACKEND = "tests.email_backends.RecordThenRefuse"
    RecordThenRefuse.seen = []
    message = ask_for_a_code(officer.email)
    message.refresh_from_db()
    code = CODE.search(RecordThenRefuse.seen[0].body).group(1)
    assert message.status == MessageStatus.FAILED and message.sealed == ""
    assert code not in everything_the_snoop_sees(snoop, message)


def test_a_failed_sign_in_email_is_not_sent_again(snoop, officer, settings,
                                                  deliver_at_once):
    settings.EMAIL_BACKEND = "tests.email_backends.Refused"
    message = ask_for_a_code(officer.email)
    response = snoop.post(reverse("admin:mm_program_message_resend", args=[message.pk]),
                          follow=True)
    assert "asks for a new code" in response.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED


# --- links that act for a person -------------------------------------------------------

def mentee_invitation(grace, ada, mentorship) -> Message:
    mentorship_services.mentorship_invite(mentor=grace, name="Newt Newcomer",
                                          email="newt@example.org", start_date=today())
    return Message.objects.get(kind="mentee-invitation")


def survey_invitation(grace, ada, mentorship) -> Message:
    # (The baseline's link went with the introduction: the final survey has its own email.)
    invite(mentorship=mentorship, kind=SurveyKind.MENTEE_FINAL)
    return Message.objects.get(kind="survey-invitation")


def update_confirmation(grace, ada, mentorship) -> Message:
    application = MenteeApplicationFactory(program=mentorship.program)
    update = ApplicationUpdate.objects.create(kind="mentee", application_id=application.pk,
                                              data={})
    notifications.update_confirmation(update, application)
    return Message.objects.get(kind="application-update-confirm")


def meeting_reminder(grace, ada, mentorship) -> Message:
    scan(today() + timedelta(days=60))
    return Message.objects.filter(kind="meeting-nudge").first()


SCENARIOS = [mentee_invitation, survey_invitation, update_confirmation, meeting_reminder]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_a_waiting_personal_link_cannot_be_read_and_goes_out_working(
        scenario, snoop, grace, ada, mentorship, worker_stopped, client):
    Message.objects.all().delete()  # the introduction's emails are not the subject here
    message = scenario(grace, ada, mentorship)
    assert message.status == MessageStatus.QUEUED and message.links
    assert not TOKEN_URL.search(everything_the_snoop_sees(snoop, message))
    assert "made when sent, never stored" in message.readable_text

    deliver(message)
    email = mail.outbox[-1]
    links = TOKEN_URL.findall(email.body)
    assert links, email.body
    for link in links:
        assert client.get(link.split("testserver", 1)[-1]).status_code == 200, link
    html = email.alternatives[0][0] if email.alternatives else ""
    assert not re.search(r"personal-link-", email.body + html)
    assert not TOKEN_URL.search(everything_the_snoop_sees(snoop, message))


def test_a_reminder_s_one_click_pause_is_built_at_sending(snoop, grace, ada, mentorship,
                                                         worker_stopped):
    Message.objects.all().delete()
    message = meeting_reminder(grace, ada, mentorship)
    assert message.unsubscribe_url.startswith("[personal-link-")
    deliver(message)
    header = mail.outbox[-1].extra_headers["List-Unsubscribe"]
    path = re.fullmatch(r"<https?://[^/]+(/reminders/pause/[^/]+/one-click/)>", header)
    assert path, header
    Client().post(path.group(1), {"List-Unsubscribe": "One-Click"})
    assert grace.user.reminder_pauses.filter(kind="meeting-nudge").exists()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda f: f.__name__)
def test_a_failed_link_email_keeps_no_link_and_can_be_sent_again(
        scenario, snoop, grace, ada, mentorship, worker_stopped, settings):
    Message.objects.all().delete()
    message = scenario(grace, ada, mentorship)
    settings.EMAIL_BACKEND = "tests.email_backends.RecordThenRefuse"
    RecordThenRefuse.seen = []
    deliver(message)
    assert message.status == MessageStatus.FAILED
    assert TOKEN_URL.search(RecordThenRefuse.seen[0].body)  # it had a link when it left
    assert not TOKEN_URL.search(everything_the_snoop_sees(snoop, message))

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    snoop.post(reverse("admin:mm_program_message_resend", args=[message.pk]))
    deliver(message)
    assert message.status == MessageStatus.SENT
    assert TOKEN_URL.search(mail.outbox[-1].body)


def test_a_survey_link_whose_invitation_is_gone_is_not_sent(grace, ada, mentorship,
                                                           worker_stopped):
    message = survey_invitation(grace, ada, mentorship)
    Invitation.objects.all().delete()
    deliver(message)
    assert message.status == MessageStatus.CANCELLED
    assert "no longer exists" in message.last_error
    assert not [m for m in mail.outbox if m.to == [ada.user.email]
                and "survey" in m.subject.lower()]


def test_a_personal_link_cannot_go_in_a_subject(db):
    with pytest.raises(ValueError, match="subject"):
        queue("decision", to="ada@example.org", occasion="test/subject",
              context={"subject": PersonalLink("reminder-pause", 1, "x"), "body": "",
                       "accepted": False, "dashboard_url": ""})


def test_an_unknown_kind_of_personal_link_fails_loudly():
    with pytest.raises(LookupError, match="No builder"):
        PersonalLink("no-such-link", 1)


def test_text_typed_to_look_like_a_placeholder_is_not_filled(db, deliver_at_once):
    fake = "[personal-link-0123456789abcdef]"
    message = queue("decision", to="ada@example.org", occasion="test/fake",
                    context={"subject": "Hello", "body": f"Name: {fake}",
                             "accepted": False, "dashboard_url": ""})
    assert message.links == {}
    assert fake in mail.outbox[-1].body


def test_an_erased_person_s_sealed_email_is_cleared(worker_stopped, organizer):
    person = UserFactory(email="gone@example.org")
    message = ask_for_a_code(person.email)
    person_erase(user=person, by=organizer)
    message.refresh_from_db()
    assert message.sealed == "" and message.status == MessageStatus.CANCELLED


def test_erasure_cancels_a_message_a_worker_has_claimed(worker_stopped, organizer):
    person = UserFactory(email="claimed@example.org")
    message = ask_for_a_code(person.email)
    Message.objects.filter(pk=message.pk).update(status=MessageStatus.SENDING,
                                                 claimed_by="task-1")
    person_erase(user=person, by=organizer)
    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED and message.sealed == ""
