"""One mentor per mentee: a mentor may invite someone who already has a mentor (they
can't know, and mustn't be told), but that person can't accept two at once."""

import pytest
from django.urls import reverse

from matching.models import MentorshipSource, MentorshipStatus
from matching.services import mentorships as services
from matching.tokens import invitation_token

from .factories import MentorFactory
from .helpers import today

pytestmark = pytest.mark.django_db



@pytest.fixture
def jonas(program):
    return MentorFactory(program=program, capacity=2, user__name="Jonas Berg",
                         user__email="jonas@example.org")


def test_an_invitation_to_someone_already_mentored_is_refused_on_acceptance(
        client, mentorship, ada, jonas, grace):
    # Jonas can invite Ada: nothing tells him she has a mentor.
    invited = services.mentorship_invite(mentor=jonas, name="Ada", email=ada.user.email,
                                         start_date=today())
    assert invited.status == MentorshipStatus.INVITED
    url = reverse("invitation", args=[invitation_token(invited.pk)])
    response = client.post(url, {"name": "Ada L", "timezone": "Europe/Paris",
                                 "goals": "Evals with Jonas", "accept": "1"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "You already have a mentor in" in html and "Grace Hopper" in html
    assert "Evals with Jonas" in html  # what she typed is still there
    invited.refresh_from_db()
    assert invited.status == MentorshipStatus.INVITED  # she may still decline it
    assert ada.mentorships.filter(status=MentorshipStatus.ACTIVE).count() == 1
    # Declining still works.
    client.post(url, {"decline": "1"})
    invited.refresh_from_db()
    assert invited.status == MentorshipStatus.DECLINED


def test_once_the_first_mentorship_ended_the_invitation_can_be_accepted(
        client, mentorship, ada, jonas):
    invited = services.mentorship_invite(mentor=jonas, name="Ada", email=ada.user.email,
                                         start_date=today())
    services.mentorship_end_early(mentorship=mentorship, reason="fit")
    response = client.post(reverse("invitation", args=[invitation_token(invited.pk)]),
                           {"name": "Ada L", "timezone": "Europe/Paris", "goals": "Evals",
                            "accept": "1"})
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.status == MentorshipStatus.ACTIVE


def test_an_organizer_match_of_a_mentored_mentee_is_still_refused(mentorship, ada, jonas):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="already mentored by Grace Hopper"):
        services.mentorship_create(mentor=jonas, mentee=ada,
                                   source=MentorshipSource.ORGANIZER)
