"""Delivery of the message log: batches claimed for a lease, sent over one connection.

    claim (one short transaction)  ->  send (no lock, no transaction)  ->  record

A worker's task takes a list of message ids and claims those still due in one short
transaction: queued -> sending, with a lease that outlasts the task's hard time limit. It
then opens one connection to the mail server (Django's ``get_connection``), and for each
message opens its seal and builds its personal links (``Message.outgoing()``), sends it,
and records the result at once, so a worker killed mid-batch resends at most the one
email it was handing over (with the same Message-ID). No row lock and no transaction is
held while the mail server is talked to, and every exchange with it is bounded
(EMAIL_TIMEOUT, the task's time limits).

A claim whose worker died lapses with its lease; the sweeper (``sweep``, every minute
from beat) gives such messages back, and hands over again any message whose hand-over
the broker lost. Transient failures wait in the database (``next_attempt_at``), never in
the broker. The task's Celery name stays ``mm_program.tasks.deliver_message`` (where it
used to live, with one id), so tasks waiting in the broker across a deploy still run.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import time
from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import groupby

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import get_connection
from django.db import connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import ChannelError

from .emails import build_email
from .links import LinkGone
from .models import Message, MessageStatus

logger = logging.getLogger(__name__)

# The mail server (or the way to it) failed, not this message: the rest of the batch
# would fail the same way, so it all waits for the backoff. Besides these, any OSError
# that is no SMTP reply: refused, reset, timed out, TLS failures. (smtplib's errors are
# OSErrors too; a reply about one message is that message's own failure.)
CONNECTION_SMTP_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError,
                          smtplib.SMTPHeloError)


def _is_connection_error(exc: BaseException) -> bool:
    if isinstance(exc, smtplib.SMTPException):
        return isinstance(exc, CONNECTION_SMTP_ERRORS)
    return isinstance(exc, OSError)
MAX_ATTEMPTS = 5
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 600
# After a failed hand-over, this process leaves hand-overs to the sweeper for this long:
# a request queueing an email while Redis is away costs it nothing more.
HANDOVER_PAUSE_SECONDS = 10
_handover = {"paused_until": 0.0}


def backoff_seconds(attempts: int) -> int:
    return min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)


def lease_seconds() -> int:
    """How long a claim lasts: past the task's hard time limit, so a live worker never
    loses its claim to another."""
    return settings.MESSAGE_TIME_LIMIT + settings.MESSAGE_LEASE_MARGIN_SECONDS


def _is_transient(exc: Exception) -> bool:
    """A reply that says "later" (4xx: greylisting, mailbox busy), for this message."""
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused) and exc.recipients:
        codes = [reply[0] for reply in exc.recipients.values()]
        return all(400 <= c < 500 for c in codes)
    return isinstance(code, int) and 400 <= code < 500


@dataclass
class Delivered:
    """What one batch came to: a count per outcome, and the ids to try again."""

    counts: Counter = field(default_factory=Counter)
    retry_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return dict(self.counts)


# --- claiming and recording --------------------------------------------------------------


def _claim(ids: list[int], *, holder: str) -> list[Message]:
    """Take the due messages among `ids` for `holder`, in one short transaction. Rows
    another worker is claiming are skipped, not waited for. A message `holder` claimed
    before is taken again: the broker redelivers a task whose worker process died."""
    now = timezone.now()
    claimable = (
        Q(status=MessageStatus.QUEUED)
        & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        | Q(status=MessageStatus.SENDING) & (Q(lease_until__lt=now) | Q(claimed_by=holder))
    )
    with transaction.atomic():
        pks = list(Message.objects.select_for_update(skip_locked=True)
                   .filter(claimable, pk__in=ids).values_list("pk", flat=True))
        if not pks:
            return []
        Message.objects.filter(pk__in=pks).update(
            status=MessageStatus.SENDING, claimed_by=holder, attempts=F("attempts") + 1,
            lease_until=now + timedelta(seconds=lease_seconds()), next_attempt_at=None)
    return list(Message.objects.filter(pk__in=pks).order_by("pk"))


def _mine(messages: Iterable[Message], holder: str):
    """The rows of `messages` still claimed by `holder` (an erasure may have cancelled
    one meanwhile: it keeps the erasure's word)."""
    return Message.objects.filter(pk__in=[m.pk for m in messages],
                                  status=MessageStatus.SENDING, claimed_by=holder)


def _finish(message: Message, holder: str, status: str, error: str = "") -> None:
    """Record a final result. The seal goes with it: its secret has done its work, or
    never will."""
    _mine([message], holder).update(
        status=status, last_error=error[:2000], sealed="", claimed_by="", lease_until=None,
        sent_at=timezone.now() if status == MessageStatus.SENT else None)


# The one write per email sent, made before the next is sent: a worker killed between
# two emails has recorded all it sent. Written as SQL, once compiled, because it is most
# of what delivery costs per email besides building and sending it.
# The only value spliced into it is the model's table name.
MARK_SENT = (
    f'UPDATE "{Message._meta.db_table}" SET "status" = %s, "sent_at" = %s, '  # noqa: S608
    '"last_error" = \'\', "sealed" = \'\', "claimed_by" = \'\', "lease_until" = NULL '
    'WHERE "id" = %s AND "status" = %s AND "claimed_by" = %s')


def _mark_sent(message: Message, holder: str) -> None:
    with connections[Message.objects.db].cursor() as cursor:
        cursor.execute(MARK_SENT, [MessageStatus.SENT, timezone.now(), message.pk,
                                   MessageStatus.SENDING, holder])


@contextlib.contextmanager
def _commits_without_waiting_for_the_disk():
    """PostgreSQL's synchronous_commit off while a batch records its results: a commit
    no longer waits for the disk, and a worker killed after one still leaves it
    recorded. Only a crash of PostgreSQL itself can lose the last fraction of a second of
    them; those emails are sent once more, with the same Message-ID."""
    connection = connections[Message.objects.db]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with contextlib.suppress(Exception), connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO DEFAULT")


def _try_later(messages: list[Message], holder: str, error: str, *, backoff: bool) -> list[int]:
    """Give `messages` back for another attempt after the backoff (the sweeper hands them
    over then), or mark them failed when they have had MAX_ATTEMPTS. Returns the ids that
    wait for another attempt."""
    if not messages:
        return []
    now = timezone.now()
    spent = [m for m in messages if m.attempts >= MAX_ATTEMPTS]
    if spent:
        _mine(spent, holder).update(status=MessageStatus.FAILED, last_error=error[:2000],
                                    sealed="", claimed_by="", lease_until=None)
        logger.error("Messages %s failed after %s attempts: %s",
                     ",".join(str(m.pk) for m in spent), MAX_ATTEMPTS, error)
    again = sorted((m for m in messages if m.attempts < MAX_ATTEMPTS),
                   key=lambda m: m.attempts)
    for attempts, group in groupby(again, key=lambda m: m.attempts):
        wait = timedelta(seconds=backoff_seconds(attempts) if backoff else 0)
        _mine(list(group), holder).update(
            status=MessageStatus.QUEUED, last_error=error[:2000], claimed_by="",
            lease_until=None, handed_over_at=None, next_attempt_at=now + wait)
    if again:
        logger.warning("Messages %s: %s; trying again after the backoff",
                       ",".join(str(m.pk) for m in again), error)
    return [m.pk for m in again]


def _hand_on(messages: list[Message], holder: str) -> None:
    """Messages this task had no time left for: not an attempt; a new task takes them."""
    ids = [m.pk for m in messages]
    _mine(messages, holder).update(status=MessageStatus.QUEUED, claimed_by="",
                                   lease_until=None, attempts=F("attempts") - 1,
                                   handed_over_at=timezone.now())
    hand_over(ids)


# --- sending -----------------------------------------------------------------------------


class _Stop(Exception):
    """The batch can't go on: the mail server's connection failed, or time ran out."""

    def __init__(self, error: str):
        super().__init__(error)
        self.error = error


def _send(connection, message: Message, holder: str, *, backoff: bool) -> str:
    """Send one claimed message over `connection` and record what happened. Raises _Stop
    when the connection (not the message) failed: the message is still claimed."""
    try:
        email, unsubscribe_url = message.outgoing()
        connection.send_messages([build_email(
            email, message.recipient, message_id=message.message_id,
            unsubscribe_url=unsubscribe_url, connection=connection)])
    except LinkGone as exc:
        _finish(message, holder, MessageStatus.CANCELLED, f"Not sent: {exc}")
        return "cancelled"
    except SoftTimeLimitExceeded:
        raise _Stop("Stopped at the task's time limit") from None
    except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
        error = f"{type(exc).__name__}: {exc}"
        if _is_connection_error(exc):
            raise _Stop(error) from exc
        if _is_transient(exc):
            return "retry" if _try_later([message], holder, error, backoff=backoff) else "failed"
        _finish(message, holder, MessageStatus.FAILED, error)
        logger.error("Message %s failed: %s", message.pk, error)
        return "failed"
    _mark_sent(message, holder)
    return "sent"


def _close(connection, *, broken: bool) -> None:
    """Say QUIT to the mail server; after a failure just drop the socket (a server that
    stopped answering would make QUIT wait EMAIL_TIMEOUT once more)."""
    smtp = getattr(connection, "connection", None)
    if broken and isinstance(smtp, smtplib.SMTP):
        with contextlib.suppress(Exception):
            smtp.close()
        connection.connection = None
    with contextlib.suppress(Exception):
        connection.close()


def _send_all(connection, pending: deque, holder: str, deadline: float, result: Delivered,
              *, backoff: bool) -> None:
    """Send `pending` in order, taking each off once recorded; what the deadline leaves
    no time for goes to a new task (always after one at least, so a batch moves on)."""
    first = True
    while pending:
        if time.monotonic() > deadline and not first:
            result.counts["handed_on"] += len(pending)
            _hand_on(list(pending), holder)
            pending.clear()
            return
        first = False
        outcome = _send(connection, pending[0], holder, backoff=backoff)
        message = pending.popleft()
        if outcome == "retry":
            result.retry_ids.append(message.pk)
        result.counts[outcome] += 1


def messages_deliver(*, ids: list[int], holder: str, backoff: bool = True) -> Delivered:
    """Claim the due messages among `ids` for `holder` (a task id), send them over one
    connection to the mail server and record each result.

    A message another worker holds, or already sent, is skipped. A 4xx reply for one
    message gives that message back for later; a failed connection (refused, dropped,
    silent past EMAIL_TIMEOUT) or the soft time limit gives back the rest of the batch
    too. What MESSAGE_BATCH_SECONDS leaves no time for goes to a new task. `backoff`
    False makes a message due again at once (in-process delivery, where no sweeper runs).
    """
    result = Delivered()
    claimed = _claim(ids, holder=holder)
    result.counts["skipped"] = len(set(ids)) - len(claimed)
    if not claimed:
        return result
    pending = deque(claimed)
    deadline = time.monotonic() + settings.MESSAGE_BATCH_SECONDS
    stop: _Stop | None = None
    connection = get_connection()
    try:
        connection.open()
        with _commits_without_waiting_for_the_disk():
            _send_all(connection, pending, holder, deadline, result, backoff=backoff)
    except SoftTimeLimitExceeded:
        stop = _Stop("Stopped at the task's time limit")
    except _Stop as exc:
        stop = exc
    except OSError as exc:  # connection.open(): refused, timed out, TLS, login
        stop = _Stop(f"{type(exc).__name__}: {exc}")
    finally:
        _close(connection, broken=stop is not None)
    if stop is not None and pending:
        result.counts["retry"] += len(pending)
        result.retry_ids += _try_later(list(pending), holder, stop.error, backoff=backoff)
    return result


# --- handing over to the workers ---------------------------------------------------------


class HandOverTask(Task):
    """Published once: when the broker is away, the message row is the record and the
    sweeper hands it over later, so nobody waits for Celery's publish retries."""

    def apply_async(self, args=None, kwargs=None, **options):
        options.setdefault("retry", False)
        return super().apply_async(args, kwargs, **options)


@shared_task(bind=True, base=HandOverTask, name="mm_program.tasks.deliver_message",
             soft_time_limit=settings.MESSAGE_SOFT_TIME_LIMIT,
             time_limit=settings.MESSAGE_TIME_LIMIT,
             expires=settings.MESSAGE_TASK_EXPIRES_SECONDS)
def deliver_message(self, message_ids: int | list[int]) -> dict:
    """Deliver a batch of logged messages (one id: a task queued by an earlier version).

    Idempotent: a message already sent, or held by another worker, is skipped. A task
    waiting in the broker longer than MESSAGE_TASK_EXPIRES_SECONDS is discarded unrun:
    the sweeper has handed its messages over again by then."""
    ids = [message_ids] if isinstance(message_ids, int) else list(message_ids)
    holder = self.request.id or "in-process"
    if not self.request.is_eager:
        return messages_deliver(ids=ids, holder=holder).as_dict()
    # In-process (development, tests): no sweeper waits out a backoff, so the next
    # attempt is made at once; the attempts count keeps the cap.
    totals: Counter = Counter()
    while ids:
        result = messages_deliver(ids=ids, holder=holder, backoff=False)
        totals.update(result.counts)
        ids = result.retry_ids
    return dict(totals)


def hand_over(ids: list[int]) -> bool:
    """Give `ids` to the workers, MESSAGE_BATCH_SIZE to a task. Never raises: when the
    broker can't be reached the messages are marked not handed over, for the sweeper, and
    this process stops trying for HANDOVER_PAUSE_SECONDS (one log line, no traceback)."""
    if not ids:
        return True
    size = settings.MESSAGE_BATCH_SIZE
    chunks = [ids[start:start + size] for start in range(0, len(ids), size)]
    eager = deliver_message.app.conf.task_always_eager
    if time.monotonic() < _handover["paused_until"] and not eager:
        _not_handed_over(ids)
        return False
    try:
        for chunk in chunks:
            deliver_message.delay(chunk)
    except Exception as exc:  # noqa: BLE001 - kombu and redis-py raise their own errors
        if eager:  # no broker: delivery itself failed in-process
            logger.exception("Delivering messages %s in-process failed", ids)
            return False
        _handover["paused_until"] = time.monotonic() + HANDOVER_PAUSE_SECONDS
        logger.warning("Could not hand %s message(s) to the broker (%s: %s); the sweeper "
                       "will, and this process leaves it to the sweeper for %s s",
                       len(ids), type(exc).__name__, exc, HANDOVER_PAUSE_SECONDS)
        _not_handed_over(ids)
        return False
    return True


def _not_handed_over(ids: list[int]) -> None:
    try:
        Message.objects.filter(pk__in=ids, status=MessageStatus.QUEUED).update(
            handed_over_at=None)
    except Exception as exc:  # noqa: BLE001 - their hand-over is old: the sweeper sees it
        logger.warning("Could not mark %s message(s) for the sweeper (%s)", len(ids), exc)


# --- the sweeper -------------------------------------------------------------------------


@dataclass
class Swept:
    released: int = 0
    failed: int = 0
    handed_over: int = 0


def _broker_holds_tasks() -> bool:
    """Whether the delivery queue has tasks waiting (unsure counts as yes)."""
    app = deliver_message.app
    if app.conf.task_always_eager:
        return False
    queue = getattr(deliver_message, "queue", None) or app.conf.task_default_queue
    try:
        with app.connection_for_write() as connection:
            declared = connection.default_channel.queue_declare(queue=queue, passive=True)
            return declared.message_count > 0
    except ChannelError:  # no such queue: nothing was ever published to it
        return False
    except Exception as exc:  # noqa: BLE001 - unsure: wait for the tasks to expire
        logger.warning("Sweeper: could not read the broker's queue (%s)", exc)
        return True


def sweep(now=None) -> Swept:
    """Run by beat every minute. Gives back claims whose lease ran out (their worker
    died or was stopped; at MAX_ATTEMPTS the message fails instead), then hands over each
    due message that no task will deliver: never handed over (the broker was away, or its
    backoff just ended), or handed over MESSAGE_REHAND_AFTER_SECONDS ago while the
    broker's queue is empty (Redis lost its queue), or longer ago than a task lives. Each
    hand-over is stamped, so a message is handed over again only when that one is lost
    too, never once per sweep."""
    now = now or timezone.now()
    swept = Swept()
    lapsed = Message.objects.filter(status=MessageStatus.SENDING, lease_until__lt=now)
    swept.failed = lapsed.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=MessageStatus.FAILED, sealed="", claimed_by="", lease_until=None,
        last_error=f"Not sent: the worker sending it stopped (crashed, or hit the time "
                   f"limit) {MAX_ATTEMPTS} times")
    swept.released = lapsed.update(status=MessageStatus.QUEUED, claimed_by="",
                                   lease_until=None, handed_over_at=None)
    lost = (Q(handed_over_at__isnull=True)
            | Q(handed_over_at__lt=now - timedelta(seconds=settings.MESSAGE_TASK_EXPIRES_SECONDS)))
    if not _broker_holds_tasks():
        lost |= Q(handed_over_at__lt=now - timedelta(
            seconds=settings.MESSAGE_REHAND_AFTER_SECONDS))
    due = Q(status=MessageStatus.QUEUED) & (Q(next_attempt_at__isnull=True)
                                            | Q(next_attempt_at__lte=now))
    with transaction.atomic():
        ids = list(Message.objects.select_for_update(skip_locked=True).filter(due, lost)
                   .order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 1000):
            Message.objects.filter(pk__in=ids[start:start + 1000]).update(handed_over_at=now)
    hand_over(ids)
    swept.handed_over = len(ids)
    return swept
