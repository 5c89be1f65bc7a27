"""PostgreSQL restarted under load: the app recovers without a restart of its own.

    .venv/bin/python bench/bench_pg_restart.py                          # smoke run
    .venv/bin/python bench/bench_pg_restart.py --clients 32 --down 10   # recorded run

Starts a private PostgreSQL 15 (initdb into a temporary folder, as the ``postgres`` OS
user, port 5440) and a private Redis (port 6391) for the cache, seeds the demo program and
serves it with gunicorn as docker/entrypoint.sh does (production settings, persistent
connections: DB_CONN_MAX_AGE's default of 60 s). ``--clients`` threads request pages that
read the database (``/healthz``, the mentee form, the demo mentor's dashboard: its
session is in the database too) as fast as they can. After ``--before`` seconds
PostgreSQL stops (``pg_ctl stop -m fast``, which drops every connection), stays down for
``--down`` seconds and starts again; the load goes on for ``--after`` seconds.

Prints the responses before, during and after the outage, and the time from PostgreSQL
accepting connections again to the first success. Exits 1 unless: nothing failed before
the outage, a request succeeded within ``--recover-within`` seconds of PostgreSQL being
back, nothing failed after that, and gunicorn's master and workers are the same processes
as before (the app was not restarted, not even a worker).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402
from bench_web import session_cookie  # noqa: E402

PG_PORT = 5440
REDIS_PORT = 6391
PAGES = ["/healthz", "/apply/mentee/", "/dashboard/"]


class Client(threading.Thread):
    """Requests the pages in turn until `stop` is set; records (time, status)."""

    def __init__(self, number: int, url: str, cookie: str, stop: threading.Event):
        super().__init__(daemon=True)
        self.number, self.url, self.cookie, self.stop = number, url, cookie, stop
        self.outcomes: list[tuple[float, int]] = []

    def run(self) -> None:
        i = self.number
        while not self.stop.is_set():
            page = PAGES[i % len(PAGES)]
            i += 1
            status = harness.get(self.url + page, headers={"Cookie": self.cookie}, timeout=30)
            self.outcomes.append((time.monotonic(), status))
            if status != 200:
                time.sleep(0.05)  # a browser's user would not retry faster


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="the recorded run: 32")
    parser.add_argument("--before", type=float, default=5, help="seconds of load first")
    parser.add_argument("--down", type=float, default=5, help="seconds PostgreSQL is down")
    parser.add_argument("--after", type=float, default=10, help="seconds of load after")
    parser.add_argument("--recover-within", type=float, default=10)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    postgres = harness.PrivatePostgres(PG_PORT, workdir)
    redis = harness.PrivateRedis(REDIS_PORT, workdir, persist=False)
    web = None
    stop = threading.Event()
    clients: list[Client] = []
    try:
        postgres.init()
        postgres.start()
        redis.start()
        db_url = postgres.url("mm_bench")
        harness.ensure_database(db_url)
        env = harness.production_env(database_url=db_url, redis_url=redis.url)
        harness.manage(env, "collectstatic", "--noinput")
        harness.manage(env, "migrate", "--noinput")
        harness.manage(env, "seed_demo", "--force")
        harness.use_env(env)
        from django.db import connections

        from matching.demo_data import DEMO_MENTOR, email_for

        cookie = session_cookie(email_for(DEMO_MENTOR))
        connections.close_all()  # this process holds no connection across the restart

        web = harness.Gunicorn(env, workers=args.workers, workdir=workdir)
        web.wait_healthy()
        master, workers = web.process.pid, web.worker_pids()
        clients = [Client(i, web.url, cookie, stop) for i in range(args.clients)]
        for client in clients:
            client.start()
        time.sleep(args.before)
        down_at = time.monotonic()
        postgres.stop("fast")
        time.sleep(args.down)
        postgres.start()  # -w: returns once it accepts connections
        up_at = time.monotonic()
        time.sleep(args.after)
        stop.set()
        for client in clients:
            client.join(timeout=60)
        same_processes = web.process.poll() is None and web.worker_pids() == workers
    finally:
        stop.set()
        if web:
            web.stop()
        redis.stop()
        postgres.stop("immediate")
        shutil.rmtree(postgres.data, ignore_errors=True)  # the logs stay

    outcomes = sorted(o for client in clients for o in client.outcomes)
    before = Counter(s for t, s in outcomes if t < down_at)
    during = Counter(s for t, s in outcomes if down_at <= t < up_at)
    after = [(t, s) for t, s in outcomes if t >= up_at]
    first_ok = next((t for t, s in after if s == 200), None)
    after_first_ok = Counter(s for t, s in after if first_ok is not None and t > first_ok)
    print(f"{args.clients} clients, gunicorn {args.workers} workers, PostgreSQL down for "
          f"{args.down:g} s (pg_ctl stop -m fast, then start); load average "
          f"{harness.load_average()}")
    print(f"before the outage:  {dict(before)}")
    print(f"during the outage:  {dict(during)}  (0 = no answer)")
    ok = set(before) == {200} and same_processes
    if first_ok is None:
        print("after: no request succeeded")
        ok = False
    else:
        recovery = first_ok - up_at
        print(f"after:              first success {recovery:.2f} s after PostgreSQL "
              f"accepted connections again; then {dict(after_first_ok)}")
        ok = ok and recovery <= args.recover_within and set(after_first_ok) <= {200}
    print(f"gunicorn master and workers unchanged: {same_processes} "
          f"(master {master}, workers {sorted(workers)})")
    print("the app recovered on its own" if ok else f"FAIL (logs in {workdir})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
