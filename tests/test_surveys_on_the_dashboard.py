"""The surveys a person still owes are on their page too: an emailed link can land in a
spam folder."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.models import SurveyKind

from .helpers import signed_in
from .surveys_helpers import answer, completed, invitation

pytestmark = pytest.mark.django_db


def page_of(user) -> str:
    return signed_in(user).get(reverse("dashboard")).content.decode()


def test_each_side_sees_their_own_open_survey_and_its_link_works(program):
    m = completed(program)
    mentee_inv = invitation(m, SurveyKind.MENTEE_FINAL)
    mentor_inv = invitation(m, SurveyKind.MENTOR_FINAL)
    mentee_page = page_of(m.mentee.user)
    assert "A short survey waits for you" in mentee_page
    assert f"Your mentorship with {m.mentor.user.name}: how it went" in mentee_page
    mentor_page = page_of(m.mentor.user)
    assert f"Your mentorship with {m.mentee.user.name}: how it went" in mentor_page
    # Each page links to its own invitation only, and the link opens the survey.
    [link] = re.findall(r'href="(/surveys/[^"]+)"', mentee_page)
    browser = Client()
    page = browser.get(link)
    assert page.status_code == 200
    assert page.context["invitation"] == mentee_inv
    [mentor_link] = re.findall(r'href="(/surveys/[^"]+)"', mentor_page)
    assert browser.get(mentor_link).context["invitation"] == mentor_inv


def test_a_started_survey_says_so_and_a_sent_or_expired_one_is_gone(program):
    m = completed(program)
    inv = invitation(m, SurveyKind.MENTEE_FINAL)
    answer(inv, submit=False)
    assert "your answers so far are saved" in page_of(m.mentee.user)
    answer(inv)
    assert "survey waits for you" not in page_of(m.mentee.user)
    other = completed(program)
    late = invitation(other, SurveyKind.MENTEE_FINAL)
    late.expires_at = timezone.now() - timedelta(minutes=1)
    late.save()
    assert "survey waits for you" not in page_of(other.mentee.user)


def test_a_baseline_is_not_offered_once_the_mentorship_stopped(program):
    from matching.models import MentorshipStatus

    from .factories import MentorshipFactory

    m = MentorshipFactory(program=program, status=MentorshipStatus.ACTIVE)
    invitation(m, SurveyKind.MENTEE_BASELINE)
    assert "Where you stand at the start" in page_of(m.mentee.user)
    m.status = MentorshipStatus.ENDED_EARLY
    m.end_reason = "fit"
    m.ended_on = timezone.localdate()
    m.save()
    assert "survey waits for you" not in page_of(m.mentee.user)
