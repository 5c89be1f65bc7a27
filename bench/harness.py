"""What the load and fault benchmarks share: production-like settings, the database, a
gunicorn started as docker/entrypoint.sh starts it, wrk, and private PostgreSQL and Redis
servers for the fault runs.

Everything here binds to loopback. Every process is started in its own session so that
``stop`` can end it with all its children (gunicorn's workers, Celery's pool).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
# The proxy in front of gunicorn (README, "Production") sets these; the benchmarks send
# them as the proxy would, so that SECURE_SSL_REDIRECT and the rate limits act as deployed.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}


def production_env(*, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment docker-compose.yml gives the app, with loopback services."""
    from cryptography.fernet import Fernet

    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex * 2,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
        "CLIENT_IP_HEADER": "X-Real-IP",
        "SITE_URL": "https://127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "mm_program.settings",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("MM_TESTING", None)
    env.update(extra)
    return env


def use_env(env: dict[str, str]) -> None:
    """Make this process see the same settings as the servers, then set Django up."""
    os.environ.update(env)
    if str(ROOT) not in sys.path:  # for bench.bench_settings, as PYTHONPATH gives servers
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_database(url: str) -> None:
    """Create the database named at the end of `url` if it does not exist yet."""
    import psycopg2
    from psycopg2 import sql

    base, name = url.rsplit("/", 1)
    conn = psycopg2.connect(base + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    conn.close()


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition: Callable[[], bool], seconds: float, what: str,
               every: float = 0.2) -> float:
    """Poll until `condition` holds; return the seconds it took. Raises after `seconds`."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if condition():
            return time.monotonic() - started
        time.sleep(every)
    raise TimeoutError(f"gave up after {seconds:.0f} s waiting for {what}")


def spawn(args: list[str], *, env: dict[str, str] | None = None, log: Path | None = None,
          **kwargs) -> subprocess.Popen:
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child owns it
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True, **kwargs)


def stop(process: subprocess.Popen | None, timeout: float = 30) -> None:
    """SIGTERM the process's whole group, then SIGKILL whatever is left after `timeout`."""
    if process is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=timeout)
    # A hung leader, or children that outlived it (a pool, gunicorn's workers).
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def fetch(method: str, url: str, *, headers: dict[str, str] | None = None,
         body: bytes | None = None, timeout: float = 10):
    """One request through the proxy headers; returns the response, body read."""
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""),
                     body=body, headers={**PROXY_HEADERS, **(headers or {})})
        response = conn.getresponse()
        response.text = response.read().decode(errors="replace")
        return response
    finally:
        conn.close()


def get(url: str, headers: dict[str, str] | None = None, timeout: float = 5) -> int:
    """Status of a GET, or 0 when nothing answered."""
    try:
        return fetch("GET", url, headers=headers, timeout=timeout).status
    except OSError:
        return 0


class Gunicorn:
    """The web role of docker/entrypoint.sh, bound to a loopback port.

    The access log goes to a file, as the container's goes to its log: it costs the same,
    and the benchmarks read it to count server errors.
    """

    def __init__(self, env: dict[str, str], *, workers: int = 3, port: int | None = None,
                 workdir: Path | None = None):
        self.port = port or free_port()
        self.workdir = workdir or Path(tempfile.mkdtemp(prefix="bench-web-"))
        self.access_log = self.workdir / "access.log"
        self.log = self.workdir / "gunicorn.log"
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = spawn(
            [str(BIN / "gunicorn"), "mm_program.wsgi:application",
             "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--access-logfile", str(self.access_log), "--timeout", "60",
             "--graceful-timeout", "30", "--worker-tmp-dir", "/dev/shm"],  # noqa: S108 - as deployed
            # Its own home: gunicorn keeps a control socket in ~/.gunicorn, which other
            # gunicorns on this machine would otherwise share.
            env={**env, "HOME": str(self.workdir)}, log=self.log,
        )

    def wait_healthy(self, seconds: float = 60) -> None:
        def healthy() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}:\n"
                                   + self.log.read_text()[-3000:])
            return get(self.url + "/healthz") == 200

        wait_until(healthy, seconds, "gunicorn to answer /healthz")

    def drain(self) -> None:
        """Wait for the requests wrk left queued when it stopped (a slow page leaves up to
        one per connection), so that they don't count against the next measurement."""
        for _ in range(2):  # one request per worker could still be ahead of the first
            get(self.url + "/healthz", timeout=120)

    def worker_pids(self) -> set[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()}

    def cpu_seconds(self) -> float:
        """CPU time used so far by the master and its workers: unlike wall time, what a
        page costs the server whatever else the machine is doing."""
        total = 0
        for pid in (self.process.pid, *self.worker_pids()):
            # utime and stime, fields 14 and 15, after the parenthesised command name.
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def server_errors(self) -> int:
        """5xx responses in the access log (gunicorn's default format: status is the
        9th field, after the quoted request line)."""
        if not self.access_log.exists():
            return 0
        count = 0
        for line in self.access_log.read_text(errors="replace").splitlines():
            parts = line.split('"')
            if len(parts) > 2 and parts[2].split()[:1] and parts[2].split()[0].startswith("5"):
                count += 1
        return count

    def stop(self) -> None:
        stop(self.process)


