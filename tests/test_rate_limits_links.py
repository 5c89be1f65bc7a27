"""Emailed links (update confirmation, mentee invitation, reminder pause) share one
per-address limit: a client probing tokens gets the 429 page, a person typing into the
invitation form gets it back with their answers."""

import pytest
from django.urls import reverse

from matching.models import MentorshipStatus
from matching.tokens import invitation_token
from mm_program.models import ReminderPause
from mm_program.reminders import pause_token

from .factories import MentorshipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _three_per_hour(settings):
    settings.LINK_RATE_LIMIT = "3/h"


def test_it_serves_the_pause_link_up_to_the_limit_then_the_429_page(client):
    user = UserFactory()
    url = reverse("reminder_pause", args=[pause_token(user.pk, "meeting-nudge")])
    for _ in range(3):
        assert client.get(url).status_code == 200
    response = client.post(url, {"action": "pause"})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert not ReminderPause.objects.exists()  # the refused post changed nothing
    # Another address is not affected.
    assert client.post(url, {"action": "pause"}, REMOTE_ADDR="10.0.0.2").status_code == 302
    assert ReminderPause.objects.filter(user=user).exists()


def test_bad_tokens_count_and_all_links_share_the_count(client):
    client.get(reverse("apply_update_confirm", args=["forged"]))
    client.get(reverse("invitation", args=["forged"]))
    client.get(reverse("reminder_pause", args=["forged"]))
    for url in (reverse("apply_update_confirm", args=["forged"]),
                reverse("invitation", args=["forged"]),
                reverse("reminder_pause", args=["forged"])):
        assert client.get(url).status_code == 429, url
    assert client.get(reverse("apply_update_confirm", args=["forged"]),
                      REMOTE_ADDR="10.0.0.2").status_code == 404


def test_a_limited_invitation_keeps_what_the_mentee_typed(client, program):
    m = MentorshipFactory(program=program, status=MentorshipStatus.INVITED)
    url = reverse("invitation", args=[invitation_token(m.pk)])
    for _ in range(3):
        assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Ana Costa", "timezone": "Europe/Lisbon",
                                 "goals": "Ship a small interpretability tool."})
    assert response.status_code == 429
    html = response.content.decode()
    assert "nothing you typed is lost" in html
    assert "Ship a small interpretability tool." in html and 'value="Ana Costa"' in html
    m.refresh_from_db()
    assert m.status == MentorshipStatus.INVITED  # nothing accepted
    assert "_auth_user_id" not in client.session
