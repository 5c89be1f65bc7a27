"""The one path every email takes: render, record in the message log, deliver once.

    queue("introduction", to=user.email, context={...},
          occasion="introduction/mentorship:42/to:mentor", about=mentorship)

renders the template triple (``mm_program.emails``), stores the result as a ``Message``
whose ``occasion`` is unique in the database, and hands the row's id to the
``deliver_message`` task once the transaction commits. Queueing an occasion that already
has a message does nothing and returns None: beat firing twice, two scans racing and a
retried task all end with one message. Delivery (``mm_program.tasks.deliver_message``) locks
the row and sends only a queued message, so a task that runs twice sends once.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.db.models import Model

from .emails import RenderedEmail, render_email
from .models import Message, MessageStatus, ReminderPause
from .privacy import is_erased_email

logger = logging.getLogger(__name__)

# Kinds whose body should not stay readable in the log once sent (sign-in codes, links
# that act for the person).
SENSITIVE_KINDS = {"account"}


def about_key(obj: Model | None) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}" if obj is not None else ""


def enqueue_delivery(message_id: int) -> None:
    """Deliver after the commit; a broker outage is logged, and the next reminder scan
    picks the still-queued message up again."""
    from .tasks import deliver_message

    def send():
        try:
            deliver_message.delay(message_id)
        except Exception:  # noqa: BLE001 - the scan retries queued messages
            logger.exception("Could not enqueue message %s; the next scan will", message_id)

    transaction.on_commit(send)


def queue(name: str, *, to: str, context: dict, occasion: str, user=None, program=None,
          about: Model | None = None, kind: str | None = None,
          unsubscribe_url: str = "") -> Message | None:
    """Record one message for `occasion` and deliver it after commit.

    Returns the new Message, or None if this occasion already has one.
    """
    if Message.objects.filter(occasion=occasion).exists():
        return None
    return queue_rendered(render_email(name, context), kind=kind or name, to=to,
                          occasion=occasion, user=user, program=program, about=about,
                          unsubscribe_url=unsubscribe_url)


def queue_rendered(rendered: RenderedEmail, *, kind: str, to: str, occasion: str, user=None,
                   program=None, about: Model | None = None,
                   unsubscribe_url: str = "") -> Message | None:
    """`queue` for an email rendered elsewhere (allauth's sign-in emails)."""
    if is_erased_email(to):
        # An erased person's reminders and survey reminders still come due: they go
        # nowhere, and leave no row naming the occasion.
        return None
    try:
        with transaction.atomic():
            message = Message.objects.create(
                kind=kind, occasion=occasion[:255], recipient=to, user=user,
                program=program, about=about_key(about), subject=rendered.subject[:255],
                body_text=rendered.text, body_html=rendered.html,
                unsubscribe_url=unsubscribe_url,
            )
    except IntegrityError:  # the same occasion, queued a moment ago elsewhere
        return None
    enqueue_delivery(message.pk)
    return message


def is_paused(user, kind: str) -> bool:
    return user is not None and ReminderPause.objects.filter(user=user, kind=kind).exists()


def resend(message: Message) -> bool:
    """Queue a failed (or cancelled) message again. Returns False if it was not failed."""
    updated = Message.objects.filter(
        pk=message.pk, status__in=[MessageStatus.FAILED, MessageStatus.CANCELLED]
    ).update(status=MessageStatus.QUEUED, attempts=0, last_error="")
    if updated:
        enqueue_delivery(message.pk)
    return bool(updated)
