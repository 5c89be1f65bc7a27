"""The survey link: valid, tampered, expired, used, replaced; partial saves and resuming;
autosave; single use; a link shows nothing but its own invitation."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from surveys.answering import SurveyClosed, save_answers
from surveys.models import Answer, Response, SurveyKind
from surveys.tokens import SALT, new_nonce, survey_token

from .surveys_helpers import MENTEE_FINAL_OK, answer, completed, invitation

pytestmark = pytest.mark.django_db


def url(inv):
    return reverse("survey", args=[survey_token(inv)])


def form(values, action):
    data = {f"q-{key}": value for key, value in values.items()}
    data["action"] = action
    return data


@pytest.fixture
def inv(program):
    return invitation(completed(program))


def test_a_valid_link_opens_the_survey_without_signing_in(client, inv):
    page = client.get(url(inv))
    assert page.status_code == 200
    html = page.content.decode()
    mentor = inv.mentorship.mentor.user.name
    assert "How was your mentorship?" in html
    assert f"About your mentorship with {mentor}." in html
    assert "About 4 minutes" in html and "12 questions" in html
    assert f"{mentor} never sees them" in html
    assert page["Cache-Control"].startswith("max-age=0")


def test_a_tampered_link_says_so(client, inv):
    token = survey_token(inv)
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
                token.replace(":", "x", 1), "nonsense",
                signing.dumps([inv.pk, "wrong-nonce"], salt=SALT),
                signing.dumps([inv.pk, inv.nonce], salt="another.salt"),
                signing.dumps({"id": inv.pk}, salt=SALT)):
        page = client.get(reverse("survey", args=[bad]))
        assert page.status_code == 404, bad
        assert "This link isn&#x27;t valid" in page.content.decode()


def test_a_link_for_another_invitation_cannot_be_made_from_one(client, inv, program):
    other = invitation(completed(program))
    forged = signing.dumps([other.pk, inv.nonce], salt=SALT)  # the right key, wrong nonce
    assert client.get(reverse("survey", args=[forged])).status_code == 404


def test_a_replaced_nonce_retires_the_old_link(client, inv):
    old = url(inv)
    inv.nonce = new_nonce()
    inv.save()
    assert client.get(old).status_code == 404
    assert client.get(url(inv)).status_code == 200


def test_an_expired_link_says_so_and_takes_no_answers(client, inv):
    link = url(inv)
    with time_machine.travel(inv.expires_at + timedelta(seconds=1)):
        page = client.get(link)
        assert page.status_code == 410
        assert "This survey link has expired" in page.content.decode()
        posted = client.post(link, form(MENTEE_FINAL_OK, "submit"))
        assert posted.status_code == 410
        with pytest.raises(SurveyClosed):
            save_answers(invitation=inv, raw=MENTEE_FINAL_OK, submit=True)
    assert not Response.objects.exists()


def test_a_used_link_thanks_and_nobody_can_answer_twice(client, inv):
    link = url(inv)
    done = client.post(link, form(MENTEE_FINAL_OK, "submit"))
    assert done.status_code == 302 and done.url == link
    page = client.get(link)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Thank you: your answers are in" in html
    assert "this link now only shows this page" in html
    assert "q-recommend" not in html  # the form is gone
    again = client.post(link, form({**MENTEE_FINAL_OK, "recommend": "0"}, "submit"))
    assert again.status_code == 200 and "Thank you" in again.content.decode()
    autosave = client.post(link, form(MENTEE_FINAL_OK, "autosave"))
    assert autosave.status_code == 409 and autosave.json() == {"closed": "submitted"}
    assert Answer.objects.get(question__key="recommend").number == Decimal(9)
    with pytest.raises(SurveyClosed):
        save_answers(invitation=inv, raw=MENTEE_FINAL_OK, submit=True)
    # Even after it expires, an answered link still thanks rather than "expired".
    with time_machine.travel(inv.expires_at + timedelta(days=1)):
        assert "Thank you" in client.get(link).content.decode()


def test_save_and_finish_later_then_resume_and_send(client, inv):
    link = url(inv)
    first = {"hours_total": "40", "liked": "Weekly structure",
             "recommend": "8"}
    saved = client.post(link, form(first, "save"), follow=True)
    assert saved.redirect_chain == [(link, 302)]
    assert "Saved. Come back with the same link to finish" in saved.content.decode()
    response = Response.objects.get(invitation=inv)
    assert response.submitted_at is None and response.answers.count() == 3

    # Later, from another device: the saved answers are filled in.
    page = client.get(link).content.decode()
    assert "Your saved answers are filled in below." in page
    assert 'value="40"' in page and ">Weekly structure</textarea>" in page
    assert 'value="8" checked' in page

    rest = {**MENTEE_FINAL_OK, "hours_total": "45"}
    assert client.post(link, form(rest, "submit")).status_code == 302
    response.refresh_from_db()
    assert response.submitted_at is not None
    assert response.answers.get(question__key="hours_total").number == Decimal(45)
    assert response.answers.count() == 11  # "disliked" stayed blank


def test_clearing_an_answer_removes_it(client, inv):
    link = url(inv)
    client.post(link, form({"liked": "Plenty", "hours_total": "10"}, "save"))
    client.post(link, form({"liked": "", "hours_total": "10"}, "save"))
    assert list(Answer.objects.values_list("question__key", flat=True)) == ["hours_total"]


def test_autosave_keeps_valid_answers_and_reports_the_others(client, inv):
    link = url(inv)
    reply = client.post(link, form({"hours_total": "30", "recommend": "12"}, "autosave"))
    assert reply.status_code == 200
    assert reply.json() == {"saved": 1, "errors": {"recommend": "Pick a whole number from "
                                                                 "0 to 10."}}
    assert Answer.objects.get().number == Decimal(30)
    # Required answers are not demanded until sending.
    assert not Response.objects.get().submitted_at


def test_a_save_with_nothing_valid_creates_nothing(client, inv):
    page = client.post(url(inv), form({"recommend": "99"}, "save"))
    assert page.status_code == 400
    assert not Response.objects.exists()


def test_a_started_response_keeps_its_version(inv):
    response = answer(inv, submit=False, recommend=None)
    assert response.template == inv.template


def test_the_mentor_survey_is_about_the_mentee(client, program):
    m = completed(program)
    inv = invitation(m, SurveyKind.MENTOR_FINAL)
    html = client.get(url(inv)).content.decode()
    mentee = m.mentee.user.name
    assert "Was it worth your time?" in html
    assert f"About mentoring {mentee}." in html
    assert f"{mentee} never sees them" in html


def test_a_link_shows_only_its_own_answers(client, program):
    """The mentee's link shows the mentee's answers; the mentor's link never does."""
    m = completed(program)
    mentee_inv = invitation(m)
    answer(mentee_inv, submit=False, liked="Secret praise for my mentor")
    mentor_inv = invitation(m, SurveyKind.MENTOR_FINAL)
    html = client.get(url(mentor_inv)).content.decode()
    assert "Secret praise" not in html
    assert "Secret praise" in client.get(url(mentee_inv)).content.decode()


def test_the_expiry_is_weeks_away_and_mentioned(client, inv):
    assert inv.expires_at > timezone.now() + timedelta(days=40)
    saved = client.post(url(inv), form({"hours_total": "3"}, "save"), follow=True)
    expected = timezone.localtime(inv.expires_at)
    assert f"any time before {expected.day} {expected:%B}" in saved.content.decode()
