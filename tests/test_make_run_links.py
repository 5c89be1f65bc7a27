"""`make run` serves on PORT, and the emails it sends link there too (they linked to :8000
whatever the port)."""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def site_url_seen_by_make_run(**env) -> set[str]:
    """What each command of `make run` would see as SITE_URL (printenv stands in for the
    project's Python, so nothing is migrated, seeded or served)."""
    result = subprocess.run(
        [shutil.which("make"), "-s", "-i", "run", "PORT=8811", "PY=printenv SITE_URL"],
        cwd=ROOT,
        capture_output=True, text=True, timeout=60,
        env={**{k: v for k, v in os.environ.items() if k != "SITE_URL"}, **env})
    return {line for line in result.stdout.splitlines() if not line.startswith("Serving")}


def test_the_emails_of_make_run_link_to_the_port_it_serves():
    assert site_url_seen_by_make_run() == {"http://127.0.0.1:8811"}


def test_a_site_url_given_wins():
    assert site_url_seen_by_make_run(SITE_URL="https://mentors.example.org") == {
        "https://mentors.example.org"}
