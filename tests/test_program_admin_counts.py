"""The programs list counts each program's pending applications, in the same queries
however many applications there are (a join of both application tables multiplied
them: seconds at 10,000 applications)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories import MenteeApplicationFactory, MentorApplicationFactory, ProgramFactory

pytestmark = pytest.mark.django_db

LIST = reverse("admin:matching_program_changelist")


def queries(client):
    client.get(LIST)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST)
    assert response.status_code == 200
    return response, len(captured)


def test_each_program_shows_its_pending_mentees_and_mentors(organizer_client, program):
    other = ProgramFactory(name="Second program")
    MenteeApplicationFactory.create_batch(3, program=program)
    MenteeApplicationFactory(program=program, status="accepted")
    MentorApplicationFactory.create_batch(2, program=program)
    MentorApplicationFactory(program=other)
    _, few = queries(organizer_client)

    MenteeApplicationFactory.create_batch(4, program=other)
    response, more = queries(organizer_client)
    rows = {row.name: (row.n_pending_mentees, row.n_pending_mentors)
            for row in response.context_data["cl"].result_list}
    assert rows[program.name] == (3, 2)
    assert rows["Second program"] == (4, 1)
    assert more == few
    # And sorted by them, as the columns offer.
    response = organizer_client.get(LIST + "?o=-8")
    names = [row.name for row in response.context_data["cl"].result_list]
    assert names.index("Second program") < names.index(program.name)
