"""A mentor at capacity adds a mentee they found from the dashboard, raising their cap in
the same step: by the capacity rules, both or neither, only their own."""

from html import unescape

import pytest
from django.urls import reverse

from matching.models import Mentorship, MentorshipSource, MentorshipStatus
from matching.services import mentorships as services
from matching.services.mentor_rows import mentorship_invite_raising_capacity

from .factories import MenteeFactory, MentorFactory
from .helpers import signed_in, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def full(grace, program):
    """Grace takes 2 mentees and has 2."""
    grace.capacity = 2
    grace.save(update_fields=["capacity"])
    for _ in range(2):
        services.mentorship_create(mentor=grace, mentee=MenteeFactory(program=program),
                                   source=MentorshipSource.ORGANIZER)
    return grace


def add(browser, mentor, **values):
    data = {"name": "Bob Builder", "email": "bob@example.org",
            "start_date": today().isoformat(), **values}
    response = browser.post(reverse("mentee_add", args=[mentor.pk]),
                            {f"add-{mentor.pk}-{k}": v for k, v in data.items()}, follow=True)
    return response, unescape(response.content.decode())


def invited():
    return Mentorship.objects.filter(status=MentorshipStatus.INVITED).count()


def test_a_full_mentor_is_offered_the_form_with_the_number(full):
    page = unescape(signed_in(full.user).get(reverse("dashboard")).content.decode())
    assert "Add a mentee you found yourself" in page
    assert f'name="add-{full.pk}-capacity"' in page
    assert "adding this mentee also raises how many you take at once" in page


def test_a_mentor_with_room_sees_no_number(grace):
    page = signed_in(grace.user).get(reverse("dashboard")).content.decode()
    assert f'name="add-{grace.pk}-capacity"' not in page


def test_adding_raises_the_cap_without_leaving(full):
    response, page = add(signed_in(full.user), full, capacity="3")
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "You now take up to 3 mentees at once" in page
    full.refresh_from_db()
    assert full.capacity == 3 and invited() == 1


def test_a_number_leaving_no_room_is_refused_at_the_field_and_keeps_what_was_typed(full):
    response, page = add(signed_in(full.user), full, capacity="2")
    assert response.status_code == 400
    assert "You have 2 mentees now: to add Bob Builder, enter at least 3." in page
    assert 'value="bob@example.org"' in page and 'value="2"' in page
    full.refresh_from_db()
    assert full.capacity == 2 and invited() == 0


@pytest.mark.parametrize("value", ["21", "abc"])
def test_a_bad_number_is_refused(full, value):
    response, _ = add(signed_in(full.user), full, capacity=value)
    assert response.status_code == 400
    full.refresh_from_db()
    assert full.capacity == 2 and invited() == 0


def test_a_refused_invitation_leaves_the_cap_as_it_was(full):
    # Their own address: the invitation is refused, so the cap must not move either.
    response, _ = add(signed_in(full.user), full, capacity="4", email=full.user.email)
    assert response.status_code == 400
    full.refresh_from_db()
    assert full.capacity == 2 and invited() == 0


def test_the_cap_is_never_lowered_here(grace):
    mentorship_invite_raising_capacity(mentor=grace, capacity=1, name="Bob",
                                       email="bob@example.org", start_date=today())
    grace.refresh_from_db()
    assert grace.capacity == 3


def test_nobody_raises_another_mentors_cap(full, program, ada):
    other = MentorFactory(program=program, capacity=1)
    for outsider in (other.user, ada.user):  # another mentor, a mentee (not a mentor)
        response, _ = add(signed_in(outsider), full, capacity="5")
        assert response.status_code == 404
    full.refresh_from_db()
    assert full.capacity == 2 and invited() == 0