def wrk(url: str, *, connections: int, seconds: float, threads: int = 2,
        headers: dict[str, str] | None = None, body_template: Path | None = None) -> dict:
    """Run wrk with bench/wrk_report.lua and return its JSON report: requests, seconds,
    rps, latency percentiles in ms, responses by status, socket errors.

    With `body_template`, every request is a POST of that file with ``{n}`` replaced by a
    number unique in the run, from a client address of its own (X-Real-IP).
    """
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
            "--timeout", "10s", "-s", str(WRK_SCRIPT)]
    for name, value in {**PROXY_HEADERS, **(headers or {})}.items():
        args += ["-H", f"{name}: {value}"]
    args += [url, "--"]
    if body_template:
        args.append(str(body_template))
    out = subprocess.run(args, capture_output=True, text=True, check=True,
                         timeout=seconds + 60).stdout
    report = json.loads(next(line for line in out.splitlines() if line.startswith("{")))
    report["rps"] = report["requests"] / report["seconds"]
    return report


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def redis_cli(url: str, *args: str) -> str:
    import redis

    client = redis.Redis.from_url(url)
    try:
        return client.execute_command(*args)
    finally:
        client.close()


def reset_rate_limits(url: str) -> None:
    """Forget the per-client submission counters in the bench's Redis db: they last an
    hour, and earlier runs sent from the same client addresses."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match="*rl:*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


class PrivateRedis:
    """A redis-server of our own on `port`, kept in `workdir`. `persist` gives it the
    append-only file docker-compose.yml gives the production one."""

    def __init__(self, port: int, workdir: Path, *, persist: bool = True):
        self.port = port
        self.workdir = workdir
        self.persist = persist
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = spawn(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--dir", str(self.workdir), "--save", "",
             "--appendonly", "yes" if self.persist else "no"],
            log=self.workdir / "redis.log",
        )
        wait_until(self._answers, 20, f"redis on port {self.port}")

    def _answers(self) -> bool:
        try:
            return redis_cli(self.url, "PING") is True
        except Exception:  # noqa: BLE001 - not up yet
            return False

    def stop(self) -> None:
        """As `docker compose stop` does: SIGTERM, which flushes the append-only file."""
        stop(self.process)
        self.process = None


class PrivatePostgres:
    """A PostgreSQL 15 cluster of our own, initdb'd into a temporary folder and run as
    the `postgres` OS user, trusting loopback connections."""

    def __init__(self, port: int, workdir: Path):
        self.port = port
        self.data = workdir / "pgdata"
        self.log = workdir / "postgres.log"
        self.workdir = workdir

    def _as_postgres(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["runuser", "-u", "postgres", "--", *args], check=check,
                              capture_output=True, text=True, timeout=120)

    def init(self) -> None:
        shutil.chown(self.workdir, "postgres")
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                          "--auth=trust", "--no-sync", "-E", "UTF8")

    def start(self) -> None:
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w",
            "-o", f"-p {self.port} -k {self.workdir} -c listen_addresses=127.0.0.1 "
                  "-c max_connections=100", "start")

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w",
                          "stop", check=False)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"
