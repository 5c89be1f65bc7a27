"""Ending early: the note it leaves for the organizers is theirs and its author's only
(the other person never sees it, on their page or in their data download), and no page
promises a survey that an early end doesn't send."""

import json

import pytest
from django.urls import reverse

from matching.models import MentorshipStatus
from mm_program.privacy.services import person_erase

from .factories import MentorshipFactory, UserFactory
from .helpers import signed_in, today

pytestmark = pytest.mark.django_db

NOTE = "PRIVATE-END-NOTE: she stopped replying after the second call."



@pytest.fixture
def ended_by_the_mentor(mentorship, grace):
    response = signed_in(grace.user).post(
        reverse("mentorship_end", args=[mentorship.pk]),
        {"action": "early", "early-reason": "mentee_time", "early-notes": NOTE,
         "early-ended_on": today().isoformat()})
    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ENDED_EARLY
    return mentorship


def test_the_form_says_who_reads_the_note(mentorship, grace):
    page = signed_in(grace.user).get(reverse("mentorship_end", args=[mentorship.pk]))
    assert "Only the organizers read this, never the other person." in page.content.decode()


def test_the_other_person_never_sees_the_note(ended_by_the_mentor, grace, ada):
    url = reverse("mentorship_detail", args=[ended_by_the_mentor.pk])
    assert ended_by_the_mentor.ended_by == grace.user
    mentee_page = signed_in(ada.user).get(url).content.decode()
    assert "Why it ended early" in mentee_page
    assert "PRIVATE-END-NOTE" not in mentee_page
    mentor_page = signed_in(grace.user).get(url).content.decode()
    assert "Your note to the organizers (only they see it):" in mentor_page
    assert "PRIVATE-END-NOTE" in mentor_page


def test_only_its_author_downloads_the_note(ended_by_the_mentor, grace, ada):
    def exported(user):
        response = signed_in(user).get(reverse("privacy_export"))
        return json.loads(b"".join(response.streaming_content)
                          if response.streaming else response.content)

    assert NOTE not in json.dumps(exported(ada.user))
    assert NOTE in json.dumps(exported(grace.user))


def test_erasing_the_author_erases_the_note(ended_by_the_mentor, grace):
    organizer = UserFactory(is_staff=True, is_superuser=True)
    person_erase(user=grace.user, by=organizer)
    ended_by_the_mentor.refresh_from_db()
    assert ended_by_the_mentor.end_notes == ""
    assert not ended_by_the_mentor.history.filter(end_notes=NOTE).exists()


def test_the_pages_promise_a_survey_only_where_one_is_sent(mentorship, grace,
                                                           ended_by_the_mentor):
    from surveys.models import Invitation, SurveyKind

    # An early end asks why on its own form: no final survey goes out, and no page says
    # one will.
    finals = Invitation.objects.filter(mentorship=ended_by_the_mentor).exclude(
        kind=SurveyKind.MENTEE_BASELINE)
    assert not finals.exists()
    other = MentorshipFactory(mentor=grace, start_date=today())
    end_page = signed_in(grace.user).get(reverse("mentorship_end", args=[other.pk]))
    assert ("Once it is completed you'll both get a short survey by email; ending early "
            "asks you why instead.") in end_page.content.decode()
