"""Redis stopped in the middle of a reminder batch, then restarted: every message sent once.

    .venv/bin/python bench/bench_redis_outage.py                              # smoke run
    .venv/bin/python bench/bench_redis_outage.py --reminders 1000 --outage 30 # recorded run

The production stack's messaging path, for real: a private Redis (port 6390) as broker,
``celery beat`` with the database scheduler and a ``celery worker`` (prefork, as
docker/entrypoint.sh starts them) on a database of its own (``mm_bench_redis_outage`` on
the machine's PostgreSQL, created afresh), and Django's file-based email backend as the
mail server. ``--reminders`` mentorships are each due one meeting reminder; beat's
reminder scan finds them, the worker delivers them. Once a quarter are sent, Redis stops
for ``--outage`` seconds; meanwhile ``--queued-during-outage`` more messages are logged
as a web request would (their hand-over to the broker fails); then Redis starts again.
Two scenarios, one after the other:

- ``persisted``: Redis keeps its append-only file, as docker-compose.yml runs it, and
  comes back with its queue;
- ``lost``: Redis comes back empty (no persistence, or a crash before the file was
  written): every task that was waiting in it is gone, and only the message sweeper
  (every minute from beat: it hands over again a message whose hand-over is older than
  MESSAGE_REHAND_AFTER_SECONDS while the broker's queue is empty) can deliver them.

Checks that every message of the batch reached the outbox exactly once (by Message-ID)
and that the log records each as sent. Exits 1 otherwise.

The clocks are production's: the sweeper every 60 s and the hand-over after 20 s (the
reminder scan, which only finds the batch, runs every ``--scan-every`` seconds instead
of 15 minutes). Prints how long the messages logged during the outage took to log: the
request that logs an email no longer waits for the broker.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

SERVER = os.environ.get("PG_SERVER_URL", "postgres://postgres@127.0.0.1:5432")
DB_URL = f"{SERVER}/mm_bench_redis_outage"


def recreate_database(url: str) -> None:
    import psycopg2
    from psycopg2 import sql

    base, name = url.rsplit("/", 1)
    conn = psycopg2.connect(base + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def due_mentorships(n: int):
    """A program whose n active mentorships had no meeting for 30 days: one reminder to
    each mentor."""
    from django.utils import timezone

    from matching.models import Mentee, Mentor, Mentorship, Program
    from mm_program.models import User

    tag = uuid.uuid4().hex[:6]
    program = Program.objects.create(name=f"Outage {tag}", slug=f"outage-{tag}")
    users = User.objects.bulk_create(
        [User(email=f"mentor{i}-{tag}@example.org", name=f"Mentor {i}") for i in range(n)]
        + [User(email=f"mentee{i}-{tag}@example.org", name=f"Mentee {i}") for i in range(n)]
    )
    mentors = Mentor.objects.bulk_create(
        [Mentor(program=program, user=u, capacity=1) for u in users[:n]])
    mentees = Mentee.objects.bulk_create([Mentee(program=program, user=u) for u in users[n:]])
    start = timezone.localdate() - timedelta(days=30)
    Mentorship.objects.bulk_create([
        Mentorship(program=program, mentor=mo, mentee=me, status="active",
                   source="organizer", start_date=start,
                   planned_end_date=start + timedelta(days=120),
                   introduced_at=timezone.now() - timedelta(days=30),
                   terms_recorded_at=timezone.now() - timedelta(days=29))
        for mo, me in zip(mentors, mentees, strict=True)
    ])
    return program


def scan_every(seconds: int) -> None:
    """The reminder scan's schedule, as an organizer would edit it in admin."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every, _ = IntervalSchedule.objects.get_or_create(every=seconds, period="seconds")
    PeriodicTask.objects.filter(task="mm_program.tasks.scan_reminders").update(
        interval=every, last_run_at=None)


def queue_as_a_web_request_would(program, count: int) -> float:
    """Log `count` messages while the broker is down, as a web request would; returns the
    seconds it took (the first hand-over fails at once, and for the next 10 s this
    process leaves hand-overs to the sweeper)."""
    from mm_program.emails import render_email
    from mm_program.messaging import queue_rendered

    rendered = render_email("decision", {"subject": "Your application", "accepted": True,
                                         "body": "Welcome.", "dashboard_url": "/"})
    started = time.monotonic()
    for i in range(count):
        queue_rendered(rendered, kind="bench-outage", to=f"late{i}@example.org",
                       occasion=f"bench-outage/{program.slug}/{i}", program=program)
    return time.monotonic() - started


def outbox_ids(outbox: Path) -> list[str]:
    ids = []
    for path in outbox.glob("*.log"):
        ids += re.findall(r"^Message-ID: (\S+)$", path.read_text(errors="replace"), re.M)
    return ids


