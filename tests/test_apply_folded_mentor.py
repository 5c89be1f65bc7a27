"""The mentee form's optional "Your mentor" questions are folded behind a native
disclosure (issue 18: one line to read for an applicant with no preference), and it opens
by itself whenever something in it was typed or is wrong."""

import re

import pytest
from django.urls import reverse

from .matching_helpers import accepted_mentor

pytestmark = pytest.mark.django_db

MENTEE_URL = reverse("apply", args=["mentee"])


@pytest.fixture
def listed(program):
    return accepted_mentor(program, "Listed Lee", listed_for_applicants=True)


def mentor_disclosure(html: str) -> str:
    found = re.search(r'(?s)<details class="mm-fold"[^>]*>.*?</details>', html)
    assert found, "no folded section"
    return found.group(0)


def test_a_blank_form_folds_the_mentor_questions_with_a_summary(client, program, listed):
    folded = mentor_disclosure(client.get(MENTEE_URL).content.decode())
    assert " open" not in folded.split(">", 1)[0]
    assert re.search(r"(?s)<summary>Your mentor .*whom you.*</summary>", folded)
    for name in ("preferred_involvement", "preferred_control", "preferred_mentors",
                 "conflicts"):
        assert f'name="{name}"' in folded


def test_a_refused_form_shows_what_was_typed_in_it(client, program, listed, mentee_data):
    data = {**mentee_data, "name": "", "conflicts": "Prof. Supervisor"}
    response = client.post(MENTEE_URL, data)
    assert response.status_code == 400
    folded = mentor_disclosure(response.content.decode())
    assert " open" in folded.split(">", 1)[0]
    assert "Prof. Supervisor" in folded


def test_an_error_inside_opens_it_where_the_summary_links(client, program, listed,
                                                         mentee_data):
    response = client.post(MENTEE_URL, {**mentee_data, "preferred_mentors": ["999999"]})
    assert response.status_code == 400
    html = response.content.decode()
    folded = mentor_disclosure(html)
    assert " open" in folded.split(">", 1)[0]
    assert 'href="#id_preferred_mentors"' in html
    assert 'id="id_preferred_mentors"' in folded


def test_an_untouched_refused_form_keeps_it_folded(client, program, listed, mentee_data):
    response = client.post(MENTEE_URL, {**mentee_data, "name": ""})
    assert response.status_code == 400
    assert " open" not in mentor_disclosure(response.content.decode()).split(">", 1)[0]
