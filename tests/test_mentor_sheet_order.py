"""The mentor's list: current mentees, then the row to add one, then the earlier ones
folded away (on a phone they pushed the add-a-mentee row thousands of pixels down)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from .factories import MenteeFactory, MentorFactory, MentorshipFactory
from .helpers import signed_in

pytestmark = pytest.mark.django_db


def test_current_mentees_then_the_add_row_then_the_earlier_ones(program):
    mentor = MentorFactory(program=program, capacity=2)
    current = MentorshipFactory(program=program, mentor=mentor,
                                mentee=MenteeFactory(program=program, user__name="Cur Rent"))
    earlier = [MentorshipFactory(program=program, mentor=mentor, status="completed",
                                 ended_on=timezone.localdate(),
                                 mentee=MenteeFactory(program=program))
               for _ in range(3)]
    html = signed_in(mentor.user).get(reverse("dashboard")).content.decode()
    add_row = html.index("Add a mentee you found yourself")
    assert html.index(f'id="mentorship-{current.pk}"') < add_row
    folded = html.index("Earlier mentees (3)")
    assert add_row < folded
    for m in earlier:
        assert folded < html.index(f'id="mentorship-{m.pk}"')
    assert "<details class=\"mm-earlier mt-3\">" in html  # folded: there are current ones


def test_with_only_earlier_mentees_they_are_shown_open(program):
    mentor = MentorFactory(program=program)
    MentorshipFactory(program=program, mentor=mentor, status="completed",
                      ended_on=timezone.localdate())
    html = signed_in(mentor.user).get(reverse("dashboard")).content.decode()
    assert '<details class="mm-earlier mt-3" open>' in html
    assert "No mentees yet" not in html
