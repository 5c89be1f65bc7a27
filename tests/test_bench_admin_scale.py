"""bench/bench_admin_scale.py builds its program and measures every page on a tiny data
set (SQLite, a few dozen applications): it runs end to end, answers no page with a
server error, and prints its table. Its figures are for PostgreSQL at 10x, by hand."""

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "bench_admin_scale.py"


def test_it_explains_itself():
    result = subprocess.run([sys.executable, str(BENCH), "--help"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout and "--database-url" in result.stdout


def test_it_builds_and_measures_a_tiny_program(tmp_path):
    result = subprocess.run(
        [sys.executable, str(BENCH), "--database-url", f"sqlite:///{tmp_path / 'db.sqlite3'}",
         "--scale", "0.03", "--base-scale", "0.02", "--repeat", "1"],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    out = result.stdout
    assert (tmp_path / "db_1x.sqlite3").exists()
    assert "0.03x: db.sqlite3 built in" in out and "0.02x: db_1x.sqlite3 built in" in out
    rows = [line for line in out.splitlines() if line.endswith(("PASS", "GROWS"))]
    pages = {line.split("  ")[0] for line in rows}
    for page in ("matching.Program: changelist", "payments.StipendRequest: search",
                 "run page: first page", "participants: mentor dashboard",
                 "impact: all.csv", "exports: menteeapplication CSV"):
        assert any(p.startswith(page) for p in pages), page
    assert all(" 200 " in line for line in rows), [r for r in rows if " 200 " not in r]
    assert "requests at 0.03x" in out
