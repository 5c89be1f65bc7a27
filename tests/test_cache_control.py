"""Pages for one person are never stored by a browser or a proxy: every page a signed-in
person gets (their data, and links that act as them: survey links, the invitation
link), and every page under an emailed link, says Cache-Control: private, no-store. The
public pages are left alone."""

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.demo_data import DEMO_MENTEE, DEMO_MENTOR, email_for
from matching.models import Mentorship, MentorshipStatus
from matching.tokens import invitation_token
from mm_program.models import User
from mm_program.reminders import pause_token
from payments.models import StipendRequest
from surveys.tokens import survey_token

from .demo_once import demo_once
from .surveys_helpers import invitation

pytestmark = pytest.mark.django_db

_demo_seeded_once = demo_once()


@pytest.fixture
def demo(_demo_seeded_once, db):
    mentor = User.objects.get(email=email_for(DEMO_MENTOR))
    mentee = User.objects.get(email=email_for(DEMO_MENTEE))
    m = Mentorship.objects.filter(mentor__user=mentor, mentee__user=mentee).first()
    # A survey the mentee owes: their dashboard lists its link (signed, acts as them).
    owed = invitation(m)
    return {"mentor": mentor, "mentee": mentee, "m": m, "owed": owed}


def assert_private(response, url):
    assert response.status_code < 500, url
    header = response.get("Cache-Control", "")
    assert "private" in header and "no-store" in header, (url, header)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_mentors_pages(demo):
    m = demo["m"]
    client = signed_in(demo["mentor"])
    for url in ("/dashboard/", f"/mentorships/{m.pk}/", f"/mentorships/{m.pk}/terms/",
                f"/mentorships/{m.pk}/project/", f"/mentorships/{m.pk}/end/",
                "/stipends/", "/stipends/bank-details/", "/privacy/",
                "/privacy/my-data.json"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_private(response, url)


def test_a_mentees_pages(demo):
    m = demo["m"]
    stipend = StipendRequest.objects.filter(payee=demo["mentee"]).first()
    client = signed_in(demo["mentee"])
    for url in ("/dashboard/", f"/mentorships/{m.pk}/", "/stipends/",
                f"/stipends/{stipend.pk}/", f"/stipends/new/{m.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_private(response, url)


def test_the_dashboard_with_survey_links(demo):
    owed = demo["owed"]
    # The link is signed with the time in seconds: the page and the test sign it in the
    # same frozen second (on a loaded CI machine the request once crossed into the next).
    with time_machine.travel(timezone.now(), tick=False):
        response = signed_in(owed.person).get("/dashboard/")
        assert reverse("survey", args=[survey_token(owed)]) in response.content.decode()
    assert_private(response, "/dashboard/")


def test_the_emailed_links_pages(demo):
    invited = Mentorship.objects.filter(status=MentorshipStatus.INVITED).first()
    client = Client()
    for url in (reverse("invitation", args=[invitation_token(invited.pk)]),
                reverse("survey", args=[survey_token(demo["owed"])]),
                reverse("reminder_pause", args=[pause_token(demo["mentor"].pk,
                                                            "meeting-nudge")]),
                reverse("apply_update_confirm", args=["not-a-token"])):
        assert_private(client.get(url), url)


def test_the_public_pages_are_left_alone(demo):
    for url in ("/", "/apply/mentee/"):
        assert "no-store" not in Client().get(url).get("Cache-Control", ""), url
