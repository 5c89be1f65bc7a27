"""Posts without a valid CSRF token, to every form a person can send: refused with 403
before the view runs, nothing saved. The one exception is the reminders' one-click pause
(RFC 8058: mail clients post it without a session), which its signed token guards."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from matching.models import (
    ApplicationUpdate,
    FinalProject,
    MeetingLog,
    MenteeApplication,
    MentorApplication,
    Mentorship,
    MentorshipSource,
)
from matching.services.mentorships import mentorship_create, mentorship_invite
from matching.tokens import invitation_token, update_token
from mm_program.models import ErasureRequest, Message, ReminderPause, User
from mm_program.reminders import pause_token
from payments.models import BankDetails, StipendRequest
from surveys.models import Answer, Response
from surveys.tokens import survey_token

from .factories import MenteeApplicationFactory, MenteeFactory, MentorFactory
from .fuzz_strategies import examples, isolated, post, rows, short_text
from .helpers import today
from .payments_fixtures import DEMO_IBAN_SPACED
from .surveys_helpers import MENTEE_FINAL_OK, completed, invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def forms(program, mentee_data, mentor_data):
    """{name: (url, a valid post, who signs in or None)} for every form."""
    grace = MentorFactory(program=program, capacity=3, user__email="grace@example.org")
    ada = MenteeFactory(program=program, user__email="ada@example.org")
    m = mentorship_create(mentor=grace, mentee=ada, source=MentorshipSource.ORGANIZER,
                          start_date=today() - timedelta(days=30))
    invited = mentorship_invite(mentor=grace, name="Bo", email="bo@example.org",
                                start_date=today())
    held = MenteeApplicationFactory(program=program, email="cy@example.org",
                                    user__email="cy@example.org")
    update = ApplicationUpdate.objects.create(
        kind="mentee", application_id=held.pk,
        data={k: v if isinstance(v, list) else [v] for k, v in mentee_data.items()})
    survey = invitation(completed(program))
    bank = {"bank-holder_name": "Ada", "bank-kind": "iban", "bank-iban": DEMO_IBAN_SPACED}
    log = f"log-{m.pk}-"
    add = f"add-{grace.pk}-"
    return {
        "mentee form": ("/apply/mentee/", mentee_data, None),
        "mentor form": ("/apply/mentor/", mentor_data, None),
        "program's form": (f"/programs/{program.slug}/apply/mentee/", mentee_data, None),
        "confirm held answers": (f"/apply/confirm/{update_token(update.pk)}/", {}, None),
        "invitation": (reverse("invitation", args=[invitation_token(invited.pk)]),
                       {"name": "Bo", "timezone": "Europe/Berlin", "goals": "Evals."}, None),
        "pause page": (reverse("reminder_pause", args=[pause_token(grace.user_id,
                                                                   "meeting-nudge")]),
                       {"action": "pause"}, None),
        "survey": (reverse("survey", args=[survey_token(survey)]),
                   {**{f"q-{k}": v for k, v in MENTEE_FINAL_OK.items()}, "action": "submit"},
                   None),
        "sign in": (reverse("account_login"),
                    {"login": "grace@example.org", "password": "a-long-test-password-42"},
                    None),
        "sign-in code": (reverse("account_request_login_code"),
                         {"email": "grace@example.org"}, None),
        "meeting": (reverse("meeting_log", args=[m.pk]),
                    {f"{log}date": today().isoformat(), f"{log}minutes": "30",
                     f"{log}on_track": "yes"}, grace.user),
        "add a mentee": (reverse("mentee_add", args=[grace.pk]),
                         {f"{add}name": "Di", f"{add}email": "di@example.org",
                          f"{add}start_date": today().isoformat()}, grace.user),
        "terms": (reverse("mentorship_terms", args=[m.pk]),
                  {"hours_per_week": "8", "meeting_every_weeks": "2", "meeting_minutes": "45",
                   "planned_end_date": (today() + timedelta(days=90)).isoformat()},
                  ada.user),
        "final project": (reverse("final_project", args=[m.pk]),
                          {"kind": "other", "title": "A post"}, ada.user),
        "end": (reverse("mentorship_end", args=[m.pk]),
                {"action": "early", "early-reason": "fit",
                 "early-ended_on": today().isoformat()}, grace.user),
        "pause": (reverse("mentorship_pause", args=[m.pk]), {"action": "pause"}, grace.user),
        "withdraw": (reverse("mentorship_withdraw", args=[invited.pk]), {}, grace.user),
        "stipend": (reverse("stipend_new", args=[m.pk]),
                    {"period_start": (today() - timedelta(days=20)).isoformat(),
                     "period_end": (today() - timedelta(days=10)).isoformat(),
                     "hours": "10", "rate": "30", "justification": "Rent.", **bank},
                    ada.user),
        "bank details": (reverse("stipend_bank_details"), bank, ada.user),
        "privacy": (reverse("privacy"), {"reason": "Leaving."}, ada.user),
        "sign out": (reverse("account_logout"), {}, ada.user),
    }


# CSRF cookies as the site sets them (32 letters and digits): this browser's, and the one
# an attacker copied from their own visit.
OWN, ANOTHER_BROWSERS = "a1" * 16, "b2" * 16


def browser(user) -> Client:
    """A browser that has the site's CSRF cookie, signed in as `user` (if any)."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.cookies["csrftoken"] = OWN
    return client


def everything():
    return rows(User.objects, MenteeApplication.objects, MentorApplication.objects,
                ApplicationUpdate.objects, Mentorship.objects, MeetingLog.objects,
                FinalProject.objects, ReminderPause.objects, Response.objects,
                Answer.objects, StipendRequest.objects, BankDetails.objects,
                ErasureRequest.objects, Message.objects)


@examples(30)
@given(data=st.data())
def test_a_post_without_a_valid_csrf_token_is_refused_and_saves_nothing(forms, data):
    name = data.draw(st.sampled_from(sorted(forms)))
    url, form, user = forms[name]
    # No token, a made-up one, or another browser's real one (in the form or the header).
    token = data.draw(st.one_of(st.none(), short_text, st.sampled_from(["form", "header"])))
    with isolated():
        client = browser(user)
        before = everything()
        headers = {}
        if token == "header":
            headers["HTTP_X_CSRFTOKEN"] = ANOTHER_BROWSERS
        elif token == "form":
            form = {**form, "csrfmiddlewaretoken": ANOTHER_BROWSERS}
        elif token is not None:
            form = {**form, "csrfmiddlewaretoken": token}
        response = post(client, url, form, **headers)
        assert response.status_code == 403, (name, response.status_code)
        assert "This form has expired" in response.content.decode()
        assert everything() == before, f"{name} saved something without a CSRF token"


def test_the_one_click_pause_needs_no_csrf_token_but_a_good_link(forms, program):
    user = User.objects.get(email="grace@example.org")
    good = reverse("reminder_pause_one_click", args=[pause_token(user.pk, "meeting-nudge")])
    mail_client = Client(enforce_csrf_checks=True)
    bad = mail_client.post(good.replace("/one-click/", "x/one-click/"))
    assert bad.status_code == 400
    assert not ReminderPause.objects.exists()
    assert mail_client.post(good, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert ReminderPause.objects.filter(user=user, kind="meeting-nudge").exists()


def test_every_form_above_takes_the_same_post_with_its_token(forms):
    """The control: each form's post is good, so the 403s above are the token's doing."""
    for name, (url, form, user) in sorted(forms.items()):
        with isolated():
            response = post(browser(user), url, {**form, "csrfmiddlewaretoken": OWN})
            assert response.status_code in (200, 302), (name, response.status_code)
