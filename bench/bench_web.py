"""Throughput and latency of the hot pages under gunicorn, as ratios to a bare view.

    .venv/bin/python bench/bench_web.py                   # 5 s per page: a smoke run
    .venv/bin/python bench/bench_web.py --seconds 30      # the recorded run

Serves the app as docker/entrypoint.sh does (gunicorn, 3 sync workers, DEBUG=0, the
production security settings behind a proxy that sets X-Forwarded-Proto and X-Real-IP,
Redis as the cache) on database ``mm_bench`` and Redis db 4, seeded with ``seed_demo
--force`` plus 10,000 mentee and 500 mentor applications. Then wrk, 4 connections for
``--seconds`` each, measures:

- the bare ``HttpResponse`` view (``/bare``), before and after the pages, as the yardstick;
- the mentee form, GET;
- the mentee form, POST: valid applications, each with an email of its own and from a
  client address of its own (X-Real-IP), so the per-client limit (APPLY_RATE_LIMIT, left
  at its production value; the run first forgets earlier runs' counters) never trips;
  each one creates an account and an application and queues the confirmation email, as
  a real one does;
- ``/bare-write`` (bench/bench_urls.py, served only under bench/bench_settings.py): the
  same POST, through the same middleware, saving one row in one commit; the floor under
  any form that saves, and so the mentee POST's second yardstick;
- the mentor dashboard, signed in as the demo mentor;
- the impact dashboard, signed in as the demo organizer.

Every page is rendered for its request (there is no page cache). Prints requests/s, p50
and p99, the ratio of each page's throughput to its yardstick's (the bare view's, the mean
of its two runs; for the form POST, the bare write's), the CPU time gunicorn spent per
request (from /proc; on a machine shared with other work, wall-clock figures move with the
load, the CPU cost of a page much less) and the queries one request of the page makes
(counted in this process, through the same settings and middleware, after one warm-up
request). Then PASS/FAIL against the issue's targets: each GET page at least 0.15 of the
bare view's throughput and at most 7 ms of CPU per request; the form POST at least 0.25
of the bare write's throughput in at most 12 queries; p99 under 100 ms at 4 connections.
Exits 1 on any wrong status (a 5xx, a refused form) or if the applications saved differ
from the POSTs that got their redirect; missing a target is reported, not an error.

Needs wrk (``apt-get install -y wrk``), PostgreSQL and Redis on loopback (DATABASE_URL,
REDIS_URL override the defaults).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import urllib.parse
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

DB_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mm_bench")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/4")
# The targets (#16): a GET page against the bare view, the form POST against the
# bare write; p99 at the default 4 connections.
GET_PAGES = ("mentee form GET", "mentor dashboard", "impact dashboard")
TARGET_GET_RATIO = 0.15
TARGET_GET_CPU_MS = 7.0
TARGET_POST_RATIO = 0.25
TARGET_POST_QUERIES = 12
TARGET_P99_MS = 100.0
FORM = "/apply/mentee/"


def session_cookie(email: str) -> str:
    """A signed-in session for `email`, as the sign-in page would have saved it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from mm_program.models import User

    user = User.objects.get(email=email)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def csrf_pair(url: str) -> tuple[str, str]:
    """(the csrftoken cookie, the form's token) from one GET of the form."""
    response = harness.fetch("GET", url)
    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)
    return cookie, token


