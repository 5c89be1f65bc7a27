"""A mentor sets their own cap on mentees at once, from their dashboard: never under the
mentees they have now; 0 pauses new matches; only their own."""

from html import unescape

import pytest
from django.urls import reverse

from matching.models import Mentor, MentorshipSource
from matching.services import mentorships as services

from .factories import MenteeFactory, MentorFactory
from .helpers import signed_in

pytestmark = pytest.mark.django_db




def set_capacity(browser, mentor, value):
    return unescape(browser.post(reverse("mentor_capacity", args=[mentor.pk]),
                                 {"capacity": value}, follow=True).content.decode())


def test_the_mentor_raises_lowers_and_pauses_their_places(grace, program):
    browser = signed_in(grace.user)
    assert "Change how many mentees you take" in browser.get(reverse("dashboard")).content.decode()
    assert "You now take up to 5 mentees at once" in set_capacity(browser, grace, "5")
    grace.refresh_from_db()
    assert grace.capacity == 5
    page = set_capacity(browser, grace, "0")
    assert "You're not taking new mentees" in page
    assert "You've paused new matches in this program" in page
    grace.refresh_from_db()
    assert grace.capacity == 0
    # The history keeps who changed it, as for an organizer's change.
    assert grace.history.first().capacity == 0


def test_never_under_the_mentees_they_have(grace, mentorship, program):
    services.mentorship_create(mentor=grace, mentee=MenteeFactory(program=program),
                               source=MentorshipSource.ORGANIZER)
    page = set_capacity(signed_in(grace.user), grace, "1")
    assert "You have 2 mentees now" in page and "can't be under 2" in page
    grace.refresh_from_db()
    assert grace.capacity == 3


@pytest.mark.parametrize("value", ["", "two", "21", "-1", "9" * 30])
def test_a_bad_number_is_refused_with_a_message(grace, value):
    page = set_capacity(signed_in(grace.user), grace, value)
    assert "Enter a number from 0 to 20." in page or "isn't a number of mentees" in page
    grace.refresh_from_db()
    assert grace.capacity == 3


def test_nobody_else_can_change_it(client, grace, ada, program):
    url = reverse("mentor_capacity", args=[grace.pk])
    response = client.post(url, {"capacity": "9"})
    assert response.status_code == 302 and "/accounts/login/" in response.url
    other = MentorFactory(program=program)
    assert signed_in(other.user).post(url, {"capacity": "9"}).status_code == 404
    assert signed_in(ada.user).post(url, {"capacity": "9"}).status_code == 404
    assert signed_in(grace.user).get(url).status_code == 405
    assert Mentor.objects.get(pk=grace.pk).capacity == 3


def test_more_mentees_than_the_time_given_is_pointed_out(program):
    from .matching_helpers import accepted_mentor

    mentor = accepted_mentor(program, "Tim Time", capacity=1, minutes_per_week=60)
    browser = signed_in(mentor.user)
    assert "a mentee with" not in set_capacity(browser, mentor, "2")  # 30 each: fine
    page = set_capacity(browser, mentor, "4")
    assert "You told us you have 60 minutes a week: that's 15 a mentee with 4." in page
    mentor.refresh_from_db()
    assert mentor.capacity == 4  # their call: pointed out, not refused
