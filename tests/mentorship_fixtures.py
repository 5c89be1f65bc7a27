"""Grace mentors Ada: the people most mentorship tests start from (a pytest plugin, listed
in conftest.py, so every test module can ask for them by name)."""

from datetime import timedelta

import pytest

from matching.models import MentorshipSource
from matching.services import mentorships as services

from .factories import MenteeFactory, MentorFactory
from .helpers import today


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
