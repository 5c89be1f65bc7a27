"""The interest forms' answers that matching reads: style wishes, mentors asked for,
conflicts of interest, career stages a mentor does not take."""

import pytest
from django.urls import reverse

from matching.models import MenteeApplication, MentorApplication

from .factories import ProgramFactory
from .matching_helpers import accepted_mentor

pytestmark = pytest.mark.django_db

MENTEE_URL = reverse("apply", args=["mentee"])
MENTOR_URL = reverse("apply", args=["mentor"])


@pytest.fixture
def listed(program):
    return accepted_mentor(program, "Listed Lee", listed_for_applicants=True,
                           organization="Lab X")


@pytest.fixture
def unlisted(program):
    return accepted_mentor(program, "Private Pat")


def test_the_mentee_form_offers_only_mentors_who_chose_to_be_listed(
    client, program, listed, unlisted
):
    page = client.get(MENTEE_URL).content.decode()
    assert "Listed Lee · PhD student · Lab X" in page
    assert "Private Pat" not in page
    assert "No preference" in page


def test_other_programs_mentors_are_not_offered(client, program, listed):
    other = ProgramFactory()
    accepted_mentor(other, "Elsewhere Eve", listed_for_applicants=True)
    page = client.get(MENTEE_URL).content.decode()
    assert "Elsewhere Eve" not in page


def test_without_listed_mentors_the_question_is_not_asked(client, program, unlisted):
    assert 'name="preferred_mentors"' not in client.get(MENTEE_URL).content.decode()


def test_the_mentee_saves_style_wishes_mentors_and_conflicts(client, program, listed,
                                                             mentee_data):
    data = {**mentee_data, "preferred_involvement": "hands_on", "preferred_control": "shared",
            "preferred_mentors": [str(listed.pk)],
            "conflicts": "Prof. Supervisor\nboss@example.org"}
    assert client.post(MENTEE_URL, data).status_code == 302
    app = MenteeApplication.objects.get()
    assert (app.preferred_involvement, app.preferred_control) == ("hands_on", "shared")
    assert list(app.preferred_mentors.all()) == [listed]
    assert app.conflicts == "Prof. Supervisor\nboss@example.org"


def test_asking_for_an_unlisted_mentor_is_refused_and_keeps_the_answers(
    client, program, listed, unlisted, mentee_data
):
    data = {**mentee_data, "preferred_mentors": [str(unlisted.pk)], "conflicts": "Someone"}
    response = client.post(MENTEE_URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Select a valid choice" in page
    assert "Someone" in page and 'value="Ada Lovelace"' in page
    assert not MenteeApplication.objects.exists()


def test_a_resubmission_by_the_owner_replaces_the_mentors_asked_for(
    client, program, listed, mentee_data
):
    client.post(MENTEE_URL, {**mentee_data, "preferred_mentors": [str(listed.pk)]})
    app = MenteeApplication.objects.get()
    client.force_login(app.user)
    client.post(MENTEE_URL, mentee_data)
    assert list(app.preferred_mentors.all()) == []


def test_the_mentor_saves_excluded_stages_conflicts_and_listing(client, program, mentor_data):
    data = {**mentor_data, "excluded_stages": ["bachelors", "industry"],
            "conflicts": "my.student@example.org", "listed_for_applicants": "on"}
    assert client.post(MENTOR_URL, data).status_code == 302
    app = MentorApplication.objects.get()
    assert app.excluded_stages == ["bachelors", "industry"]
    assert app.get_excluded_stages_display() == ["Bachelor's student", "Working in industry"]
    assert app.listed_for_applicants is True


def test_an_unknown_career_stage_is_refused(client, program, mentor_data):
    response = client.post(MENTOR_URL, {**mentor_data, "excluded_stages": ["astronaut"]})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not MentorApplication.objects.exists()