def mentee_body(token: str, nonce: str) -> str:
    """A complete mentee application, urlencoded; {n} in the email makes each unique."""
    from matching.models import ResearchArea

    areas = list(ResearchArea.objects.filter(is_active=True).values_list("pk", flat=True)[:2])
    fields = [
        ("csrfmiddlewaretoken", token), ("name", "Bench Applicant"),
        ("timezone", "Europe/London"), ("occupation", "masters"),
        ("field_of_study", "Mathematics"), *[("research_areas", str(pk)) for pk in areas],
        ("research_interests", "Interpretability of small transformers."),
        ("goals", "Write a distillation of a mech interp paper."),
        ("key_uncertainties", ""), ("hours_per_week", "8"), ("fulltime_intent", "yes"),
        ("courses_done", "agisf_alignment"), ("funding_reason", ""), ("cv_url", ""),
        ("github_url", "https://github.com/example"), ("writing_url", ""),
        ("heard_about", "A friend"), ("website", ""),
    ]
    return urllib.parse.urlencode(fields) + f"&email=bench-{nonce}-{{n}}%40example.org"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5,
                        help="wrk duration per page (the recorded run: 30)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3,
                        help="gunicorn workers (WEB_CONCURRENCY's default: 3)")
    parser.add_argument("--mentees", type=int, default=10_000,
                        help="bulk mentee applications to seed (idempotent)")
    parser.add_argument("--mentors", type=int, default=500,
                        help="bulk mentor applications to seed (idempotent)")
    args = parser.parse_args()

    env = harness.production_env(database_url=DB_URL, redis_url=REDIS_URL,
                                 DJANGO_SETTINGS_MODULE="bench.bench_settings")
    harness.ensure_database(DB_URL)
    # As the image is built: hashed, compressed static files, served by whitenoise.
    harness.manage(env, "collectstatic", "--noinput")
    harness.manage(env, "migrate", "--noinput")
    harness.manage(env, "seed_demo", "--force", "--mentees", str(args.mentees),
                   "--mentors", str(args.mentors))
    harness.use_env(env)
    harness.reset_rate_limits(REDIS_URL)
    from django.db import connection

    from bench.bench_urls import CREATE_TABLE
    from matching.demo_data import DEMO_MENTOR, ORGANIZER_EMAIL, email_for
    from matching.models import MenteeApplication

    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)

    mentor_cookie = session_cookie(email_for(DEMO_MENTOR))
    organizer_cookie = session_cookie(ORGANIZER_EMAIL)
    nonce = uuid.uuid4().hex[:8]
    workdir = Path(tempfile.mkdtemp(prefix="bench-web-"))
    web = harness.Gunicorn(env, workers=args.workers, workdir=workdir)
    results: dict[str, dict] = {}
    try:
        web.wait_healthy()
        cookie, token = csrf_pair(web.url + FORM)
        # wrk numbers requests from 1 in every run: the warm-up and the measured run each
        # get their own emails, so every POST is a new applicant.
        bodies = {}
        for run in ("run", "warm", "bare-run", "bare-warm"):
            bodies[run] = workdir / f"mentee-{run}.txt"
            bodies[run].write_text(mentee_body(token, f"{nonce}-{run}"))
        post_headers = {"Cookie": cookie, "Origin": f"https://127.0.0.1:{web.port}",
                        "Referer": f"https://127.0.0.1:{web.port}{FORM}"}
        form_post = (bodies["run"], bodies["warm"])
        bare_post = (bodies["bare-run"], bodies["bare-warm"])
        pages = [
            ("bare", "/bare", {}, None, 200),
            ("mentee form GET", FORM, {}, None, 200),
            ("mentee form POST", FORM, post_headers, form_post, 302),
            ("bare write POST", "/bare-write", post_headers, bare_post, 302),
            ("mentor dashboard", "/dashboard/", {"Cookie": mentor_cookie}, None, 200),
            ("impact dashboard", "/organizers/impact/", {"Cookie": organizer_cookie},
             None, 200),
            ("bare (again)", "/bare", {}, None, 200),
        ]
        for name, path, headers, bodies_of_run, expected in pages:
            body, warm_body = bodies_of_run or (None, None)
            # A short warm-up per page: every worker imports and caches what it needs.
            warm = harness.wrk(web.url + path, connections=args.connections, seconds=1,
                               headers=headers, body_template=warm_body)
            web.drain()
            cpu = web.cpu_seconds()
            report = harness.wrk(web.url + path, connections=args.connections,
                                 seconds=args.seconds, headers=headers, body_template=body)
            web.drain()
            # The drain's two requests and the in-flight ones are a rounding error.
            report["cpu_ms"] = (web.cpu_seconds() - cpu) * 1000 / max(report["requests"], 1)
            report["expected"] = expected
            report["warm_up_statuses"] = warm["statuses"]
            report["queries"] = queries_of(path, headers, expected, body=body and mentee_body(
                token, f"probe-{nonce}"))
            results[name] = report
        server_errors = web.server_errors()
    finally:
        web.stop()
        # Nothing consumes the confirmation emails the POSTs queued in this Redis db.
        harness.redis_cli(REDIS_URL, "DEL", "celery")

    emails = list(MenteeApplication.objects.filter(email__startswith=f"bench-{nonce}-")
                  .values_list("email", flat=True))
    if len(emails) != len(set(emails)):
        print(f"FAIL: {len(emails) - len(set(emails))} applications saved twice")
        return 1
    return report_results(results, args, saved=len(emails), server_errors=server_errors)


