"""32 concurrent applicants submitting the mentee form: every accepted one saved once.

    .venv/bin/python bench/bench_submissions.py                 # 10 s: a smoke run
    .venv/bin/python bench/bench_submissions.py --seconds 60    # the recorded run

Serves the app under gunicorn as bench_web.py does (production settings, database
``mm_bench``, Redis db 4). Each of ``--clients`` threads loads the form once (its CSRF
cookie and token, as a browser keeps them), then posts complete applications, each with
an email of its own, until the time is up. Every submission comes from a client address
of its own (X-Real-IP, as the proxy sets it): the per-client limit (APPLY_RATE_LIMIT)
stays at its production value and is not what this measures (the run first forgets the
counters earlier runs left in its Redis db).

Then it checks, in the database:

- every submission answered with the redirect to the thanks page is saved exactly once
  (matched by its email), complete (its account, both research areas) and has exactly one
  confirmation email in the message log;
- nothing else is saved: no application for a submission that was refused or never sent;
- no response was a 5xx, and none was anything but that redirect.

Prints the counts, accepted submissions per second and the latency the clients saw (a
Python client on the same 2 cores: the rate is a floor, wrk in bench_web.py measures the
ceiling). Exits 1 if any check fails.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from bench_web import FORM, mentee_body  # noqa: E402

DB_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mm_bench")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/4")
THANKS = "/apply/mentee/thanks/"


class Applicant(threading.Thread):
    """One client: keeps its CSRF cookie, posts until `deadline`, records each outcome
    as (email, status, location, seconds)."""

    def __init__(self, number: int, url: str, nonce: str, deadline: float):
        super().__init__(daemon=True)
        self.number, self.url, self.nonce, self.deadline = number, url, nonce, deadline
        self.outcomes: list[tuple[str, int, str, float]] = []

    def run(self) -> None:
        form = harness.fetch("GET", self.url + FORM)
        cookie = form.headers["Set-Cookie"].split(";", 1)[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        template = mentee_body(token, self.nonce)
        headers = {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded",
                   "Origin": self.url.replace("http://", "https://"),
                   "Referer": self.url.replace("http://", "https://") + FORM}
        sent = 0
        while time.monotonic() < self.deadline:
            sent += 1
            n = f"{self.number}-{sent}"
            email = f"bench-{self.nonce}-{n}@example.org"
            headers["X-Real-IP"] = f"10.{self.number}.{sent // 256 % 256}.{sent % 256}"
            started = time.perf_counter()
            try:
                response = harness.fetch("POST", self.url + FORM, headers=headers,
                                         body=template.replace("{n}", n).encode(), timeout=30)
                status, location = response.status, response.getheader("Location", "")
            except OSError:
                status, location = 0, ""  # no answer: the outcome is unknown
            self.outcomes.append((email, status, location, time.perf_counter() - started))


def check(outcomes: list[tuple[str, int, str, float]], nonce: str) -> list[str]:
    """What went wrong, checked against the database; empty if nothing did."""
    from django.db.models import Count

    from matching.models import MenteeApplication
    from mm_program.models import Message

    saved = Counter(MenteeApplication.objects.filter(email__startswith=f"bench-{nonce}-")
                    .values_list("email", flat=True))
    accepted = {email for email, status, location, _ in outcomes
                if status == 302 and urllib.parse.urlsplit(location).path == THANKS}
    unknown = {email for email, status, _, _ in outcomes if status == 0}
    refused = {email for email, status, _, _ in outcomes if status not in (0, 302)}
    problems = []
    twice = {e for e, n in saved.items() if n > 1}
    if twice:
        problems.append(f"{len(twice)} emails saved more than once, e.g. {min(twice)}")
    lost = accepted - set(saved)
    if lost:
        problems.append(f"{len(lost)} accepted submissions not saved, e.g. {min(lost)}")
    stray = set(saved) - accepted - unknown
    if stray:
        problems.append(f"{len(stray)} applications saved for refused or unsent "
                        f"submissions, e.g. {min(stray)}")
    if refused:
        statuses = Counter(s for _, s, _, _ in outcomes if s not in (0, 302))
        problems.append(f"{len(refused)} submissions refused: {dict(statuses)}")
    incomplete = (MenteeApplication.objects.filter(email__in=list(saved))
                  .annotate(areas=Count("research_areas"))
                  .exclude(areas=2, user__isnull=False).count())
    if incomplete:
        problems.append(f"{incomplete} applications saved incomplete")
    confirmations = Counter(Message.objects.filter(
        recipient__in=list(saved), kind="application-received",
    ).values_list("recipient", flat=True))
    wrong = [e for e in saved if confirmations[e] != 1]
    if wrong:
        problems.append(f"{len(wrong)} applications without exactly one confirmation")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="the recorded run: 60")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3,
                        help="gunicorn workers (WEB_CONCURRENCY's default: 3)")
    args = parser.parse_args()

    env = harness.production_env(database_url=DB_URL, redis_url=REDIS_URL)
    harness.ensure_database(DB_URL)
    harness.manage(env, "collectstatic", "--noinput")
    harness.manage(env, "migrate", "--noinput")
    harness.manage(env, "seed_demo", "--force")
    harness.use_env(env)
    harness.reset_rate_limits(REDIS_URL)

    nonce = uuid.uuid4().hex[:8]
    web = harness.Gunicorn(env, workers=args.workers)
    try:
        web.wait_healthy()
        started = time.monotonic()
        clients = [Applicant(i + 1, web.url, nonce, started + args.seconds)
                   for i in range(args.clients)]
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=args.seconds + 120)
        elapsed = time.monotonic() - started
        web.drain()
        server_errors = web.server_errors()
    finally:
        web.stop()
        # Nothing consumes the confirmation emails queued in this Redis db.
        harness.redis_cli(REDIS_URL, "DEL", "celery")

    outcomes = [o for client in clients for o in client.outcomes]
    problems = check(outcomes, nonce)
    if server_errors:
        problems.append(f"{server_errors} 5xx responses in gunicorn's access log")
    statuses = Counter(status for _, status, _, _ in outcomes)
    accepted = statuses.get(302, 0)
    latencies = sorted(seconds * 1000 for *_, seconds in outcomes)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0
    print(f"{args.clients} clients for {elapsed:.1f} s against gunicorn ({args.workers} "
          f"workers); load average {harness.load_average()}")
    print(f"submissions: {len(outcomes):,}; responses: {dict(sorted(statuses.items()))}")
    print(f"accepted: {accepted:,} ({accepted / elapsed:.1f}/s); latency p50 "
          f"{statistics.median(latencies) if latencies else 0:.0f} ms, p99 {p99:.0f} ms")
    for problem in problems:
        print(f"FAIL: {problem}")
    if not problems:
        print("every accepted submission is saved exactly once, complete, with one "
              "confirmation; nothing else was saved; no 5xx")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
