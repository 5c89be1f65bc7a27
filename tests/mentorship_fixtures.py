"""Grace mentors Ada: the people most mentorship tests start from, and the helpers that
read their pages. Test modules take them with
``from .mentorship_fixtures import *  # noqa: F403``."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from matching.models import MentorshipSource
from matching.services import mentorships as services

from .factories import MenteeFactory, MentorFactory

__all__ = ["today", "grace", "ada", "mentorship", "mentor_client", "mentee_client",
           "log_data", "text", "day", "signed_in", "sheet_row"]


def today():
    return timezone.localdate()


@pytest.fixture
def grace(program):
    return MentorFactory(program=program, capacity=3, user__name="Grace Hopper",
                         user__email="grace@example.org")


@pytest.fixture
def ada(program):
    return MenteeFactory(program=program, user__name="Ada Lovelace",
                         user__email="ada@example.org")


@pytest.fixture
def mentorship(grace, ada):
    """Active for a month, created the way an organizer's match creates it."""
    return services.mentorship_create(
        mentor=grace, mentee=ada, source=MentorshipSource.ORGANIZER,
        start_date=today() - timedelta(days=30),
    )


@pytest.fixture
def mentor_client(client, grace):
    client.force_login(grace.user)
    return client


@pytest.fixture
def mentee_client(client, ada):
    client.force_login(ada.user)
    return client


def log_data(m, **overrides):
    prefix = f"log-{m.pk}-"
    data = {"date": today().isoformat(), "minutes": "30", "on_track": "yes", "note": ""}
    data.update(overrides)
    return {"back": overrides.pop("back", "dashboard"),
            **{prefix + key: value for key, value in data.items() if key != "back"}}


def text(response) -> str:
    """The page as a person reads it: HTML entities decoded."""
    return unescape(response.content.decode())


def day(value):
    return f"{value.day} {value:%b %Y}"


def signed_in(user) -> Client:
    """A browser of its own, signed in as `user` (for tests that need two at once)."""
    browser = Client()
    browser.force_login(user)
    return browser


def sheet_row(html: str, m) -> str:
    """The mentor's dashboard row of mentorship `m`."""
    match = re.search(rf'<tr id="mentorship-{m.pk}".*?</tr>', html, re.S)
    assert match, f"no row for mentorship {m.pk}"
    return match.group(0)
