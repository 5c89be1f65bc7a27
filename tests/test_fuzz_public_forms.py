"""Hostile input on the forms anyone can post: the two interest forms, the invited
mentee's confirmation and sign-in. Never a server error, never half an application: a
post either leaves every row as it was (and says what is wrong), or makes the whole set
a success makes. See tests/fuzz_strategies.py for what is posted."""

from html import escape

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from matching.models import (
    ApplicationUpdate,
    MenteeApplication,
    MentorApplication,
    Mentorship,
    MentorshipStatus,
)
from matching.services.mentorships import mentorship_invite
from matching.tokens import invitation_token
from mm_program.models import Message

from .factories import MenteeApplicationFactory, MentorApplicationFactory, MentorFactory
from .fuzz_strategies import (
    assert_no_server_error,
    assert_refused_as_too_big,
    changes,
    counts,
    examples,
    isolated,
    label,
    post,
    posted,
    posts,
    sent,
    too_big,
)
from .matching_helpers import accepted_mentor

pytestmark = pytest.mark.django_db

User = get_user_model()

# Has an open application of each kind: a form sent again with this address is held
# until the address's owner confirms it (an ApplicationUpdate).
TAKEN = "taken@example.org"
MODELS = {"mentee": MenteeApplication, "mentor": MentorApplication}
# Text fields whose value, when the post left them valid, must come back on a refused
# page: nothing typed is lost.
KEPT = {"mentee": ("goals", "field_of_study"), "mentor": ("organization",)}


def tables(role):
    model = MODELS[role]
    extra = [MenteeApplication.preferred_mentors] if role == "mentee" else []
    return [User, EmailAddress, model, model.research_areas, *extra, ApplicationUpdate,
            Message]


@pytest.fixture
def setting_up_applications(program, areas):
    """A listed mentor (so the mentee form asks for preferred mentors) and TAKEN's open
    applications."""
    accepted_mentor(program, "Listed Lee", listed_for_applicants=True)
    MenteeApplicationFactory(program=program, email=TAKEN, user__email=TAKEN)
    MentorApplicationFactory(program=program, email=TAKEN, user__email=TAKEN)
    return program


def application_posts(valid):
    """Near-valid and garbage forms, from a new address or from TAKEN's."""
    return st.sampled_from(["ada@example.org", TAKEN, " Taken@Example.ORG "]).flatmap(
        lambda email: posts({**valid, "email": email}))


def assert_whole_application_or_nothing(role, data, response, delta):
    assert_no_server_error(response)
    model = MODELS[role]
    if too_big(data):
        assert_refused_as_too_big(response)
        assert delta == {}
        return
    if response.status_code != 302:
        assert response.status_code == 400
        assert delta == {}, "a refused form saved something"
        html = response.content.decode()
        assert "mm-error-summary" in html
        for name in KEPT[role]:
            if isinstance(data.get(name), str) and data[name].strip() == data[name]:
                assert escape(data[name]) in html, f"what was typed in {name} is lost"
        return
    assert response.url == reverse("apply_thanks", args=[role])
    if posted(data, "website"):
        assert delta == {}, "a bot's post saved something"
    elif label(ApplicationUpdate) in delta:
        assert delta == {label(ApplicationUpdate): 1, label(Message): 1}
    else:
        application = model.objects.latest("pk")
        expected = {label(model): 1, label(Message): 1,
                    label(model.research_areas): application.research_areas.count()}
        assert expected[label(model.research_areas)] >= 1
        if role == "mentee" and application.preferred_mentors.exists():
            expected[label(MenteeApplication.preferred_mentors)] = \
                application.preferred_mentors.count()
        if delta.get(label(User)):
            expected.update({label(User): 1, label(EmailAddress): 1})
        assert delta == expected


@examples(20)
@given(data=st.data())
def test_it_takes_a_whole_mentee_application_or_nothing(setting_up_applications,
                                                       mentee_data, data):
    program = setting_up_applications
    url = data.draw(st.sampled_from(["/apply/mentee/",
                                     f"/programs/{program.slug}/apply/mentee/"]))
    form = data.draw(application_posts(mentee_data))
    with isolated():
        before = counts(tables("mentee"))
        response = post(Client(), url, form)
        assert_whole_application_or_nothing("mentee", form, response,
                                            changes(before, tables("mentee")))


@examples(20)
@given(data=st.data())
def test_it_takes_a_whole_mentor_application_or_nothing(setting_up_applications,
                                                       mentor_data, data):
    form = data.draw(application_posts(mentor_data))
    with isolated():
        before = counts(tables("mentor"))
        response = post(Client(), "/apply/mentor/", form)
        assert_whole_application_or_nothing("mentor", form, response,
                                            changes(before, tables("mentor")))


# --- The invited mentee's confirmation -------------------------------------------------

INVITATION_OK = {"name": "Ada Lovelace", "timezone": "Europe/London",
                 "goals": "Write a distillation of a mech interp paper."}


@pytest.fixture
def invited(program):
    mentor = MentorFactory(program=program)
    return mentorship_invite(mentor=mentor, name="Ada", email="ada@example.org",
                             start_date=timezone.localdate())


@examples(20)
@given(form=posts(INVITATION_OK))
def test_it_confirms_an_invitation_whole_or_not_at_all(invited, form):
    url = reverse("invitation", args=[invitation_token(invited.pk)])
    watched = [User, EmailAddress, Mentorship, Message]
    with isolated():
        before = counts(watched)
        response = post(Client(), url, form)
        assert_no_server_error(response)
        m = Mentorship.objects.select_related("mentee__user").get(pk=invited.pk)
        if too_big(form):
            assert_refused_as_too_big(response)
            assert m.status == MentorshipStatus.INVITED
            assert changes(before, watched) == {}
        elif sent(form, "decline"):
            assert m.status == MentorshipStatus.DECLINED
            assert changes(before, watched) == {}
        elif response.status_code == 302:
            assert m.status == MentorshipStatus.ACTIVE
            assert m.mentee.timezone == posted(form, "timezone")
            assert m.mentee.user.name == " ".join(posted(form, "name").split())
            assert EmailAddress.objects.get(user=m.mentee.user).verified
            # The account is made now, on accepting, not when the mentor invited.
            assert changes(before, watched) == {
                label(Message): 2, label(User): 1, label(EmailAddress): 1}
        else:
            assert response.status_code == 400
            assert "mm-error-summary" in response.content.decode()
            assert m.status == MentorshipStatus.INVITED
            assert (m.mentee, m.invited_name) == (None, "Ada")
            assert changes(before, watched) == {}


# --- Sign-in ---------------------------------------------------------------------------

@pytest.fixture
def member(db):
    return MentorApplicationFactory(email="grace@example.org",
                                    user__email="grace@example.org").user


@examples(25)
@given(data=st.data())
def test_sign_in_forms_never_fail_nor_create_accounts(member, data):
    """Self-service sign-up is closed: no post to a sign-in form makes an account."""
    name, valid = data.draw(st.sampled_from([
        ("account_login", {"login": member.email, "password": "a-long-test-password-42"}),
        ("account_request_login_code", {"email": member.email}),
        ("account_confirm_login_code", {"code": "ABCD-EFGH"}),
    ]))
    form = data.draw(posts(valid))
    with isolated():
        client = Client()
        if name == "account_confirm_login_code":
            # The code form only exists once a code was asked for.
            client.post(reverse("account_request_login_code"), {"email": member.email})
        before = counts([User, EmailAddress])
        response = post(client, reverse(name), form)
        assert_no_server_error(response)
        assert changes(before, [User, EmailAddress]) == {}
