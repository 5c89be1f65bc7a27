"""The models and the migrations agree: a model change without its migration fails here,
not on the first deploy."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_no_model_change_is_missing_its_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # --check exits 1 when a migration is missing
        pytest.fail(f"makemigrations would write migrations:\n{out.getvalue()}"
                    f" (exit {exc.code})")
    assert "No changes detected" in out.getvalue()


def _production_env() -> dict:
    """The environment of a machine without production secrets: DEBUG off, no
    FIELD_ENCRYPTION_KEYS, not under pytest."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("DEBUG", "FIELD_ENCRYPTION_KEYS", "MM_TESTING")}
    env.update(DJANGO_SETTINGS_MODULE="mm_program.settings", DEBUG="0")
    return env


def _manage(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT,
                          env=_production_env(), capture_output=True, text=True,
                          timeout=120)


def test_models_and_migrations_are_compared_without_production_secrets():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout
    assert "mm_program.E001" not in result.stdout + result.stderr


def test_running_the_app_without_an_encryption_key_is_still_refused():
    result = _manage("migrate", "--check")
    assert result.returncode != 0
    assert "mm_program.E001" in result.stdout + result.stderr
