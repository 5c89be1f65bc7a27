"""Dispatch throughput: 10,000 logged messages through the real broker and worker.

    .venv/bin/python bench/bench_dispatch.py [--messages 10000] [--concurrency 2]

Prints messages per second through Redis and a Celery worker (each delivery locks its
message-log row, sends, records it as sent) next to the raw rate of the same email backend
called in a loop in the same run, and their ratio. The backend appends one line per email
to a file (as a local mail relay would accept it), so every delivery is counted: the run
fails if any message is missing or sent twice.

Needs PostgreSQL and Redis on loopback (DATABASE_URL, REDIS_URL; defaults: database
``mm_bench`` on 127.0.0.1, Redis db 15). Bounded: gives up after 10 minutes.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mm_bench")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def ensure_database() -> None:
    import psycopg2
    from psycopg2 import sql

    name = DB_URL.rsplit("/", 1)[1]
    conn = psycopg2.connect(DB_URL.rsplit("/", 1)[0] + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    outbox = Path(tempfile.mkdtemp()) / "outbox.jsonl"
    env = {
        "DATABASE_URL": DB_URL, "REDIS_URL": REDIS_URL, "DEBUG": "0",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2, "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_BACKEND": "tests.email_backends.AppendToFile", "MM_OUTBOX_FILE": str(outbox),
        "DJANGO_SETTINGS_MODULE": "mm_program.settings", "PYTHONPATH": str(ROOT),
    }
    os.environ.update(env)
    ensure_database()

    import django

    django.setup()
    from django.core.mail import get_connection
    from django.core.management import call_command

    from mm_program.celery import app as celery_app
    from mm_program.delivery import deliver_message
    from mm_program.emails import RenderedEmail, render_email
    from mm_program.models import Message, MessageStatus

    call_command("migrate", verbosity=0)
    queue = f"bench-{uuid.uuid4().hex[:6]}"
    celery_app.conf.task_default_queue = celery_app.conf.task_default_routing_key = queue

    rendered = render_email("decision", {"subject": "Your application", "accepted": True,
                                         "body": "Welcome to the program.\n" * 5,
                                         "dashboard_url": "http://127.0.0.1:8000/"})
    Message.objects.all().delete()
    n = args.messages
    messages = Message.objects.bulk_create(
        Message(kind="bench", occasion=f"bench/{i}", recipient=f"p{i}@example.org",
                subject=rendered.subject, body_text=rendered.text, body_html=rendered.html)
        for i in range(n)
    )

    # The same backend, called in a loop: the ceiling the dispatch is measured against.
    from mm_program.emails import send_rendered

    raw_file = outbox.with_name("raw.jsonl")
    os.environ["MM_OUTBOX_FILE"] = str(raw_file)
    get_connection()  # import the backend before timing
    started = time.perf_counter()
    for m in messages:
        send_rendered(RenderedEmail(m.subject, m.body_text, m.body_html), m.recipient,
                      message_id=m.message_id)
    raw_rate = n / (time.perf_counter() - started)
    os.environ["MM_OUTBOX_FILE"] = str(outbox)

    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "mm_program", "worker", "-Q", queue,
         f"--concurrency={args.concurrency}", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--loglevel=WARNING"],
        cwd=ROOT, env={**os.environ}, stdout=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)  # let the worker connect before the clock starts
        started = time.perf_counter()
        for m in messages:
            deliver_message.delay(m.pk)
        published = time.perf_counter() - started
        deadline = time.monotonic() + 600
        while Message.objects.filter(status=MessageStatus.SENT).count() < n:
            if time.monotonic() > deadline:
                print("gave up after 10 minutes", file=sys.stderr)
                return 1
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)

    ids = [json.loads(line)["message_id"] for line in outbox.read_text().splitlines()]
    dispatch_rate = n / elapsed
    print(f"messages: {n:,}; worker concurrency: {args.concurrency}")
    print(f"raw backend loop:    {raw_rate:10,.0f} messages/s")
    print(f"broker + worker:     {dispatch_rate:10,.0f} messages/s "
          f"(publishing took {published:.1f} s of {elapsed:.1f} s)")
    print(f"ratio dispatch/raw:  {dispatch_rate / raw_rate:10.3f}")
    ok = len(ids) == n and len(set(ids)) == n
    print(f"delivered: {len(ids):,} emails, {len(set(ids)):,} distinct: "
          f"{'every message once' if ok else 'MISMATCH'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
