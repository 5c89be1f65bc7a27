"""A mentee the mentor found themselves: the one-row addition, and the invitation page
the mentee confirms from (no sign-in needed)."""

from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from matching.models import (
    Mentee,
    Mentorship,
    MentorshipSource,
    MentorshipStatus,
)
from matching.services import mentorships as services
from matching.tokens import invitation_token

from .factories import (
    MenteeFactory,
    MentorshipFactory,
    UserFactory,
)
from .helpers import sheet_row, text, today

User = get_user_model()


# --- A self-found mentee -----------------------------------------------------------------

def add_data(mentor, **values):
    data = {"name": "Bob Builder", "email": "Bob@Example.org",
            "start_date": today().isoformat(), **values}
    return {f"add-{mentor.pk}-{key}": value for key, value in data.items()}


def test_a_mentor_adds_a_mentee_they_found(mentor_client, grace, mailoutbox,
                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = mentor_client.post(reverse("mentee_add", args=[grace.pk]), add_data(grace),
                                      follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    m = Mentorship.objects.get()
    assert m.status == MentorshipStatus.INVITED
    assert m.source == MentorshipSource.MENTOR_ROW
    # Nothing touches an account until the address's owner accepts.
    assert m.mentee is None and not User.objects.filter(email="bob@example.org").exists()
    assert (m.invited_name, m.invited_email) == ("Bob Builder", "bob@example.org")
    html = text(response)
    assert "We emailed bob@example.org a link to confirm" in html
    row = sheet_row(html, m)
    assert "Bob Builder" in row and "Invited" in row
    assert "Waiting for the mentee to confirm" in row
    assert f"log-{m.pk}-date" not in html  # no meetings before they confirm
    assert "1 of 3</strong> places taken" in html
    assert [message.to for message in mailoutbox] == [["bob@example.org"]]


# far_start and long_email were server errors, found by tests/test_fuzz_participant_forms.py:
# the planned end (start + months) passed year 9999, and an address the form took (up to
# 320 characters) didn't fit the account's column on PostgreSQL.
@pytest.mark.parametrize("case", ["own", "live", "full", "invalid", "empty_name",
                                  "far_start", "long_ago", "long_email"])
def test_bad_additions_are_explained_kept_and_save_nothing(program, mentor_client, grace,
                                                           mailoutbox, case):
    values = {}
    expected = {
        "own": "That is your own email address",
        "live": "You already have a mentorship with Bob Builder.",
        "full": "All your places are taken (3 of 3).",
        "invalid": "That doesn't look like an email address",
        "empty_name": "Enter the mentee's name.",
        "far_start": "Enter a start date within a year of today (usually today).",
        "long_ago": "Enter a start date within a year of today (usually today).",
        "long_email": "That address is too long (254 characters at most): check it.",
    }[case]
    if case == "own":
        values["email"] = "GRACE@example.org"
    elif case == "live":
        bob = MenteeFactory(program=program, user__name="Bob Builder",
                            user__email="bob@example.org")
        MentorshipFactory(program=program, mentor=grace, mentee=bob)
    elif case == "full":
        for _ in range(3):
            MentorshipFactory(program=program, mentor=grace)
    elif case == "invalid":
        values["email"] = "bob at example"
    elif case == "empty_name":
        values["name"] = "   "
    elif case == "far_start":
        values["start_date"] = "9999-12-31"
    elif case == "long_ago":
        values["start_date"] = (today() - timedelta(days=400)).isoformat()
    elif case == "long_email":
        values["email"] = "bob@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + "." \
            + "e" * 59 + ".org"
    users, mentorships = User.objects.count(), Mentorship.objects.count()

    response = mentor_client.post(reverse("mentee_add", args=[grace.pk]),
                                  add_data(grace, **values))
    assert response.status_code == 400
    html = text(response)
    assert expected in html
    assert "mm-error-summary" in html
    email = values.get("email", "Bob@Example.org")
    assert f'value="{email}"' in html
    assert (User.objects.count(), Mentorship.objects.count()) == (users, mentorships)
    assert mailoutbox == []


# --- The invitation ----------------------------------------------------------------------

@pytest.fixture
def invited(grace):
    return services.mentorship_invite(mentor=grace, name="Bob", email="bob@example.org",
                                      start_date=today())


def test_the_invitation_shows_who_invited_and_three_questions(client, invited):
    html = text(client.get(reverse("invitation", args=[invitation_token(invited.pk)])))
    assert "Grace Hopper invited you to be their mentee" in html
    assert "grace@example.org" in html
    assert 'name="name" value="Bob"' in html
    assert 'data-browser-timezone="true"' in html
    assert "What do you want to work on?" in html
    assert "Decline the invitation" in html


def test_confirming_signs_the_mentee_in_and_starts_the_mentorship(
    client, invited, mailoutbox, django_capture_on_commit_callbacks
):
    url = reverse("invitation", args=[invitation_token(invited.pk)])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"name": "Bob Builder", "timezone": "Europe/Paris",
                                     "goals": "Evals", "accept": "1"}, follow=True)
    detail = reverse("mentorship_detail", args=[invited.pk])
    assert response.redirect_chain[-1][0] == detail
    invited.refresh_from_db()
    assert invited.status == MentorshipStatus.ACTIVE
    mentee = invited.mentee
    mentee.refresh_from_db()
    assert (mentee.user.name, mentee.timezone, mentee.goals) == ("Bob Builder",
                                                                "Europe/Paris", "Evals")
    assert EmailAddress.objects.get(user=mentee.user).verified
    assert int(client.session["_auth_user_id"]) == mentee.user.pk
    html = text(response)
    assert "Your mentorship with Grace Hopper" in html
    assert "Welcome!" in html
    # Both introduced; the mentee's introduction also has the baseline survey.
    assert sorted(m.to[0] for m in mailoutbox if "Meet your" in m.subject) == [
        "bob@example.org", "grace@example.org"]
    assert [m.to[0] for m in mailoutbox if "rate where you stand" in m.body] == [
        "bob@example.org"]
    # The link has done its job.
    response = client.get(url)
    assert "You already confirmed this invitation" in text(response)


