"""A meeting logged by mistake (twice, say) can be removed by whoever logged it, while
the mentorship runs and no approved stipend counts it; a second log on the same day is
pointed out at once."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from matching.models import MeetingLog
from matching.services import mentorships as services
from payments.models import StipendRequest, StipendStatus

from .factories import MenteeFactory, MentorFactory, MentorshipFactory
from .helpers import signed_in, today

pytestmark = pytest.mark.django_db




def log(browser, m, day):
    return browser.post(reverse("meeting_log", args=[m.pk]), {
        f"log-{m.pk}-date": day.isoformat(), f"log-{m.pk}-minutes": "30",
        f"log-{m.pk}-on_track": "yes", f"log-{m.pk}-note": "", "back": "detail"},
        follow=True)


def remove_url(meeting):
    return reverse("meeting_remove", args=[meeting.mentorship_id, meeting.pk])


def test_a_meeting_logged_twice_is_pointed_out_and_removed(mentorship, grace):
    mentor = signed_in(grace.user)
    day = today() - timedelta(days=2)
    assert "Another meeting was already logged" not in log(mentor, mentorship, day).content.decode()
    page = log(mentor, mentorship, day).content.decode()
    assert "Another meeting was already logged on" in page
    assert page.count(">Remove</button>") == 2
    duplicate = MeetingLog.objects.filter(mentorship=mentorship).last()
    response = mentor.post(remove_url(duplicate), follow=True)
    assert "was removed" in response.content.decode()
    assert MeetingLog.objects.filter(mentorship=mentorship).count() == 1


def test_only_the_person_who_logged_it_can_remove_it(mentorship, grace, ada):
    meeting = services.meeting_log(mentorship=mentorship, by=grace.user, minutes=30,
                                   on_track="yes")
    mentee = signed_in(ada.user)
    page = mentee.get(reverse("mentorship_detail", args=[mentorship.pk])).content.decode()
    assert ">Remove</button>" not in page
    response = mentee.post(remove_url(meeting), follow=True)
    assert "Only the person who logged a meeting can remove it" in response.content.decode()
    assert MeetingLog.objects.filter(pk=meeting.pk).exists()


def test_outsiders_get_nothing(client, program, mentorship, grace):
    meeting = services.meeting_log(mentorship=mentorship, by=grace.user, minutes=30,
                                   on_track="yes")
    response = client.post(remove_url(meeting))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    other_mentor = MentorFactory(program=program)
    assert signed_in(other_mentor.user).post(remove_url(meeting)).status_code == 404
    # Another mentorship's id in the path doesn't reach this meeting either.
    own = MentorshipFactory(program=program, mentor=other_mentor,
                            mentee=MenteeFactory(program=program))
    wrong = reverse("meeting_remove", args=[own.pk, meeting.pk])
    assert signed_in(other_mentor.user).post(wrong).status_code == 404
    assert signed_in(grace.user).get(remove_url(meeting)).status_code == 405
    assert MeetingLog.objects.filter(pk=meeting.pk).exists()


def test_a_meeting_behind_an_approved_stipend_stays(mentorship, grace, ada):
    meeting = services.meeting_log(mentorship=mentorship, by=grace.user, minutes=60,
                                   on_track="yes", meeting_date=today() - timedelta(days=3))
    StipendRequest.objects.create(
        program=mentorship.program, mentorship=mentorship, payee=ada.user,
        payee_role="mentee", period_start=today() - timedelta(days=10),
        period_end=today(), hours=Decimal("1"), rate=Decimal("20"), amount=Decimal("20"),
        currency="EUR", justification="Rent", status=StipendStatus.APPROVED,
        decided_at=timezone.now())
    response = signed_in(grace.user).post(remove_url(meeting), follow=True)
    assert "already approved" in response.content.decode()
    assert MeetingLog.objects.filter(pk=meeting.pk).exists()


def test_an_ended_mentorships_meetings_stay(mentorship, grace):
    meeting = services.meeting_log(mentorship=mentorship, by=grace.user, minutes=30,
                                   on_track="yes")
    services.mentorship_complete(mentorship=mentorship, next_steps=["job"])
    response = signed_in(grace.user).post(remove_url(meeting), follow=True)
    assert "can no longer be changed" in response.content.decode()
    assert MeetingLog.objects.filter(pk=meeting.pk).exists()
