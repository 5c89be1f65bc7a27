"""The one path every email takes: render, record in the message log, deliver once.

    queue("introduction", to=user.email, context={...},
          occasion="introduction/mentorship:42/to:mentor", about=mentorship)

renders the template triple (``mm_program.emails``), stores the result as a ``Message``
whose ``occasion`` is unique in the database, and hands the row's id to the workers once
the transaction commits (a wave logged in ``handing_over_together`` goes in batches).
Queueing an occasion that already has a message does nothing and returns None: beat
firing twice, two scans racing and a retried task all end with one message. Delivery
(``mm_program.delivery``) claims each message before sending it, so a task that runs
twice sends once. The row is the record: when the broker can't take the hand-over, the
sweeper makes it later, and the request that queued the email does not wait.

Nothing stored in the log lets its reader act as somebody else. A link that acts for the
recipient is passed as a ``PersonalLink`` (``mm_program.links``): the log keeps a
placeholder and a reference, and the worker builds the link as it sends. A text with a
secret that no reference can rebuild (allauth's sign-in codes) is queued with
``queue_sealed``: encrypted with the field keys, opened by the worker only, and erased
once sent or failed.
"""

from __future__ import annotations

import contextlib
import json
import threading
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from . import crypto, links
from .delivery import hand_over
from .emails import RenderedEmail, render_email
from .erased import is_erased_email
from .models import Message, MessageStatus, ReminderPause


def about_key(obj: Model | None) -> str:
    return f"{obj._meta.label_lower}:{obj.pk}" if obj is not None else ""


_together = threading.local()


@contextlib.contextmanager
def handing_over_together():
    """Messages logged in this block are handed to the workers at its end, in batches
    (after the commit, inside a transaction), instead of a task each: for waves, such
    as the reminder scan."""
    if getattr(_together, "ids", None) is not None:  # already inside one
        yield
        return
    _together.ids = []
    try:
        yield
    finally:
        ids, _together.ids = _together.ids, None
        if ids:
            transaction.on_commit(partial(hand_over, ids))


def enqueue_delivery(message_id: int) -> None:
    """Hand the message to the workers once the transaction commits (or with the others
    of a ``handing_over_together`` block)."""
    pending = getattr(_together, "ids", None)
    if pending is not None:
        pending.append(message_id)
        return
    transaction.on_commit(partial(hand_over, [message_id]))


def queue(name: str, *, to: str, context: dict, occasion: str, user=None, program=None,
          about: Model | None = None, kind: str | None = None,
          unsubscribe_url: str = "") -> Message | None:
    """Record one message for `occasion` and deliver it after commit.

    Personal links among the context's values (and `unsubscribe_url`) are stored as
    references. Returns the new Message, or None if this occasion already has one.
    """
    if Message.objects.filter(occasion=occasion).exists():
        return None
    rendered = render_email(name, context)
    refs = links.references([*context.values(), unsubscribe_url])
    if any(placeholder in rendered.subject for placeholder in refs):
        raise ValueError(f"Email {name!r}: a personal link can't go in the subject")
    return _record(kind=kind or name, to=to, occasion=occasion, user=user, program=program,
                   about=about, subject=rendered.subject, body_text=rendered.text,
                   body_html=rendered.html, links=refs, unsubscribe_url=unsubscribe_url)


def queue_rendered(rendered: RenderedEmail, *, kind: str, to: str, occasion: str, user=None,
                   program=None, about: Model | None = None) -> Message | None:
    """`queue` for an email rendered elsewhere that holds no secret."""
    return _record(kind=kind, to=to, occasion=occasion, user=user, program=program,
                   about=about, subject=rendered.subject, body_text=rendered.text,
                   body_html=rendered.html)


def queue_sealed(rendered: RenderedEmail, *, kind: str, to: str, occasion: str, user=None,
                 program=None, about: Model | None = None) -> Message | None:
    """`queue` for an email whose text holds a secret (allauth's sign-in codes): the log
    keeps a note; the text is encrypted with the field keys for the worker alone."""
    sealed = crypto.encrypt(json.dumps({"text": rendered.text, "html": rendered.html,
                                        "unsubscribe": ""}))
    return _record(kind=kind, to=to, occasion=occasion, user=user, program=program,
                   about=about, subject=rendered.subject, body_text=Message.SEALED_NOTE,
                   body_html="", is_sealed=True, sealed=sealed)


def _record(*, to: str, occasion: str, about: Model | None, subject: str,
            **fields) -> Message | None:
    if is_erased_email(to):
        # An erased person's reminders and survey reminders still come due: they go
        # nowhere, and leave no row naming the occasion.
        return None
    try:
        with transaction.atomic():
            message = Message.objects.create(
                occasion=occasion[:255], recipient=to, about=about_key(about),
                subject=subject[:255], handed_over_at=timezone.now(), **fields)
    except IntegrityError:  # the same occasion, queued a moment ago elsewhere
        return None
    enqueue_delivery(message.pk)
    return message


def is_paused(user, kind: str) -> bool:
    return user is not None and ReminderPause.objects.filter(user=user, kind=kind).exists()


def resend_refusal(message: Message) -> str:
    """Why `message` can't be queued again ("" if it can)."""
    if message.status not in (MessageStatus.FAILED, MessageStatus.CANCELLED):
        return "Only a failed or cancelled message can be sent again."
    if message.is_sealed and not message.sealed:
        return ("Its text (a sign-in code) was erased when it stopped, and the code has "
                "expired anyway: the person asks for a new code on the sign-in page.")
    return ""


def resend(message: Message) -> bool:
    """Queue a failed (or cancelled) message again. Returns False if it can't be."""
    updated = Message.objects.filter(
        pk=message.pk, status__in=[MessageStatus.FAILED, MessageStatus.CANCELLED]
    ).exclude(is_sealed=True, sealed="").update(status=MessageStatus.QUEUED, attempts=0,
                                                last_error="", next_attempt_at=None,
                                                handed_over_at=timezone.now())
    if updated:
        enqueue_delivery(message.pk)
    return bool(updated)