def test_a_bad_confirmation_is_explained_and_kept(client, invited):
    url = reverse("invitation", args=[invitation_token(invited.pk)])
    response = client.post(url, {"name": "Bob Builder", "timezone": "Mars/Olympus",
                                 "goals": ""})
    assert response.status_code == 400
    html = text(response)
    assert "Pick your time zone from the list" in html
    assert "Tell your mentor in a sentence what you want to work on." in html
    assert 'value="Bob Builder"' in html
    invited.refresh_from_db()
    assert invited.status == MentorshipStatus.INVITED
    assert "_auth_user_id" not in client.session


def test_declining(client, invited):
    url = reverse("invitation", args=[invitation_token(invited.pk)])
    response = client.post(url, {"decline": "1"})
    assert "You declined the invitation" in text(response)
    invited.refresh_from_db()
    assert invited.status == MentorshipStatus.DECLINED
    assert "_auth_user_id" not in client.session


def test_an_expired_invitation_says_so(client, invited):
    token = invitation_token(invited.pk)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        response = client.get(reverse("invitation", args=[token]))
    assert response.status_code == 410
    assert "This invitation has expired" in text(response)


@pytest.mark.parametrize("token", ["nonsense", "FORGED"])
def test_a_forged_invitation_says_so(client, invited, token):
    if token == "FORGED":
        token = signing.dumps(invited.pk, salt="somewhere-else")
    response = client.get(reverse("invitation", args=[token]))
    assert response.status_code == 404
    assert "This link isn't valid" in text(response)
    response = client.post(reverse("invitation", args=[token]),
                           {"name": "X", "timezone": "UTC", "goals": "x"})
    invited.refresh_from_db()
    assert invited.status == MentorshipStatus.INVITED


def test_an_organizer_account_gets_no_mentee_role_from_an_invitation(client, grace,
                                                                      organizer):
    m = services.mentorship_invite(mentor=grace, name="Olivia", email=organizer.email,
                                   start_date=today())
    response = client.post(reverse("invitation", args=[invitation_token(m.pk)]),
                           {"name": "Olivia", "timezone": "UTC", "goals": "Learn"})
    assert response.status_code == 409
    assert "belongs to an organizer's account" in text(response)
    assert 'value="Learn"' in text(response) or "Learn" in text(response)  # kept
    assert "_auth_user_id" not in client.session
    m.refresh_from_db()
    assert m.status == MentorshipStatus.INVITED and m.mentee is None
    assert not Mentee.objects.filter(user=organizer).exists()


def test_an_unknown_user_gets_nothing(client, db):
    UserFactory()
    assert client.get("/invitation/abc/").status_code == 404