def queries_of(path: str, headers: dict[str, str], expected: int, *,
               body: str | None = None) -> int:
    """The queries one request of `path` makes, counted in this process (same settings
    and middleware as the server) after one warm-up request; a body makes it a POST, of
    a new applicant each time."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    meta = {"HTTP_" + name.upper().replace("-", "_"): value
            for name, value in {**harness.PROXY_HEADERS, **headers}.items()}
    client = Client(SERVER_NAME="127.0.0.1", **meta)
    counts = []
    for n in range(2):
        with CaptureQueriesContext(connection) as queries:
            if body is None:
                response = client.get(path)
            else:
                response = client.post(path, body.replace("{n}", str(n)),
                                       content_type="application/x-www-form-urlencoded",
                                       HTTP_X_REAL_IP=f"10.255.255.{n}")
        if response.status_code != expected:
            raise SystemExit(f"{path}: {response.status_code} in this process, "
                             f"expected {expected}")
        counts.append(len(queries))
    return counts[-1]


def _verdict(misses: list[str]) -> str:
    return f"FAIL ({', '.join(misses)})" if misses else "PASS"


def report_results(results: dict[str, dict], args, *, saved: int, server_errors: int) -> int:
    bare_rps = (results["bare"]["rps"] + results["bare (again)"]["rps"]) / 2
    bare_cpu = (results["bare"]["cpu_ms"] + results["bare (again)"]["cpu_ms"]) / 2
    floor = results["bare write POST"]
    print(f"gunicorn: {args.workers} sync workers; wrk: 2 threads, {args.connections} "
          f"connections, {args.seconds:g} s per page; no page cache; load average "
          f"{harness.load_average()}")
    print(f"{'page':<20}{'req/s':>9}{'ratio':>8}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'CPU ms':>8}{'CPU ratio':>10}{'queries':>9}  target")
    ok = True
    for name, r in results.items():
        ratio = r["rps"] / bare_rps
        slow = r["p99_ms"] >= TARGET_P99_MS
        verdict = ""
        if name in GET_PAGES:
            verdict = _verdict([what for what, missed in (
                ("ratio", ratio < TARGET_GET_RATIO), ("CPU", r["cpu_ms"] > TARGET_GET_CPU_MS),
                ("p99", slow)) if missed])
        elif name == "mentee form POST":
            ratio = r["rps"] / floor["rps"]
            verdict = _verdict([what for what, missed in (
                ("ratio to bare write", ratio < TARGET_POST_RATIO),
                ("queries", r["queries"] > TARGET_POST_QUERIES), ("p99", slow)) if missed])
        print(f"{name:<20}{r['rps']:9.1f}{ratio:8.3f}{r['p50_ms']:9.1f}{r['p99_ms']:9.1f}"
              f"{r['cpu_ms']:8.1f}{bare_cpu / r['cpu_ms']:10.3f}{r['queries']:9d}  {verdict}")
        statuses = {**r["warm_up_statuses"]}
        for status, n in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + n
        wrong = {s: n for s, n in statuses.items() if int(s) != r["expected"]}
        errors = {k: v for k, v in r["socket_errors"].items() if v}
        if wrong or errors:
            ok = False
            print(f"  ! {name}: unexpected statuses {wrong}, socket errors {errors}")
    post = results["mentee form POST"]
    # Every redirect, warm-up included, is an application saved. wrk stops with up to one
    # request per connection in flight, which the server still saves but wrk never sees
    # answered; bench_submissions.py checks each submission exactly.
    redirected = post["statuses"].get("302", 0) + post["warm_up_statuses"].get("302", 0)
    in_flight = saved - redirected
    print(f"POSTs redirected to the thanks page: {redirected:,}; applications saved: "
          f"{saved:,} ({in_flight} in flight when wrk stopped); 5xx in the access log: "
          f"{server_errors}")
    if server_errors or not 0 <= in_flight <= 2 * args.connections:
        ok = False
    print(f"targets: each GET page >= {TARGET_GET_RATIO} of the bare view's throughput and "
          f"<= {TARGET_GET_CPU_MS:g} ms CPU; the form POST >= {TARGET_POST_RATIO} of the bare "
          f"write's (its ratio column) in <= {TARGET_POST_QUERIES} queries; p99 < "
          f"{TARGET_P99_MS:g} ms")
    print("CPU ms: gunicorn's CPU time per request (PostgreSQL's and wrk's not counted); "
          "CPU ratio: the bare view's CPU per request over the page's; queries: one "
          "request's, counted in this process")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
