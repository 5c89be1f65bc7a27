"""Dispatch throughput: a wave of logged emails through Redis and real Celery workers to
a local SMTP server, against a bare smtplib loop to the same server, in one run.

    .venv/bin/python bench/bench_dispatch.py [--messages 10000] [--concurrency 4]
        [--database-url postgres://postgres@127.0.0.1:5432/mm_bench_dispatch]

Starts what it measures with: an SMTP sink (``bench/smtp_sink.py``, its own process,
recording every Message-ID), a private Redis on a free port, and a database of its own,
which it creates and marks: it refuses any existing database without its mark, so it
never empties somebody else's. Production settings, the SMTP backend (EMAIL_TIMEOUT as
deployed) and ``celery worker`` as docker/entrypoint.sh starts it (prefork).

The wave is ``--messages`` reminders logged as the reminder scan logs them: each with its
pause link and one-click address as references (built by the worker as it sends) and
handed to the workers in batches. Timed from the hand-over to the last message recorded
as sent. The yardstick is a bare ``smtplib`` loop over one connection sending the very
same emails to the same sink, each built in the loop as the app builds it (no broker, no
worker, no database); the same loop with the emails built beforehand (the protocol alone)
is printed beside it. Prints the rates and the ratio (target: 0.3 or more), the load
average, and whether the sink received every message exactly once. Exit status 1 if it
did not, or if the ratio misses the target. Bounded: gives up after 10 minutes.
"""

from __future__ import annotations

import argparse
import os
import smtplib
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from smtp_sink import SinkProcess  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/mm_bench_dispatch"
# The bench's mark on the database it created: without it, a database is not its own.
MARK = "bench_dispatch_owner"
TARGET = 0.3


