"""The survey page's posts, autosaves included, are limited per address: a limited save
comes back with the answers as typed, a limited autosave says so in JSON."""

import pytest
from django.urls import reverse

from surveys.models import Response
from surveys.tokens import survey_token

from .surveys_helpers import completed, invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def inv(program, settings):
    settings.SURVEY_RATE_LIMIT = "2/h"
    return invitation(completed(program))


def post(client, inv, action, **extra):
    return client.post(reverse("survey", args=[survey_token(inv)]),
                       {"q-hours_total": "42", "q-liked": "The weekly nudge.",
                        "action": action}, **extra)


def test_it_saves_up_to_the_limit_then_keeps_the_answers_on_the_page(client, inv):
    assert post(client, inv, "autosave").status_code == 200
    assert post(client, inv, "save").status_code == 302
    saved = Response.objects.get(invitation=inv).answers.count()

    response = post(client, inv, "save")
    assert response.status_code == 429
    html = response.content.decode()
    assert "nothing you typed is lost" in html
    assert "The weekly nudge." in html and 'value="42"' in html
    assert Response.objects.get(invitation=inv).answers.count() == saved


def test_a_limited_autosave_answers_in_json_and_saves_nothing(client, inv):
    post(client, inv, "autosave")
    post(client, inv, "autosave")
    response = post(client, inv, "autosave", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 429
    assert response.json() == {"limited": True}


def test_a_limited_submit_does_not_close_the_survey(client, inv):
    post(client, inv, "autosave")
    post(client, inv, "autosave")
    assert post(client, inv, "submit").status_code == 429
    assert not Response.objects.filter(invitation=inv, submitted_at__isnull=False).exists()


def test_other_addresses_are_not_affected(client, inv):
    post(client, inv, "autosave")
    post(client, inv, "autosave")
    assert post(client, inv, "autosave").status_code == 429
    assert post(client, inv, "autosave", REMOTE_ADDR="10.0.0.2").status_code == 200
