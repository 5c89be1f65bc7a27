"""The benchmark scripts in bench/ at least start: each answers --help (they are run by
hand, not by the suite; see bench/README.md)."""

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"


@pytest.mark.parametrize("script", ["bench_web.py", "bench_submissions.py",
                                    "bench_redis_outage.py", "bench_pg_restart.py"])
def test_it_explains_itself(script):
    result = subprocess.run([sys.executable, str(BENCH / script), "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout


def test_the_compose_script_is_valid_shell():
    subprocess.run(["/bin/bash", "-n", str(BENCH / "compose_by_hand.sh")], check=True, timeout=10)
