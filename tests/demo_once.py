"""The demo program (`seed_demo`), built once per test module instead of once per test.

`seed_demo` takes one to two seconds; the modules that test the demo, or erase people
from it, used to run it for each of their tests. `demo_once()` makes a module-scoped
fixture that runs it once inside a transaction of its own, left open for the module and
rolled back at its end. Each test then runs inside it as usual (pytest-django's `db`
wraps the test in savepoints), so whatever a test changes is rolled back and the next
test sees the freshly seeded demo again, exactly as if it had seeded it itself.

Only for modules whose tests all use plain `db` (never `transaction=True`: a flush
inside the open transaction would not be a test of anything).
"""

import contextlib
import io
from importlib import import_module

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings

from mm_program.celery import app as celery_app

# The fixture name, and whether its transaction is open now: tests/conftest.py fails any
# test that would run inside it without asking for it (and so see the demo unasked).
FIXTURE = "_demo_seeded_once"
open_transactions: list[str] = []

# What every test runs with (tests/conftest.py, _eager_celery_and_clean_cache): the demo is
# seeded under the same settings, as it was when each test seeded it.
TEST_CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TEST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEST_STATICFILES = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}


@contextlib.contextmanager
def suite_settings():
    from django.conf import settings

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with override_settings(
            CACHES=TEST_CACHES, PASSWORD_HASHERS=TEST_PASSWORD_HASHERS,
            STORAGES={**settings.STORAGES, "staticfiles": TEST_STATICFILES},
        ):
            yield
    finally:
        celery_app.conf.task_always_eager = previous


def restore_migration_data() -> None:
    """What the data migrations seed (research areas, the first program, the decision
    emails, the default survey templates), made again where a transactional test that
    ran before in this process flushed it: the demo's people pick from those areas."""
    import_module("matching.migrations.0002_seed_areas_program_emails").seed(apps, None)
    from surveys.models import Question, SurveyTemplate
    from surveys.seed import create_default_templates

    create_default_templates(SurveyTemplate, Question)


def demo_once(*, deliver_at_once: bool = False):
    """A module-scoped fixture: the demo, seeded once for the module's tests.

    `deliver_at_once`: seed with on-commit deliveries run at once, for modules whose tests
    use the `deliver_at_once` fixture (tests/test_payments_fixtures.py), which was in
    force while each test seeded the demo itself."""

    @pytest.fixture(scope="module")
    def _demo_seeded_once(request, django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            # Like the transactions Django's TestCase opens around each test (durable
            # atomic blocks inside it behave as they do in a test).
            atomic._from_testcase = True
            atomic.__enter__()
            try:
                with suite_settings(), pytest.MonkeyPatch.context() as patch:
                    if deliver_at_once:
                        patch.setattr("mm_program.messaging.transaction.on_commit",
                                      lambda fn, *a, **k: fn())
                    restore_migration_data()
                    call_command("seed_demo", force=True, stdout=io.StringIO())
            except BaseException:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
                raise
        open_transactions.append(request.node.nodeid)
        yield
        open_transactions.remove(request.node.nodeid)
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    return _demo_seeded_once
