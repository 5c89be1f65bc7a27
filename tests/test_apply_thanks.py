"""The page after an application, and what submitting one costs the database."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from matching.models import MenteeApplication
from matching.views.apply import THANKS_COOKIE

URL = "/apply/mentee/"
THANKS = reverse("apply_thanks", args=["mentee"])


@pytest.fixture
def submit(post_committed):
    return lambda data, **extra: post_committed(URL, data, **extra)


def test_an_application_leaves_no_session_behind(client, submit, program, mentee_data):
    assert submit(mentee_data).status_code == 302
    # Nearly every applicant is a first visitor: the thanks page used to cost each of
    # them a session row, written in a commit of its own.
    assert Session.objects.count() == 0
    page = client.get(THANKS)
    assert page.status_code == 200
    assert b"ada@example.org" in page.content
    assert b"Thank you, your application is in" in page.content


def test_the_thanks_cookie_is_signed_scoped_and_short_lived(submit, program, mentee_data):
    cookie = submit(mentee_data).cookies[THANKS_COOKIE]
    assert cookie["path"] == "/apply/"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 3600


def test_a_forged_thanks_cookie_shows_nothing(client, program):
    client.cookies[THANKS_COOKIE] = json.dumps(
        {"role": "mentee", "program": "Pilot", "email": "victim@example.org"})
    response = client.get(THANKS)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_a_signed_in_owners_summary_is_gone_once_they_sign_out(client, submit, program,
                                                                mentee_data):
    submit(mentee_data)
    client.force_login(MenteeApplication.objects.get().user)
    submit({**mentee_data, "goals": "Evals now."})
    page = client.get(THANKS)
    assert b"updated your earlier application" in page.content
    assert "no-cache" in page["Cache-Control"]  # nor kept by a proxy or the back button
    client.logout()  # on a shared computer, the next person must not see it
    response = client.get(THANKS)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_the_thanks_page_is_only_for_the_role_applied_for(client, submit, program,
                                                          mentee_data):
    submit(mentee_data)
    response = client.get(reverse("apply_thanks", args=["mentor"]))
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_the_thanks_page_is_gone_after_an_hour(client, submit, program, mentee_data):
    submit(mentee_data)
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = client.get(THANKS)
    assert response.status_code == 302
    assert client.get(THANKS).status_code == 200  # within the hour


def test_a_held_update_still_looks_like_a_new_application(client, submit, program,
                                                          mentee_data):
    submit(mentee_data)
    first = client.get(THANKS).content
    client.cookies.clear()
    assert submit({**mentee_data, "goals": "Someone else's words"}).status_code == 302
    assert client.get(THANKS).content == first
    assert MenteeApplication.objects.count() == 1


def test_a_legacy_zone_name_is_refused_like_any_unlisted_one(submit, program, mentee_data):
    response = submit({**mentee_data, "timezone": "Asia/Calcutta"})
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert b"Write a distillation of a mech interp paper." in response.content


def test_a_new_application_takes_a_bounded_number_of_queries(
        client, program, mentee_data, django_assert_max_num_queries,
        django_capture_on_commit_callbacks):
    # 19 (the test's transaction adds savepoints; delivering the email, after the commit,
    # is not counted), down from 31: a new row has no many-to-many rows to compare with,
    # a new account no addresses to look up, the thanks page no session to write, and a
    # form that is saved never asks whether mentors are listed (only its layout does).
    with django_capture_on_commit_callbacks(execute=False), \
            django_assert_max_num_queries(19):
        assert client.post(URL, mentee_data).status_code == 302
    application = MenteeApplication.objects.get()
    assert application.research_areas.count() == 2
    assert application.preferred_mentors.count() == 0
    assert application.user.emailaddress_set.get().primary


def test_a_time_zone_field_given_other_choices_validates_against_them():
    from mm_program.form_fields import TimezoneField

    default = TimezoneField()
    assert default.clean("Europe/Berlin") == "Europe/Berlin"
    with pytest.raises(ValidationError):
        default.clean("Asia/Calcutta")
    narrowed = TimezoneField(choices=[("UTC", "UTC")])
    assert narrowed.clean("UTC") == "UTC"
    with pytest.raises(ValidationError):
        narrowed.clean("Europe/Berlin")
    later = TimezoneField()
    later.choices = [("Europe/Paris", "Paris")]
    with pytest.raises(ValidationError):
        later.clean("Europe/Berlin")


def test_a_submission_that_loses_a_race_is_saved_once_on_its_retry(
        submit, program, mentee_data, monkeypatch):
    from allauth.account.models import EmailAddress

    from matching import notifications
    from mm_program.models import Message, User

    real = notifications.application_received
    calls = []

    def lose_the_first_race(application, **kwargs):
        calls.append(application.pk)
        if len(calls) == 1:  # as if a twin submission had committed first
            raise IntegrityError("duplicate key value violates unique constraint")
        return real(application, **kwargs)

    monkeypatch.setattr(notifications, "application_received", lose_the_first_race)
    assert submit(mentee_data).status_code == 302
    assert len(calls) == 2
    application = MenteeApplication.objects.get()
    assert application.research_areas.count() == 2
    assert list(application.history.values_list("history_type", flat=True)) == ["+"]
    assert User.objects.count() == 1
    assert EmailAddress.objects.get().user == application.user
    assert Message.objects.count() == 1
