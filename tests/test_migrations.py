"""The models and the migrations agree: a model change without its migration fails here,
not on the first deploy."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_is_missing_its_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # --check exits 1 when a migration is missing
        pytest.fail(f"makemigrations would write migrations:\n{out.getvalue()}"
                    f" (exit {exc.code})")
    assert "No changes detected" in out.getvalue()
