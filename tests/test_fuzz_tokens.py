"""The emailed links (confirm held answers, the mentee invitation, pause reminders, the
survey): a random, garbled, truncated or other-link token gets a page that says the link
doesn't work and changes nothing; a good link used twice does its work once."""

from html import unescape
from urllib.parse import quote

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from matching.models import ApplicationUpdate, MenteeApplication, Mentorship
from matching.services.mentorships import mentorship_invite
from matching.tokens import invitation_token, update_token
from mm_program.models import Message, ReminderPause
from mm_program.reminders import pause_token
from surveys.models import Answer, Response
from surveys.tokens import survey_token

from .factories import MenteeApplicationFactory, MentorFactory
from .fuzz_strategies import (
    any_character,
    assert_no_server_error,
    assert_refused_as_too_big,
    examples,
    isolated,
    post,
    posts,
    rows,
    too_big,
)
from .surveys_helpers import MENTEE_FINAL_OK, completed, invitation

pytestmark = pytest.mark.django_db

KIND = "meeting-nudge"
# Each link: its URL for a token, and what its page says about a link that doesn't work.
LINKS = {
    "update": ("/apply/confirm/{}/", "This link isn't valid"),
    "invitation": ("/invitation/{}/", "This link isn't valid"),
    "pause": ("/reminders/pause/{}/", "This link doesn't work"),
    "one-click": ("/reminders/pause/{}/one-click/", "This pause link is invalid."),
    "survey": ("/surveys/{}/", "This link isn't valid"),
}


def url(link: str, token: str) -> str:
    return LINKS[link][0].format(quote(token, safe="", errors="surrogatepass"))


@pytest.fixture
def links(program, mentee_data):
    """A good token of every link, and the rows that using one would change."""
    held = MenteeApplicationFactory(program=program, email="ada@example.org",
                                    user__email="ada@example.org")
    update = ApplicationUpdate.objects.create(
        kind="mentee", application_id=held.pk,
        data={key: value if isinstance(value, list) else [value]
              for key, value in {**mentee_data, "goals": "Sent again."}.items()})
    invited = mentorship_invite(mentor=MentorFactory(program=program), name="Bo",
                                email="bo@example.org", start_date=timezone.localdate())
    inv = invitation(completed(program))
    return {
        "tokens": {"update": update_token(update.pk), "invitation": invitation_token(invited.pk),
                   "pause": pause_token(invited.mentor.user_id, KIND),
                   "one-click": pause_token(invited.mentor.user_id, KIND),
                   "survey": survey_token(inv)},
        "update": update, "invited": invited, "inv": inv,
    }


def watched():
    return rows(ApplicationUpdate.objects, MenteeApplication.objects, Mentorship.objects,
                ReminderPause.objects, Response.objects, Answer.objects, Message.objects)


@st.composite
def bad_tokens(draw, tokens: dict[str, str], link: str):
    """Tokens that must not work on `link`."""
    good = tokens[link]
    how = draw(st.sampled_from(["random", "truncated", "altered", "extended",
                                "another link's", "unsigned"]))
    if how == "random":
        return draw(st.text(alphabet=any_character.filter(lambda c: c != "/"), min_size=1,
                            max_size=300))
    if how == "truncated":
        return good[:draw(st.integers(1, len(good) - 1))]
    if how == "altered":
        at = draw(st.integers(0, len(good) - 1))
        new = draw(st.sampled_from("AZaz09-_:.\x00é").filter(lambda c: c != good[at]))
        return good[:at] + new + good[at + 1:]
    if how == "extended":
        return good + draw(st.text(alphabet=any_character.filter(lambda c: c != "/"),
                                   min_size=1, max_size=20))
    if how == "another link's":
        # Signed by this site, for another purpose: the salts keep them apart. (The two
        # pause links share their token on purpose.)
        pause = {"pause", "one-click"}
        return draw(st.sampled_from(sorted(
            value for key, value in tokens.items()
            if key != link and not ({key, link} <= pause))))
    return signing.dumps(draw(st.integers(1, 10**6)))  # the default salt


@examples(30)
@given(data=st.data())
def test_a_bad_link_says_so_and_changes_nothing(links, data):
    link = data.draw(st.sampled_from(sorted(LINKS)))
    token = data.draw(bad_tokens(links["tokens"], link))
    method = "post" if link == "one-click" else data.draw(st.sampled_from(["get", "post"]))
    with isolated():
        before = watched()
        client = Client()
        if method == "get":
            response = client.get(url(link, token))
        else:
            response = post(client, url(link, token), data.draw(posts(
                {"action": "submit", "decline": "", "name": "Mallory"})))
        assert_no_server_error(response)
        assert response.status_code in (400, 404), response.status_code
        if response.status_code == 400 or "/" not in token and token.strip("."):
            # (A token the URL can't route, like ".." or "", is the site's own 404.)
            assert LINKS[link][1] in unescape(response.content.decode())
        assert watched() == before


FIRST_USES = {
    "update": {},
    "invitation": {"name": "Bo Builder", "timezone": "Europe/Berlin", "goals": "Evals."},
    "survey": {**{f"q-{k}": v for k, v in MENTEE_FINAL_OK.items()}, "action": "submit"},
    "pause": {"action": "pause"},
    "one-click": {"List-Unsubscribe": "One-Click"},
}


# What a replay posts: the same form with other answers, spoiled by posts(). (The pause
# page is left out: pausing again is what it is for, and resuming is its other button.)
SECOND_USES = {
    "update": {"csrfmiddlewaretoken": "x"},
    "invitation": {"name": "Mallory", "timezone": "Europe/Paris", "goals": "Overwrite."},
    "survey": {**{f"q-{k}": v for k, v in MENTEE_FINAL_OK.items()}, "q-liked": "Again.",
               "action": "submit"},
    "one-click": {"List-Unsubscribe": "One-Click"},
}


@examples(20)
@given(data=st.data())
def test_a_used_link_does_its_work_once(links, data):
    """Whatever a replayed link posts the second time (the same form, another one or
    garbage), what the first use did stays as it was."""
    link = data.draw(st.sampled_from(sorted(SECOND_USES)))
    second = data.draw(posts(SECOND_USES[link]))
    target = url(link, links["tokens"][link])
    with isolated():
        first = post(Client(), target, FIRST_USES[link])
        assert first.status_code in (200, 302), first.status_code
        after_first = watched()
        replay = post(Client(), target, second)
        assert_no_server_error(replay)
        assert watched() == after_first
        html = replay.content.decode()
        if too_big(second):
            assert_refused_as_too_big(replay)
        elif link == "update":
            assert "These changes were already applied." in html
        elif link == "invitation":
            assert "You already confirmed this invitation" in html
        elif link == "survey" and replay.status_code != 409:  # 409: the autosave's JSON
            assert replay.status_code == 200 and "Thank you: your answers are in" in html


def test_pausing_twice_from_either_pause_link_pauses_once(links):
    user_id = links["invited"].mentor.user_id
    for link, form in (("pause", {"action": "pause"}), ("one-click", {}),
                       ("pause", {"action": "pause"}), ("one-click", {})):
        assert post(Client(), url(link, links["tokens"][link]), form).status_code in (200, 302)
    assert list(ReminderPause.objects.values_list("user_id", "kind")) == [(user_id, KIND)]
