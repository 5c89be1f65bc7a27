"""Delivery of the message log: the one task that sends an email, from its locked row.

Queued by ``mm_program.messaging`` after the transaction commits. Its Celery name stays
``mm_program.tasks.deliver_message`` (where it used to live), so tasks already waiting in
the broker when a new version is deployed still find it."""

import logging
import smtplib

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .emails import send_rendered
from .links import LinkGone
from .models import Message, MessageStatus

logger = logging.getLogger(__name__)

# Worth another try: the mail server is down, slow or busy; not "this message is bad".
TRANSIENT_EMAIL_ERRORS = (
    smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, smtplib.SMTPHeloError,
    ConnectionError, TimeoutError,
)
MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 600  # well inside the broker's visibility timeout


def backoff_seconds(attempts: int) -> int:
    return min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)


def _is_transient(exc: Exception) -> bool:
    if isinstance(exc, TRANSIENT_EMAIL_ERRORS):
        return True
    # 4xx replies are temporary by definition (greylisting, mailbox busy).
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and 400 <= code < 500


@shared_task(bind=True, max_retries=MAX_ATTEMPTS, name="mm_program.tasks.deliver_message")
def deliver_message(self, message_id: int) -> str:
    """Send one logged message, once.

    The row is locked while sending, so a duplicate task waits and then finds it sent.
    A transient error keeps it queued and retries with backoff, up to MAX_ATTEMPTS in
    all; after that, or on a permanent error, it is marked failed for organizers to see.
    """
    retry_in = None
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != MessageStatus.QUEUED:
            return "skipped"
        message.attempts += 1
        try:
            email, unsubscribe_url = message.outgoing()
            send_rendered(email, message.recipient, message_id=message.message_id,
                          unsubscribe_url=unsubscribe_url)
        except LinkGone as exc:
            message.status = MessageStatus.CANCELLED
            message.last_error = f"Not sent: {exc}"[:2000]
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if _is_transient(exc) and message.attempts < MAX_ATTEMPTS:
                retry_in = backoff_seconds(message.attempts)
                logger.warning("Message %s: %s; retrying in %s s", message_id,
                               message.last_error, retry_in)
            else:
                message.status = MessageStatus.FAILED
                logger.error("Message %s failed: %s", message_id, message.last_error)
        else:
            message.status = MessageStatus.SENT
            message.sent_at = timezone.now()
            message.last_error = ""
        if message.status != MessageStatus.QUEUED:
            # Its secret has done its work, or never will: nothing to keep it for.
            message.sealed = ""
        message.save()
    if retry_in is not None:
        if self.request.is_eager:
            # In-process (development, tests): no broker to hold a countdown, so the
            # next attempt runs now; the row's attempts count keeps the cap.
            return deliver_message.apply(args=[message_id]).get()
        raise self.retry(countdown=retry_in)
    return message.status
