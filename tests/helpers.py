"""Plain helpers of the tests (no fixtures): dates, reading pages, extra browsers."""

import re
from datetime import timedelta
from html import unescape

from django.test import Client
from django.utils import timezone


def today():
    return timezone.localdate()


def days_ago(n: int):
    return today() - timedelta(days=n)


def text(response) -> str:
    """The page as a person reads it: HTML entities decoded."""
    return unescape(response.content.decode())


def day(value) -> str:
    """A date as the pages write it: 3 Nov 2026."""
    return f"{value.day} {value:%b %Y}"


def signed_in(user) -> Client:
    """A browser of its own, signed in as `user` (for tests that need two at once)."""
    browser = Client()
    browser.force_login(user)
    return browser


def log_data(m, **overrides) -> dict:
    """The one-line meeting form of mentorship `m`, as posted."""
    prefix = f"log-{m.pk}-"
    data = {"date": today().isoformat(), "minutes": "30", "on_track": "yes", "note": ""}
    data.update(overrides)
    return {"back": overrides.pop("back", "dashboard"),
            **{prefix + key: value for key, value in data.items() if key != "back"}}


def sheet_row(html: str, m) -> str:
    """The mentor's dashboard row of mentorship `m`."""
    match = re.search(rf'<tr id="mentorship-{m.pk}".*?</tr>', html, re.S)
    assert match, f"no row for mentorship {m.pk}"
    return match.group(0)
