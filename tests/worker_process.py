"""A `celery worker` process (prefork, as deployed) on the test database and the real
broker, for tests that kill it, stop it, or watch it hang."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def worker_env(**extra: str) -> dict[str, str]:
    db = settings.DATABASES["default"]
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DEBUG": "0",
        "SECRET_KEY": "worker-test-" + "x" * 48,
        "PYTHONPATH": str(ROOT),
        **extra,
    }


class WorkerProcess:
    def __init__(self, queue: str, name: str, *, concurrency: int = 2, log: Path | None = None,
                 **env: str):
        self.name = f"{name}@test"
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - the child's
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "mm_program", "worker", "--pool=prefork",
             f"--concurrency={concurrency}", "-Q", queue, "-n", self.name,
             "--without-gossip", "--without-mingle", "--without-heartbeat",
             "--loglevel=WARNING"],
            cwd=ROOT, env=worker_env(**env), stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)

    def kill(self) -> None:
        """SIGKILL to the whole group, pool included: a crashed machine."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def warm_shutdown(self, timeout: float) -> bool:
        """SIGTERM, as `docker compose stop` sends: True if it ended within `timeout`."""
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def stop(self) -> None:
        if self.process.poll() is None and not self.warm_shutdown(20):
            self.kill()
