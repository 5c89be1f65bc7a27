"""Error reports (Django's debug page and text report) never show a password written in
a URL: Redis's in REDIS_URL, the broker URL and the cache's LOCATION are masked as
SECRET_KEY is, and the rest of each URL (which host, which database) stays readable."""

import sys

import pytest
from django.test import RequestFactory, override_settings
from django.views.debug import ExceptionReporter, get_default_exception_reporter_filter

from mm_program.error_reports import mask_url_passwords

PASSWORD = "s3cret-pw"
URL = f"redis://:{PASSWORD}@redis:6379/0"


@pytest.fixture
def credentials_in_settings():
    # Undone before the suite's own fixtures empty the cache (no Redis to reach here).
    with override_settings(
        REDIS_URL=URL, CELERY_BROKER_URL=URL,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                            "LOCATION": URL, "KEY_PREFIX": "mm"}},
        EMAIL_URL=f"smtp://mailer:{PASSWORD}@smtp.example.org:587",
        MIRRORS=[f"https://{PASSWORD}@mirror.example.org/x", ("plain", URL)],
    ):
        yield


def report(request=None):
    try:
        # A local variable holding the URL, as a Redis client's frames do.
        connection_url = URL  # noqa: F841
        raise ConnectionError("Redis is down")
    except ConnectionError:
        reporter = ExceptionReporter(request, *sys.exc_info())
    return reporter.get_traceback_text(), reporter.get_traceback_html()


def test_no_report_shows_the_password_and_each_shows_the_host(credentials_in_settings,
                                                             settings):
    settings.DEBUG = False
    request = RequestFactory().get("/dashboard/", REDIS_URL=URL)
    for text in report(request):
        assert PASSWORD not in text
        assert "redis:6379/0" in text
        assert "smtp.example.org:587" in text and "mirror.example.org" in text
        assert "Redis is down" in text


def test_the_debug_page_too(credentials_in_settings, settings):
    settings.DEBUG = True
    for text in report(RequestFactory().get("/", REDIS_URL=URL)):
        assert PASSWORD not in text


def test_it_is_the_projects_filter_and_keeps_djangos_masking_by_name(settings):
    settings.DATABASE_PASSWORD_HINT = "not-a-url"
    safe = get_default_exception_reporter_filter().get_safe_settings()
    assert safe["SECRET_KEY"] == "********************"
    assert safe["DATABASE_PASSWORD_HINT"] == "********************"


@pytest.mark.parametrize(("text", "masked"), [
    ("redis://:pw@redis:6379/0", "redis://:*@redis:6379/0"),
    ("postgres://postgres:p@ss@db:5432/mm", "postgres://postgres:*@db:5432/mm"),
    ("https://token@example.org/a@b", "https://*@example.org/a@b"),
    ("broker redis://u:pw@h/1, cache rediss://:x@h2:6380", "broker redis://u:*@h/1, cache "
                                                            "rediss://:*@h2:6380"),
    ("https://example.org/?to=ada@example.org", "https://example.org/?to=ada@example.org"),
    ("Mentors <program@example.org>", "Mentors <program@example.org>"),
    ("redis://redis:6379/0", "redis://redis:6379/0"),
])
def test_only_the_userinfo_of_a_url_is_masked(text, masked):
    assert mask_url_passwords(text, "*") == masked
