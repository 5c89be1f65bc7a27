"""Organizers search and page through every logged meeting: the search finds what the
admin's own search finds (each word in the note, or in a name or email of either side),
and a page costs the same queries however many meetings there are."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .factories import (
    MeetingLogFactory,
    MenteeFactory,
    MentorFactory,
    MentorshipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("admin:matching_meetinglog_changelist")


@pytest.fixture
def meetings(program):
    def pair(mentor, mentee):
        return MentorshipFactory(
            program=program,
            mentor=MentorFactory(program=program, user=UserFactory(
                name=mentor, email=f"{mentor.split()[0].lower()}@mentors.example.org")),
            mentee=MenteeFactory(program=program, user=UserFactory(
                name=mentee, email=f"{mentee.split()[0].lower()}@mentees.example.org")))

    grace_ada = pair("Grace Hopper", "Ada Lovelace")
    alan_cleo = pair("Alan Turing", "Cleo Patra")
    return {
        "plan": MeetingLogFactory(mentorship=grace_ada, note="Planned the replication"),
        "draft": MeetingLogFactory(mentorship=grace_ada, note="Read Alan's draft post",
                                   date=grace_ada.start_date + timedelta(days=7)),
        "cleo": MeetingLogFactory(mentorship=alan_cleo, note="Talked about MATS"),
    }


def found(client, query):
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    return {m.note for m in response.context_data["cl"].result_list}


def test_a_search_finds_notes_names_and_emails_every_word(organizer_client, meetings):
    assert found(organizer_client, "ada") == {"Planned the replication",
                                             "Read Alan's draft post"}
    assert found(organizer_client, "TURING") == {"Talked about MATS"}
    assert found(organizer_client, "cleo@mentees") == {"Talked about MATS"}
    # "alan" is Cleo's mentor and in one of Ada's notes; "grace" narrows it to the note.
    assert found(organizer_client, "alan") == {"Read Alan's draft post", "Talked about MATS"}
    assert found(organizer_client, "alan grace") == {"Read Alan's draft post"}
    assert found(organizer_client, '"draft post" hopper') == {"Read Alan's draft post"}
    assert found(organizer_client, "nobody") == set()


def test_a_page_costs_the_same_queries_for_more_meetings(organizer_client, meetings, program):
    def queries():
        organizer_client.get(LIST)
        with CaptureQueriesContext(connection) as captured:
            page = organizer_client.get(LIST)
        assert page.status_code == 200
        return page, len(captured)

    _, few = queries()
    for _ in range(4):
        MeetingLogFactory(mentorship=MentorshipFactory(program=program), note="Another")
    page, more = queries()
    assert more == few
    html = page.content.decode()
    assert "Grace Hopper" in html and "Cleo Patra" in html and "Talked about MATS" in html
