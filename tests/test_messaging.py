"""The one messaging path: each occasion once, delivery once, retries, failures, resend."""


import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mm_program import delivery, messaging
from mm_program.delivery import sweep
from mm_program.models import Message, MessageStatus

from .email_backends import Flaky
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def queue_one(occasion="test/1", to="ada@example.org"):
    return messaging.queue(
        "decision", to=to, occasion=occasion,
        context={"subject": "Hello", "body": "Body text", "accepted": False,
                 "dashboard_url": "http://x/"},
    )


def test_an_occasion_is_queued_and_sent_once(deliver_at_once):
    first = queue_one()
    second = queue_one()
    assert first is not None and second is None
    assert Message.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    first.refresh_from_db()
    assert (first.status, first.attempts) == (MessageStatus.SENT, 1)
    assert first.sent_at is not None
    assert first.subject == "Hello" and "Body text" in first.body_text


def test_delivering_the_same_message_twice_sends_it_once(deliver_at_once):
    message = queue_one()
    assert delivery.deliver_message.apply(args=[[message.pk]]).get() == {"skipped": 1}
    assert len(mail.outbox) == 1


def test_delivery_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queue_one()
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1


def test_a_transient_error_is_retried_then_sent(settings, deliver_at_once):
    settings.EMAIL_BACKEND = "tests.email_backends.Flaky"
    Flaky.failures, Flaky.calls = 2, 0
    message = queue_one()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert message.attempts == 3
    assert message.last_error == ""
    assert len(mail.outbox) == 1


def test_retries_stop_at_the_cap_and_the_message_is_marked_failed(settings, deliver_at_once):
    settings.EMAIL_BACKEND = "tests.email_backends.Flaky"
    Flaky.failures, Flaky.calls = 100, 0
    message = queue_one()
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    assert message.attempts == delivery.MAX_ATTEMPTS
    assert "SMTPServerDisconnected" in message.last_error
    assert mail.outbox == []


def test_a_permanent_error_fails_at_once(settings, deliver_at_once):
    settings.EMAIL_BACKEND = "tests.email_backends.Refused"
    message = queue_one()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 1)
    assert "SMTPRecipientsRefused" in message.last_error


def test_backoff_grows_and_is_capped():
    delays = [delivery.backoff_seconds(n) for n in range(1, 10)]
    assert delays[:4] == [30, 60, 120, 240]
    assert max(delays) == delivery.BACKOFF_MAX_SECONDS


def test_a_failed_message_can_be_sent_again(settings, deliver_at_once):
    settings.EMAIL_BACKEND = "tests.email_backends.Refused"
    message = queue_one()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert messaging.resend(message) is True
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert len(mail.outbox) == 1
    assert messaging.resend(message) is False  # a sent message is not resent


def test_a_broker_outage_leaves_the_message_queued_and_the_sweeper_delivers_it(
        monkeypatch, deliver_at_once, settings, caplog):
    """The row is the record: the request that logged it does not wait for the broker,
    the log gets one line (no traceback), and the next sweep hands the message over."""
    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    conf = delivery.deliver_message.app.conf
    monkeypatch.setattr(delivery.deliver_message, "delay", broker_down)
    monkeypatch.setitem(delivery._handover, "paused_until", 0.0)
    conf.task_always_eager = False  # a real broker, down (conftest restores it)
    message = queue_one()
    second = queue_one("test/2")  # within the pause: not even tried
    conf.task_always_eager = True
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and mail.outbox == []
    assert message.handed_over_at is None  # for the sweeper, at once
    [line] = [r for r in caplog.records if r.name == "mm_program.delivery"]
    assert "Could not hand 1 message(s) to the broker" in line.getMessage()
    assert line.exc_info is None
    monkeypatch.undo()
    monkeypatch.setattr("mm_program.messaging.transaction.on_commit",
                        lambda fn, *a, **k: fn())
    assert sweep().handed_over == 2
    for m in (message, second):
        m.refresh_from_db()
        assert m.status == MessageStatus.SENT
    assert len(mail.outbox) == 2


