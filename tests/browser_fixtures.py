"""Fixtures for the browser tests: real headless Chromium (Playwright) against pytest-django's
live server.

Registered from tests/conftest.py with `pytest_plugins = ["tests.browser_fixtures"]`.

- `browser`: one Chromium for the whole session. Skipped when Chromium is missing, except on
  CI (env CI=true, which .ci/run sets) and in `make e2e` (env REQUIRE_BROWSER=1), where a
  missing browser is a failure rather than a silent skip.
- `page`: a fresh context and page per test (1280x900, time zone Europe/Berlin, en-GB), with
  `base_url` set to the live server, so `page.goto("/")` works.
- `new_page(**context_args)`: more pages with other context options (a phone viewport).
- `signed_in(new_page, live_server, user, **context_args)` (a function, not a fixture): a
  page of its own for `user`, already signed in.
- On a failed test every page the test opened is saved to test-artifacts/: a screenshot, its
  HTML and whatever the browser logged (JavaScript errors, failed requests).

Tests using these need `@pytest.mark.django_db(transaction=True)`: the live server answers
from another thread, so it only sees committed data. A transactional test flushes the
database afterwards, migration data included; the `program` and `areas` fixtures
(tests/conftest.py) recreate the seeded rows a test needs.
"""

import os
import re
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio event loop in this thread, which makes Django refuse
# ORM calls from the test ("You cannot call this from an async context"). The test code is
# plain synchronous code, so this is safe here. Must be set before any test runs.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DEFAULT_TIMEOUT_MS = 10_000
DEFAULT_CONTEXT_ARGS = {
    "viewport": {"width": 1280, "height": 900},
    "timezone_id": "Europe/Berlin",
    "locale": "en-GB",
}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item (item.rep_setup, rep_call, rep_teardown), so a
    fixture's teardown can tell whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def _playwright(django_db_setup):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extra installs it
        _no_browser("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(request):
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _no_browser(f"no Chromium at {CHROMIUM} (apt install chromium, or set CHROMIUM_PATH)")
    playwright = request.getfixturevalue("_playwright")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(request, browser, live_server):
    """Open a page in a new browser context; keyword arguments override the context options
    (for example viewport=..., is_mobile=True). Everything is closed after the test, and
    saved to test-artifacts/ first if the test failed."""
    opened = []

    def _new_page(**context_args):
        context = browser.new_context(
            base_url=live_server.url, **{**DEFAULT_CONTEXT_ARGS, **context_args}
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        page = context.new_page()
        _record_browser_log(page)
        opened.append((context, page))
        return page

    yield _new_page

    failed = any(
        getattr(request.node, f"rep_{when}", None) is not None
        and getattr(request.node, f"rep_{when}").failed
        for when in ("setup", "call")
    )
    for number, (context, page) in enumerate(opened):
        if failed:
            _save_artifacts(request.node, page, number)
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def signed_in(new_page, live_server, user, **context_args):
    """A browser of its own for `user`, signed in through a session cookie (the
    emailed-code sign-in has browser tests of its own); `context_args` as for `new_page`."""
    page = new_page(**context_args)
    sign_in(page, live_server, user)
    return page


def sign_in(page, live_server, user) -> None:
    """Sign `page`'s browser in as `user`: the session cookie of a test client's login."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])


def _record_browser_log(page) -> None:
    """Collect what the browser complains about in page.browser_log (tests may assert it is
    empty): JavaScript errors, console errors (404s of static files show up there) and
    requests that failed outright."""
    log = page.browser_log = []

    def on_console(message):
        if message.type == "error":
            log.append(f"console: {message.text} ({message.location.get('url', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: log.append(f"pageerror: {error}"))
    page.on("requestfailed", lambda req: log.append(f"requestfailed: {req.method} {req.url}"))


def _no_browser(reason: str):
    if os.environ.get("CI", "").lower() == "true" or os.environ.get("REQUIRE_BROWSER") == "1":
        pytest.fail(f"Browser tests cannot run here: {reason}", pytrace=False)
    pytest.skip(f"Browser tests skipped: {reason}")


def _save_artifacts(item, page, number: int) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.nodeid).strip("_")
    if number:
        stem = f"{stem}-{number}"
    try:
        page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True, timeout=5_000)
        (ARTIFACTS / f"{stem}.html").write_text(
            f"<!-- {page.url} -->\n{page.content()}", encoding="utf-8"
        )
        if page.browser_log:
            (ARTIFACTS / f"{stem}.log").write_text(
                "\n".join(page.browser_log) + "\n", encoding="utf-8"
            )
    except Exception as exc:  # the page may be gone; never hide the test's own failure
        print(f"Could not save browser artifacts for {item.nodeid}: {exc}")
    else:
        print(f"Browser artifacts saved to {ARTIFACTS / stem}.*")
