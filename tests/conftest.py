import os
from importlib import import_module

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models.signals import post_save
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from matching.models import Program, ResearchArea
from matching.program_demo import seed_redirect_targets
from mm_program.celery import app as celery_app
from mm_program.roles import ORGANIZERS, ensure_roles
from surveys.models import Question, SurveyTemplate
from surveys.seed import create_default_templates

from . import demo_once
from .demo_once import TEST_CACHES, TEST_PASSWORD_HASHERS, TEST_STATICFILES
from .factories import UserFactory

SEEDED_AREAS = import_module("matching.migrations.0002_seed_areas_program_emails").AREAS

pytest_plugins = ["tests.browser_fixtures", "tests.mentorship_fixtures",
                  "tests.matching_fixtures", "tests.payments_fixtures",
                  "tests.cohort_offer_fixtures", "tests.cohort_phase_fixtures"]

# The fuzz tests (tests/test_fuzz_*.py). In CI the same examples every run (derandomize),
# so a red build is the code's doing and can be re-run; HYPOTHESIS_PROFILE=thorough runs
# many more, new ones each time, and keeps failures in .hypothesis/ to replay them first.
# The fixtures are shared by the examples on purpose: each example rolls its rows back
# (tests/fuzz_strategies.py, isolated()).
hypothesis_settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large, HealthCheck.large_base_example],
)
hypothesis_settings.register_profile(
    "thorough", parent=hypothesis_settings.get_profile("ci"), derandomize=False,
    database=hypothesis_settings.default.database,
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _eager_celery_and_clean_cache(settings, request):
    """Tasks run in-process in tests (the real-worker tests switch this off), and every
    test starts with empty rate-limit counters."""
    if demo_once.open_transactions and demo_once.FIXTURE not in request.fixturenames:
        pytest.fail(f"{request.node.nodeid} runs inside the demo seeded once for "
                    f"{demo_once.open_transactions} without asking for it: keep such tests "
                    "before the ones that use it (tests/demo_once.py)", pytrace=False)
    # A per-test cache: clearing the shared Redis one would also wipe the Celery broker's
    # queues when REDIS_URL is set (CI).
    # (tests/demo_once.py seeds the shared demo with the same settings.)
    settings.CACHES = TEST_CACHES
    settings.STORAGES = {**settings.STORAGES, "staticfiles": TEST_STATICFILES}
    # Fast hashing: the suite creates many users; production keeps Django's default.
    settings.PASSWORD_HASHERS = TEST_PASSWORD_HASHERS
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    cache.clear()
    yield
    celery_app.conf.task_always_eager = previous
    cache.clear()


@pytest.fixture
def deliver_at_once(monkeypatch):
    """The test's transaction never commits: emails queued "after the commit" are handed
    to the (in-process) worker at once, as a real commit would."""
    monkeypatch.setattr("mm_program.messaging.transaction.on_commit",
                        lambda fn, *a, **k: fn())


@pytest.fixture
def program(db):
    """The program every installation starts with (seeded by a migration).

    Transactional tests (browser, real worker) flush the database, migration data
    included, so the seeded rows (the program, the default survey templates) are
    recreated when they are missing."""
    create_default_templates(SurveyTemplate, Question)
    return Program.objects.get_or_create(
        slug="mentors-and-mentees", defaults={"name": "AI Safety Mentors and Mentees"}
    )[0]


@pytest.fixture
def redirect_targets(program):
    """The program's redirect list, as the demo has it, by the name triage shows:
    "AGISF", "MATS", "AI Safety Camp" and "another program" (no page)."""
    return seed_redirect_targets(program)


@pytest.fixture
def areas(db):
    for position, (name, slug) in enumerate(SEEDED_AREAS[:3]):
        ResearchArea.objects.get_or_create(slug=slug, defaults={"name": name,
                                                                "position": position})
    return list(ResearchArea.objects.order_by("position")[:3])


@pytest.fixture
def organizer(db):
    """An organizer of every program: the ones there are and the ones the test makes
    (organizers are scoped to their programs, matching/scoping.py; tests of the scope
    make organizers of their own)."""
    ensure_roles()
    user = UserFactory(email="olivia@example.org", name="Olivia Organizer", is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANIZERS))
    for program in Program.objects.all():
        program.organizers.add(user)

    def organize_new(sender, instance, created, **kwargs):
        if created:
            instance.organizers.add(user)

    post_save.connect(organize_new, sender=Program, weak=False,
                      dispatch_uid="tests.organizer")
    yield user
    post_save.disconnect(sender=Program, dispatch_uid="tests.organizer")


@pytest.fixture
def organizer_client(client, organizer):
    client.force_login(organizer)
    return client


@pytest.fixture
def post_committed(client, django_capture_on_commit_callbacks):
    """``client.post(url, data)``, then what the view queued for after the commit (the
    emails), as a real request's commit would."""
    def post(url, data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, **extra)
    return post


@pytest.fixture
def mentee_data(areas):
    """A complete, valid mentee interest form as a browser would post it."""
    return {
        "name": "Ada Lovelace",
        "email": "Ada@Example.org",
        "timezone": "Europe/London",
        "occupation": "masters",
        "field_of_study": "Mathematics",
        "research_areas": [str(areas[0].pk), str(areas[1].pk)],
        "research_interests": "",
        "goals": "Write a distillation of a mech interp paper.",
        "key_uncertainties": "",
        "hours_per_week": "8",
        "fulltime_intent": "yes",
        "courses_done": ["agisf_alignment"],
        "funding_reason": "",
        "cv_url": "",
        "github_url": "https://github.com/ada",
        "writing_url": "",
        "heard_about": "A friend",
        "website": "",
    }


@pytest.fixture
def mentor_data(areas):
    return {
        "name": "Grace Hopper",
        "email": "grace@example.org",
        "timezone": "America/New_York",
        "position": "industry",
        "organization": "Navy Labs",
        "research_areas": [str(areas[0].pk)],
        "expertise": "",
        "capacity": "2",
        "minutes_per_week": "60",
        "involvement": "hands_on",
        "creative_control": "shared",
        "style_notes": "",
        "profile_url": "",
        "heard_about": "",
        "website": "",
    }


# The slow layer: browsers, generated input, real workers and brokers, subprocesses,
# concurrency and data at scale. `make test-fast` leaves it out (the inner loop); `make
# test` and CI run everything.
SLOW_MODULES = ("test_browser_", "test_fuzz_", "test_bench_", "test_migrations",
                "test_html_validity", "test_accessibility_coverage")
SLOW_SUFFIXES = ("_worker", "_concurrency", "_scale")


def pytest_collection_modifyitems(config, items):
    for item in items:
        name = item.path.stem
        if name.startswith(SLOW_MODULES) or name.endswith(SLOW_SUFFIXES):
            item.add_marker(pytest.mark.slow)