def test_sign_in_emails_are_logged_without_their_code(client, deliver_at_once):
    user = UserFactory()
    client.post(reverse("account_request_login_code"), {"email": user.email})
    assert len(mail.outbox) == 1
    message = Message.objects.get(kind="account")
    assert message.status == MessageStatus.SENT and message.recipient == user.email
    assert message.body_text == Message.SEALED_NOTE and message.body_html == ""
    assert message.is_sealed and message.sealed == ""  # the seal went with the email


# ------------------------------------------------------------------------ admin


@pytest.fixture
def failed_and_sent(settings, deliver_at_once):
    settings.EMAIL_BACKEND = "tests.email_backends.Refused"
    failed = queue_one("test/failed", to="failed@example.org")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    sent = queue_one("test/sent", to="sent@example.org")
    return failed, sent


def test_the_log_lists_failed_messages_first(organizer_client, failed_and_sent):
    page = organizer_client.get(reverse("admin:mm_program_message_changelist")).content.decode()
    assert page.index("failed@example.org") < page.index("sent@example.org")
    page = organizer_client.get(
        reverse("admin:mm_program_message_changelist") + "?attention=failed"
    ).content.decode()
    assert "failed@example.org" in page and "sent@example.org" not in page


def test_the_log_reads_no_message_text(organizer_client, failed_and_sent):
    """The list shows none: the bodies in every row made the database sort 40,000
    messages whole (admin.MessageChangeList). A resend from the list still works."""
    failed, _ = failed_and_sent
    with CaptureQueriesContext(connection) as queries:
        page = organizer_client.get(reverse("admin:mm_program_message_changelist"))
    assert page.status_code == 200 and "failed@example.org" in page.content.decode()
    listed = [q["sql"] for q in queries if 'FROM "mm_program_message"' in q["sql"]
              and "ORDER BY" in q["sql"]]
    assert listed and not any(column in sql for sql in listed
                              for column in ('"body_text"', '"body_html"', '"sealed"'))
    organizer_client.post(reverse("admin:mm_program_message_changelist"), {
        "action": "resend_failed", "_selected_action": [failed.pk]})
    failed.refresh_from_db()
    assert failed.status == MessageStatus.SENT


@pytest.mark.parametrize("query, shown, hidden", [
    ("?status__exact=failed", "failed@example.org", "sent@example.org"),
    ("?status__exact=sent", "sent@example.org", "failed@example.org"),
    ("?kind__exact=reminder", "elsewhere@example.org", "sent@example.org"),
    ("?program__id__exact={program}", "elsewhere@example.org", "failed@example.org"),
])
def test_the_log_filters_by_status_kind_and_program(organizer_client, failed_and_sent,
                                                     program, query, shown, hidden):
    messaging.queue("decision", to="elsewhere@example.org", occasion="test/program",
                    kind="reminder", program=program,
                    context={"subject": "Hi", "body": "B", "accepted": False,
                             "dashboard_url": "http://x/"})
    url = reverse("admin:mm_program_message_changelist") + query.format(program=program.pk)
    page = organizer_client.get(url).content.decode()
    assert shown in page and hidden not in page


def test_an_organizer_resends_a_failed_message_from_admin(organizer_client, failed_and_sent):
    failed, sent = failed_and_sent
    mail.outbox.clear()
    response = organizer_client.post(
        reverse("admin:mm_program_message_resend", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == MessageStatus.SENT
    assert [m.to for m in mail.outbox] == [["failed@example.org"]]
    organizer_client.post(reverse("admin:mm_program_message_changelist"), {
        "action": "resend_failed", "_selected_action": [sent.pk]})
    assert len(mail.outbox) == 1  # a sent message is left alone


@pytest.mark.parametrize("who", ["anonymous", "participant"])
def test_only_organizers_see_the_log_or_resend(client, failed_and_sent, who):
    failed, _ = failed_and_sent
    if who == "participant":
        client.force_login(UserFactory())
    for url in (reverse("admin:mm_program_message_changelist"),
                reverse("admin:mm_program_message_preview")):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url
    client.post(reverse("admin:mm_program_message_resend", args=[failed.pk]))
    failed.refresh_from_db()
    assert failed.status == MessageStatus.FAILED
