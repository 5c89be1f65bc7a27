"""The upgrade scrubs the secrets the log kept before links were made at sending
(migration mm_program 0008), and still delivers what was waiting."""

from importlib import import_module

import pytest
from django.apps import apps
from django.core import mail

from mm_program import delivery
from mm_program.models import Message, MessageStatus

pytestmark = pytest.mark.django_db

scrub = import_module("mm_program.migrations.0008_scrub_stored_secrets")

INVITATION = ("http://testserver/mentorships/invitation/"
              "MTIz:1vE3xY:7fJw2q-Vd0h6sWm1fJ1kz2yO8x2g0kq7Lh3bHq4m5Xo/")
SURVEY = "https://mentors.example.org/surveys/.eJyLVjI0MlKKBQAFJQGS:1vE3xY:abcDEF_123-xyz/"
PAUSE = "http://testserver/reminders/pause/eyJ1IjoyfQ:1vE3xY:Zm9vYmFy/"


def old_message(occasion: str, **fields) -> Message:
    defaults = {"kind": "decision", "recipient": "ada@example.org", "subject": "Hi",
                "body_text": "", "body_html": "", "status": MessageStatus.SENT}
    return Message.objects.create(occasion=occasion, **{**defaults, **fields})


def run_migration():
    scrub.scrub_stored_secrets(apps, None)


def test_sent_links_and_codes_are_scrubbed_at_every_status():
    sent = old_message("a", kind="mentee-invitation",
                       body_text=f"Confirm:\n{INVITATION}\nThanks",
                       body_html=f'<a href="{INVITATION}">Confirm</a>')
    failed = old_message("b", kind="account", status=MessageStatus.FAILED,
                         body_text="Your sign-in code: ABCD-EFGH", body_html="<p>ABCD-EFGH</p>")
    cancelled = old_message("c", kind="survey-reminder", status=MessageStatus.CANCELLED,
                            body_text=f"Answer: {SURVEY}", unsubscribe_url=PAUSE)
    run_migration()
    for message in (sent, failed, cancelled):
        message.refresh_from_db()
        stored = " ".join([message.body_text, message.body_html, message.unsubscribe_url,
                           message.sealed])
        for secret in ("MTIz:1vE3xY", "ABCD-EFGH", "1vE3xY:abcDEF", "eyJ1IjoyfQ"):
            assert secret not in stored
    assert sent.body_text == "Confirm:\n[personal link removed]\nThanks"
    assert failed.body_text == Message.SEALED_NOTE


def test_a_waiting_message_is_sealed_and_still_goes_out_with_its_link(monkeypatch):
    waiting = old_message("d", kind="meeting-nudge", status=MessageStatus.QUEUED,
                          body_text=f"Pause: {PAUSE}", unsubscribe_url=PAUSE)
    run_migration()
    waiting.refresh_from_db()
    assert waiting.is_sealed and waiting.sealed and PAUSE not in waiting.body_text
    delivery.deliver_message.apply(args=[waiting.pk]).get()
    waiting.refresh_from_db()
    assert waiting.status == MessageStatus.SENT and waiting.sealed == ""
    assert PAUSE in mail.outbox[-1].body
    assert mail.outbox[-1].extra_headers["List-Unsubscribe"] == f"<{PAUSE}>"


def test_without_a_key_a_waiting_message_is_cancelled_not_left_readable(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    waiting = old_message("e", kind="survey-invitation", status=MessageStatus.QUEUED,
                          body_text=f"Answer: {SURVEY}")
    run_migration()
    waiting.refresh_from_db()
    assert waiting.status == MessageStatus.CANCELLED and "FIELD_ENCRYPTION_KEYS" in \
        waiting.last_error
    assert SURVEY not in waiting.body_text


def test_messages_without_secrets_are_left_as_they_were():
    plain = old_message("f", body_text="Your page: http://127.0.0.1:8000/dashboard/",
                        body_html='<a href="http://127.0.0.1:8000/dashboard/">page</a>')
    run_migration()
    plain.refresh_from_db()
    assert plain.body_text == "Your page: http://127.0.0.1:8000/dashboard/"
    assert not plain.is_sealed
