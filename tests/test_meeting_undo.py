"""A removed meeting comes back with "Undo", for a few minutes, only for the person who
removed it, into the mentorship it came from, and never with a note an erasure cleared."""

import re
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from matching.models import MeetingLog, MentorshipSource, MentorshipStatus
from matching.services import meetings
from matching.services import mentorships as services
from matching.tokens import MEETING_UNDO_MAX_AGE, meeting_from_undo_token, meeting_undo_token
from mm_program.privacy.services import person_erase

from .factories import MenteeFactory, MentorFactory
from .helpers import signed_in, today

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(mentorship, grace):
    return services.meeting_log(mentorship=mentorship, by=grace.user, minutes=45,
                                on_track="partly", note="Stuck on the proof",
                                meeting_date=today() - timedelta(days=3))


def remove(browser, meeting) -> str:
    """Remove the meeting as `browser`; the Undo token its message offers."""
    page = browser.post(reverse("meeting_remove", args=[meeting.mentorship_id, meeting.pk]),
                        follow=True).content.decode()
    assert "was removed" in page
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def undo(browser, mentorship_pk, token) -> str:
    return browser.post(reverse("meeting_restore", args=[mentorship_pk]), {"token": token},
                        follow=True).content.decode()


def test_undo_puts_back_the_same_meeting(meeting, grace):
    mentor = signed_in(grace.user)
    first_logged = meeting.created_at
    token = remove(mentor, meeting)
    assert not MeetingLog.objects.filter(pk=meeting.pk).exists()
    page = undo(mentor, meeting.mentorship_id, token)
    assert "is back" in page
    back = MeetingLog.objects.get(pk=meeting.pk)
    assert (back.date, back.minutes, back.on_track, back.note, back.logged_by_id) == (
        meeting.date, 45, "partly", "Stuck on the proof", grace.user_id)
    assert back.created_at == first_logged
    # The same Undo again restores nothing twice.
    assert "back already" in undo(mentor, meeting.mentorship_id, token)
    assert MeetingLog.objects.filter(mentorship_id=meeting.mentorship_id).count() == 1


def test_the_mentee_cannot_use_the_mentors_undo(meeting, grace, ada):
    token = remove(signed_in(grace.user), meeting)
    page = undo(signed_in(ada.user), meeting.mentorship_id, token)
    assert "Only the person who removed a meeting can put it back" in page
    assert not MeetingLog.objects.filter(pk=meeting.pk).exists()


def test_another_mentor_cannot_use_it_on_their_own_mentorship_or_this_one(
        meeting, grace, program):
    token = remove(signed_in(grace.user), meeting)
    other = MentorFactory(program=program, capacity=2)
    theirs = services.mentorship_create(mentor=other, mentee=MenteeFactory(program=program),
                                        source=MentorshipSource.ORGANIZER,
                                        start_date=today() - timedelta(days=10))
    outsider = signed_in(other.user)
    assert "Only the person who removed" in undo(outsider, theirs.pk, token)
    response = outsider.post(reverse("meeting_restore", args=[meeting.mentorship_id]),
                             {"token": token})
    assert response.status_code == 404
    assert not MeetingLog.objects.filter(pk=meeting.pk).exists()


def test_a_signed_out_visitor_is_sent_to_sign_in(client, meeting, grace):
    token = remove(signed_in(grace.user), meeting)
    response = client.post(reverse("meeting_restore", args=[meeting.mentorship_id]),
                           {"token": token})
    assert response.status_code == 302 and "login" in response.url
    assert not MeetingLog.objects.filter(pk=meeting.pk).exists()


def test_a_forged_or_altered_token_is_refused(meeting, grace):
    mentor = signed_in(grace.user)
    token = remove(mentor, meeting)
    assert "come from this site" in undo(mentor, meeting.mentorship_id, token[:-2] + "xx")
    forged = signing.dumps({"id": "1"}, salt="another.salt")
    assert "come from this site" in undo(mentor, meeting.mentorship_id, forged)
    assert not MeetingLog.objects.filter(pk=meeting.pk).exists()


def test_undo_expires(meeting, grace, monkeypatch):
    mentor = signed_in(grace.user)
    token = remove(mentor, meeting)
    later = timezone.now().timestamp() + MEETING_UNDO_MAX_AGE + 5
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert "Undo works for 10 minutes" in undo(mentor, meeting.mentorship_id, token)
    assert not MeetingLog.objects.filter(pk=meeting.pk).exists()


def test_nothing_comes_back_into_an_ended_mentorship(meeting, mentorship, grace):
    token = remove(signed_in(grace.user), meeting)
    services.mentorship_end_early(mentorship=mentorship, reason="other", by=grace.user)
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ENDED_EARLY
    assert "can no longer be changed" in undo(signed_in(grace.user), mentorship.pk, token)
    assert not MeetingLog.objects.filter(pk=meeting.pk).exists()


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_a_note_erased_since_the_removal_does_not_come_back(meeting, mentorship, grace, ada,
                                                            organizer, who):
    restored, removed_at = meeting_from_undo_token(meeting_undo_token(meeting))
    meeting.delete()
    person_erase(user=(ada if who == "mentee" else grace).user, by=organizer)
    back = meetings.meeting_restore(mentorship=mentorship, meeting=restored,
                                    removed_at=removed_at, by=grace.user)
    assert back.minutes == 45  # the minutes stay, as the erasure left the others
    assert MeetingLog.objects.get(pk=restored.pk).note == ""


def test_an_erasure_before_the_removal_changes_nothing(meeting, mentorship, grace, program,
                                                      organizer):
    stranger = MenteeFactory(program=program)
    person_erase(user=stranger.user, by=organizer)
    restored, removed_at = meeting_from_undo_token(meeting_undo_token(meeting))
    meeting.delete()
    meetings.meeting_restore(mentorship=mentorship, meeting=restored,
                             removed_at=removed_at, by=grace.user)
    assert MeetingLog.objects.get(pk=restored.pk).note == "Stuck on the proof"
