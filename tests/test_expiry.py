"""Sign-in codes and sessions expire: an old code, a code tried too often and a session
past its age all lose their power."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.urls import reverse

from .factories import UserFactory

pytestmark = pytest.mark.usefixtures("deliver_at_once")


CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


@pytest.fixture
def person(db):
    return UserFactory(email="ada@example.org")


def request_code(client, email) -> str:
    response = client.post(reverse("account_request_login_code"), {"email": email})
    assert response.status_code == 302
    return CODE.search(mail.outbox[-1].body).group(1)


def confirm(client, code):
    return client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_settings_say_ten_minutes_three_tries_two_weeks_and_six():
    assert settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT == 600
    assert settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS == 3
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * 3600
    assert settings.PARTICIPANT_SESSION_AGE == 42 * 24 * 3600
    assert settings.RECENT_SIGN_IN_SECONDS == 3600


def test_it_accepts_a_code_just_inside_its_timeout(client, person):
    with time_machine.travel("2026-03-02 09:00:00Z", tick=False) as traveller:
        code = request_code(client, person.email)
        traveller.shift(timedelta(seconds=settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT - 5))
        confirm(client, code)
        assert signed_in(client)  # inside: out here the session is months old


def test_it_refuses_a_code_older_than_its_timeout(client, person):
    with time_machine.travel("2026-03-02 09:00:00Z", tick=False) as traveller:
        code = request_code(client, person.email)
        traveller.shift(timedelta(seconds=settings.ACCOUNT_LOGIN_BY_CODE_TIMEOUT + 1))
        response = confirm(client, code)
        assert not signed_in(client)
    # Back at the start with a way forward, not a dead end.
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_it_refuses_the_right_code_after_too_many_wrong_ones(client, person):
    code = request_code(client, person.email)
    for _ in range(settings.ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS):
        confirm(client, "AAAA-AAAA")
    confirm(client, code)
    assert not signed_in(client)


def test_it_signs_a_staff_session_out_past_its_age_however_often_used(client, db):
    organizer = UserFactory(email="olivia@example.org", is_staff=True)
    with time_machine.travel("2026-03-02 09:00:00Z", tick=False) as traveller:
        client.force_login(organizer)
        for _ in range(13):  # every day: the age counts from the sign-in
            traveller.shift(timedelta(days=1))
            assert client.get(reverse("dashboard")).status_code == 200
        traveller.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE - 13 * 86400 + 1))
        response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_participant_who_comes_back_monthly_signs_in_once(client, person):
    with time_machine.travel("2026-03-02 09:00:00Z", tick=False) as traveller:
        client.force_login(person)
        assert client.get(reverse("dashboard")).status_code == 200
        for _ in range(4):  # a stipend request a month, for four months
            traveller.shift(timedelta(days=31))
            assert client.get(reverse("dashboard")).status_code == 200


def test_a_participant_session_left_alone_ends_past_its_age(client, person):
    with time_machine.travel("2026-03-02 09:00:00Z", tick=False) as traveller:
        client.force_login(person)
        assert client.get(reverse("dashboard")).status_code == 200
        traveller.shift(timedelta(seconds=settings.PARTICIPANT_SESSION_AGE - 60))
        assert client.get(reverse("dashboard")).status_code == 200
        traveller.shift(timedelta(seconds=settings.PARTICIPANT_SESSION_AGE + 1))
        response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_session_cookie_expires_with_the_session(client, person):
    code = request_code(client, person.email)
    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.PARTICIPANT_SESSION_AGE
    assert cookie["httponly"]
