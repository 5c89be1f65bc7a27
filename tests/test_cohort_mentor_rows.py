"""A cohort mentor's rows: scholars come through offers, so the mentor has no "add a
mentee you found yourself" (the service refuses it too, with the cap left as it was), and
a cohort mentorship's planned end is the end of the phases everyone goes through."""

from datetime import date, timedelta
from html import unescape

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.models import Mentorship, Phase
from matching.services.mentor_rows import mentorship_invite_raising_capacity
from matching.services.mentorships import default_end_date, mentorship_invite

from .cohort_helpers import cohort_program
from .factories import MentorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scenario(db):
    return cohort_program(mentors=1, questions=0)


def test_a_cohort_mentor_cannot_add_a_mentee_themselves(scenario):
    mentor = scenario.mentors[0]
    with pytest.raises(ValidationError, match="accepting the organizers' offers"):
        mentorship_invite(mentor=mentor, name="Bo", email="bo@example.org",
                          start_date=date.today())
    capacity = mentor.capacity
    with pytest.raises(ValidationError):
        mentorship_invite_raising_capacity(mentor=mentor, capacity=capacity + 2, name="Bo",
                                           email="bo@example.org", start_date=date.today())
    mentor.refresh_from_db()
    assert mentor.capacity == capacity and not Mentorship.objects.filter(mentor=mentor)


def test_the_cohort_mentors_page_has_no_add_form_and_a_post_is_refused(client, scenario):
    mentor = scenario.mentors[0]
    rolling = MentorFactory(user=mentor.user)  # the same person mentors a rolling program
    client.force_login(mentor.user)
    page = unescape(client.get(reverse("dashboard")).content.decode())
    assert f'action="{reverse("mentee_add", args=[rolling.pk])}"' in page
    assert f'action="{reverse("mentee_add", args=[mentor.pk])}"' not in page
    assert "once they accept the organizers' offer" in page
    response = client.post(reverse("mentee_add", args=[mentor.pk]),
                           {f"add-{mentor.pk}-name": "Bo",
                            f"add-{mentor.pk}-email": "bo@example.org",
                            f"add-{mentor.pk}-start_date": date.today().isoformat()})
    assert response.status_code == 400
    assert "accepting the organizers' offers" in unescape(response.content.decode())
    assert not Mentorship.objects.filter(mentor=mentor).exists()


def test_a_cohort_mentorship_is_planned_to_the_end_of_its_phases(scenario):
    program, today = scenario.program, date.today()
    # No phases: the program's shortest duration.
    assert default_end_date(program, today) == today + relativedelta(
        months=program.duration_months_min)
    Phase.objects.create(program=program, name="Training", starts_on=today,
                         ends_on=today + timedelta(days=30))
    Phase.objects.create(program=program, name="Research", starts_on=today
                         + timedelta(days=31), ends_on=today + timedelta(days=200))
    Phase.objects.create(program=program, name="Extension", places=5, starts_on=today
                         + timedelta(days=201), ends_on=today + timedelta(days=380))
    assert default_end_date(program, today) == today + timedelta(days=200)
