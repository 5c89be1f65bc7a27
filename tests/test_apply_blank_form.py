"""The blank interest forms are rendered once per content, and any change to what they show
shows on the next visit."""

import re

import pytest
from django.urls import reverse

from matching.models import ResearchArea
from matching.views import apply as views

from .matching_helpers import accepted_mentor

pytestmark = pytest.mark.django_db

MENTEE_URL = reverse("apply", args=["mentee"])


@pytest.fixture
def renders(monkeypatch):
    views._blank_forms.clear()
    calls = []
    real = views.render_crispy_form
    monkeypatch.setattr(views, "render_crispy_form",
                        lambda form: calls.append(type(form).__name__) or real(form))
    return calls


@pytest.fixture
def listed(program):
    return accepted_mentor(program, "Listed Lee", listed_for_applicants=True)


def test_it_renders_a_blank_form_once(client, program, areas, listed, renders):
    first = client.get(MENTEE_URL).content.decode()
    second = client.get(MENTEE_URL).content.decode()
    client.get(reverse("apply", args=["mentor"]))
    assert renders == ["MenteeApplicationForm", "MentorApplicationForm"]
    # The same page but for the CSRF token, which is masked anew for every response.
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", first) == token.sub("", second)
    assert "Listed Lee" in first


def test_a_form_sent_back_with_errors_is_rendered_with_them(client, program, areas,
                                                           mentee_data, renders):
    response = client.post(MENTEE_URL, {**mentee_data, "email": "not-an-address"})
    assert response.status_code == 400
    assert "doesn&#x27;t look like an email address" in response.content.decode()
    assert renders == []


def _list(mentor):
    mentor.application.listed_for_applicants = True
    mentor.application.save()


def _rename_person(mentor):
    mentor.user.name = "Lee Renamed"
    mentor.user.save()


def _move_organization(mentor):
    mentor.application.organization = "Lab Moved"
    mentor.application.save()


def _deactivate_mentor(mentor):
    mentor.is_active = False
    mentor.save()


def _raise_minimum(mentor):
    mentor.program.min_hours_per_week = 9
    mentor.program.save()


def _rename_area(mentor):
    area = ResearchArea.objects.filter(is_active=True).first()
    area.name = "Renamed Area"
    area.save()


@pytest.mark.parametrize(("change", "shows", "gone"), [
    (_list, "Unlisted Una", None),
    (_rename_person, "Lee Renamed", "Listed Lee"),
    (_move_organization, "Lab Moved", None),
    (_deactivate_mentor, None, "Listed Lee"),
    (_raise_minimum, "Under 9 hours a week", "Under 5 hours a week"),
    (_rename_area, "Renamed Area", None),
])
def test_a_change_to_what_the_form_shows_shows_at_once(client, program, areas, listed,
                                                      renders, change, shows, gone):
    unlisted = accepted_mentor(program, "Unlisted Una")
    before = client.get(MENTEE_URL).content.decode()
    change(unlisted if change is _list else listed)
    after = client.get(MENTEE_URL).content.decode()
    assert len(renders) == 2
    if shows:
        assert shows not in before and shows in after
    if gone:
        assert gone in before and gone not in after
