"""The benchmark scripts in bench/ at least start: each answers --help (they are run by
hand, not by the suite; see bench/README.md)."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.parametrize("script", ["bench_web.py", "bench_submissions.py", "bench_paperwork.py",
                                    "bench_redis_outage.py", "bench_pg_restart.py",
                                    "bench_dispatch.py", "smtp_sink.py", "bench_cohort.py",
                                    "bench_import.py", "bench_impact.py"])
def test_it_explains_itself(script):
    result = subprocess.run([sys.executable, str(BENCH / script), "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


def test_the_compose_script_is_valid_shell():
    subprocess.run(["/bin/bash", "-n", str(BENCH / "compose_by_hand.sh")], check=True, timeout=10)


def test_the_write_yardstick_exists_only_under_the_bench_settings(client, settings, db):
    from django.db import connection
    from django.urls import Resolver404, resolve

    from bench.bench_urls import CREATE_TABLE, TABLE

    for yardstick in ("/bare", "/bare-write"):
        with pytest.raises(Resolver404):
            resolve(yardstick)  # the app's own URLs: a deployment never serves them
    settings.ROOT_URLCONF = "bench.bench_urls"
    assert client.get("/bare").content == b"ok"
    with connection.cursor() as cursor:
        cursor.execute(CREATE_TABLE)
    assert client.get("/bare-write").status_code == 405
    response = client.post("/bare-write", {"email": "a@example.org"})
    assert response.status_code == 302
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT email FROM {TABLE}")  # noqa: S608 - a constant
        assert cursor.fetchall() == [("a@example.org",)]


def test_the_dispatch_bench_refuses_a_database_that_is_not_its_own(db):
    """It empties the message log of the database it runs in: only its own."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    settings = connection.settings_dict
    url = (f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
           f"{settings['PORT'] or 5432}/{settings['NAME']}")
    result = subprocess.run([sys.executable, str(BENCH / "bench_dispatch.py"), "--messages",
                             "1", "--database-url", url], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode != 0
    assert "is not this bench's" in result.stderr