def own_database(url: str) -> None:
    """Create the database with the bench's mark, or check the mark of an existing one.
    Exits with a message for a database that is not the bench's."""
    import psycopg2
    from psycopg2 import sql

    base, name = url.rsplit("/", 1)
    conn = psycopg2.connect(base + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cur.fetchone() is not None
        if not exists:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        if exists:
            cur.execute("SELECT to_regclass(%s)", [MARK])
            if cur.fetchone()[0] is None:
                sys.exit(f"refusing {name!r}: the database exists and is not this bench's "
                         f"(no {MARK} table). Name a new one with --database-url.")
        else:
            cur.execute(sql.SQL("CREATE TABLE {} (created_at timestamptz DEFAULT now())")
                        .format(sql.Identifier(MARK)))
    conn.close()


def log_wave(n: int) -> list:
    """n reminders as the scan logs them: the text with its links as references."""
    from mm_program.emails import render_email
    from mm_program.links import PersonalLink, references
    from mm_program.models import Message

    Message.objects.all().delete()  # the bench's own database (own_database)
    pause = PersonalLink("reminder-pause", 1, "meeting-nudge")
    one_click = PersonalLink("reminder-pause-one-click", 1, "meeting-nudge")
    rendered = render_email("decision", {
        "subject": "Time for a mentorship call?", "accepted": True,
        "body": f"It has been 21 days since your last logged meeting.\n\nPause: {pause}\n"
                + "A paragraph of what reminders say.\n" * 8,
        "dashboard_url": "https://mentors.example.org/dashboard/"})
    refs = references([pause, one_click])
    return Message.objects.bulk_create(
        Message(kind="meeting-nudge", occasion=f"bench-dispatch/{i}",
                recipient=f"mentor{i}@example.org", subject=rendered.subject,
                body_text=rendered.text, body_html=rendered.html, links=refs,
                unsubscribe_url=str(one_click))
        for i in range(n))


def bare_loops(messages: list, port: int) -> tuple[float, float]:
    """Messages a second that smtplib sends over one connection, the same emails each
    with a Message-ID of its own: (1) each built in the loop as the app builds it (its
    links, Django's EmailMultiAlternatives to bytes), as a script sending them without
    broker, worker or database would; (2) all built beforehand: the protocol alone."""
    from django.conf import settings

    from mm_program.emails import build_email

    def built(m, tag):
        email, unsubscribe = m.outgoing()
        return build_email(email, m.recipient, message_id=f"<bare-{tag}-{m.pk}@bench>",
                           unsubscribe_url=unsubscribe).message().as_bytes(linesep="\r\n")

    sender = settings.DEFAULT_FROM_EMAIL
    smtp = smtplib.SMTP("127.0.0.1", port, timeout=10)
    started = time.perf_counter()
    for m in messages:
        smtp.sendmail(sender, [m.recipient], built(m, "loop"))
    building = len(messages) / (time.perf_counter() - started)
    ready = [(m.recipient, built(m, "ready")) for m in messages]
    started = time.perf_counter()
    for recipient, raw in ready:
        smtp.sendmail(sender, [recipient], raw)
    protocol = len(ready) / (time.perf_counter() - started)
    smtp.quit()
    return building, protocol


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=4,
                        help="worker processes (CELERY_CONCURRENCY in .env.example: 4)")
    parser.add_argument("--database-url", default=DEFAULT_DB,
                        help="a database this bench created, or one to create")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-dispatch-"))
    own_database(args.database_url)
    sink = SinkProcess(workdir / "ids.txt").start()
    redis = harness.PrivateRedis(harness.free_port(), workdir, persist=False)
    worker = None
    try:
        redis.start()
        env = harness.production_env(
            database_url=args.database_url, redis_url=redis.url,
            CELERY_TASK_ALWAYS_EAGER="0",
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(sink.port), EMAIL_USE_TLS="0")
        harness.manage(env, "migrate", "--noinput")
        harness.use_env(env)
        from mm_program.celery import app as celery_app
        from mm_program.delivery import hand_over
        from mm_program.models import Message, MessageStatus

        messages = log_wave(args.messages)
        bare_rate, protocol_rate = bare_loops(messages, sink.port)

        worker = harness.spawn(
            [sys.executable, "-m", "celery", "-A", "mm_program", "worker", "-l", "warning",
             "--concurrency", str(args.concurrency), "--without-gossip", "--without-mingle",
             "--without-heartbeat"], env=env, log=workdir / "worker.log")
        harness.wait_until(lambda: bool(celery_app.control.ping(timeout=0.5)), 60,
                           "the worker to answer")
        load_before = harness.load_average()
        ids = [m.pk for m in messages]
        started = time.perf_counter()
        hand_over(ids)
        published = time.perf_counter() - started
        sent = Message.objects.filter(status=MessageStatus.SENT)
        harness.wait_until(lambda: sent.count() == len(ids), 600,
                           "every message to be sent", every=0.1)
        elapsed = time.perf_counter() - started
        load_after = harness.load_average()
    finally:
        harness.stop(worker)
        redis.stop()
        sink.stop()

    dispatch_rate = len(ids) / elapsed
    logged = {m.message_id for m in Message.objects.all()}
    received = Counter(i for i in sink.ids() if not i.startswith("<bare-"))
    twice = sum(c - 1 for c in received.values() if c > 1)
    missing = logged - set(received)
    ratio = dispatch_rate / bare_rate
    print(f"messages: {len(ids):,}; worker concurrency {args.concurrency} (prefork), batches "
          f"of {os.environ.get('MESSAGE_BATCH_SIZE', '100')}; load average {load_before} "
          f"before, {load_after} after")
    print(f"bare smtplib loop, one connection, each email built in the loop: "
          f"{bare_rate:8,.0f} messages/s")
    print(f"  the same, the emails built beforehand (protocol only):        "
          f"{protocol_rate:8,.0f} messages/s")
    print(f"hand-over, broker, workers, SMTP:                               "
          f"{dispatch_rate:8,.0f} messages/s (hand-over {published:.2f} s of {elapsed:.1f} s)")
    verdict = "PASS" if ratio >= TARGET else "FAIL"
    print(f"ratio dispatch/bare loop: {ratio:.3f} (target {TARGET}: {verdict}); against "
          f"the protocol alone: {dispatch_rate / protocol_rate:.3f}")
    ok = not missing and not twice and set(received) == logged
    print(f"sink: {sum(received.values()):,} emails, {len(received):,} distinct; missing "
          f"{len(missing)}, twice {twice}: {'every message once' if ok else 'MISMATCH'}")
    return 0 if ok and ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