class Restarted:
    """A process started again whenever it exits, as docker-compose.yml's restart policy
    (unless-stopped) does for the worker and beat containers. Records each exit."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path):
        self.args, self.env, self.log = args, env, log
        self.exits: list[str] = []
        self.process = harness.spawn(args, env=env, log=log)
        self.started = time.monotonic()

    def check(self) -> None:
        code = self.process.poll()
        if code is not None:
            self.exits.append(f"exit {code} after {time.monotonic() - self.started:.0f} s")
            harness.stop(self.process)  # what is left of its group
            self.process = harness.spawn(self.args, env=self.env, log=self.log)

    def stop(self, timeout: float = 60) -> None:
        harness.stop(self.process, timeout=timeout)


def run_scenario(name: str, args, base_env: dict[str, str], workdir: Path) -> bool:
    from mm_program.models import Message, MessageStatus

    scenario_dir = workdir / name
    outbox = scenario_dir / "outbox"
    outbox.mkdir(parents=True)
    env = {**base_env, "EMAIL_FILE_PATH": str(outbox), "CELERY_TRACE_LOG_LEVEL": "INFO"}
    program = due_mentorships(args.reminders)
    messages = Message.objects.filter(program=program)
    redis = harness.PrivateRedis(args.redis_port, scenario_dir, persist=name == "persisted")
    worker = beat = None
    try:
        redis.start()
        worker = Restarted(
            [str(harness.BIN / "celery"), "-A", "mm_program", "worker", "-l", "info",
             "--concurrency", str(args.concurrency)], env, scenario_dir / "worker.log")
        beat = Restarted([str(harness.BIN / "celery"), "-A", "mm_program", "beat", "-l",
                          "info"], env, scenario_dir / "beat.log")

        def sent_at_least(count: int):
            def condition() -> bool:
                worker.check()
                beat.check()
                return messages.filter(status=MessageStatus.SENT).count() >= count
            return condition

        # Stop the broker a quarter of the way through the batch.
        harness.wait_until(sent_at_least(args.reminders // 4), 180,
                           "a quarter of the batch to be sent")
        redis.stop()
        down_at = time.monotonic()
        sent_at_stop = messages.filter(status=MessageStatus.SENT).count()
        late_seconds = queue_as_a_web_request_would(program, args.queued_during_outage)
        while time.monotonic() - down_at < args.outage:
            worker.check()
            beat.check()
            time.sleep(0.2)
        sent_in_outage = messages.filter(status=MessageStatus.SENT).count() - sent_at_stop
        redis.start()
        up_at = time.monotonic()
        total = args.reminders + args.queued_during_outage
        recovered = harness.wait_until(sent_at_least(total), args.timeout,
                                       "every message to be sent", every=0.5)
        # Anything sent twice would arrive in the seconds after the last first copy.
        time.sleep(args.scan_every + 2)
    except TimeoutError as exc:
        print(f"  {exc}")
        recovered = None
    finally:
        for process in (beat, worker):
            if process:
                process.stop()
        redis.stop()

    ids = outbox_ids(outbox)
    expected = set(messages.values_list("pk", flat=True))
    logged = {m.message_id for m in messages}
    unsent = messages.exclude(status=MessageStatus.SENT).count()
    duplicates = len(ids) - len(set(ids))
    missing = logged - set(ids)
    strangers = set(ids) - logged
    handed = sum(int(n) for n in re.findall(r"'handed_over': (\d+)",
                                            (scenario_dir / "worker.log").read_text()))
    print(f"{name}: {args.reminders:,} reminders; Redis stopped after {sent_at_stop:,} "
          f"were sent, for {args.outage:g} s")
    print(f"  sent while Redis was down (tasks already in the pool): {sent_in_outage:,}")
    print(f"  logged while Redis was down: {args.queued_during_outage} "
          f"(hand-over failed; {late_seconds * 1000:.1f} ms for all of them, "
          f"{late_seconds * 1000 / max(args.queued_during_outage, 1):.2f} ms each)")
    if recovered is not None:
        print(f"  every message sent {recovered:.1f} s after Redis came back "
              f"({time.monotonic() - up_at:.0f} s before the workers stopped)")
    print(f"  hand-overs by the sweeper: {handed:,} (a message whose hand-over was lost, "
          f"once per loss)")
    for role, process in (("worker", worker), ("beat", beat)):
        if process and process.exits:
            print(f"  {role} died and was started again: {'; '.join(process.exits)}")
    ok = (recovered is not None and not unsent and not duplicates and not missing
          and not strangers and len(expected) == total)
    print(f"  outbox: {len(ids):,} emails, {len(set(ids)):,} distinct; log: "
          f"{len(expected):,} messages, {unsent} not sent; missing {len(missing)}, "
          f"twice {duplicates}, unknown {len(strangers)}: "
          f"{'every message sent exactly once' if ok else 'FAIL'}")
    if not ok:
        print(f"  logs: {scenario_dir}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reminders", type=int, default=300, help="the recorded run: 1000")
    parser.add_argument("--outage", type=float, default=10, help="seconds; recorded: 30")
    parser.add_argument("--queued-during-outage", type=int, default=5)
    parser.add_argument("--scenario", choices=["persisted", "lost", "both"], default="both")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--scan-every", type=int, default=5, help="seconds (production: 900)")
    parser.add_argument("--database-url", default=DB_URL,
                        help="a database to drop and create afresh for the bench")
    parser.add_argument("--redis-port", type=int, default=6390, help="the private Redis")
    parser.add_argument("--timeout", type=float, default=300,
                        help="give up on a scenario after this many seconds")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-redis-"))
    env = harness.production_env(
        database_url=args.database_url, redis_url=f"redis://127.0.0.1:{args.redis_port}/0",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        CELERY_TASK_ALWAYS_EAGER="0")
    recreate_database(args.database_url)
    harness.manage(env, "migrate", "--noinput")
    harness.use_env(env)
    scan_every(args.scan_every)
    print(f"worker concurrency {args.concurrency}; scan every {args.scan_every} s; sweeper "
          f"every 60 s, hand-over after 20 s (production); load average "
          f"{harness.load_average()}")
    scenarios = ["persisted", "lost"] if args.scenario == "both" else [args.scenario]
    results = [run_scenario(name, args, env, workdir) for name in scenarios]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
