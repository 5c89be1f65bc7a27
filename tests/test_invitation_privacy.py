"""A mentor's invitation tells the mentor nothing about the address they typed, touches no
account until its owner accepts, is limited per mentor, and emails a fixed text.

Reproduces the findings: a mentor adding "Some Stranger" with an existing person's
address was told that person's stored name; a staff address got a mentee role; ten
add/withdraw cycles sent ten emails with the mentor's text and made ten accounts."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from matching.models import Mentee, Mentorship, MentorshipStatus
from matching.services import matching_inputs
from matching.services import mentorships as services
from matching.tokens import invitation_token
from mm_program.models import Message

from .factories import MenteeFactory, UserFactory
from .helpers import sheet_row, text, today

pytestmark = pytest.mark.django_db

User = get_user_model()


def add(client, mentor, *, name="Some Stranger", email="greta@example.org", follow=True):
    data = {"name": name, "email": email, "start_date": today().isoformat()}
    return client.post(reverse("mentee_add", args=[mentor.pk]),
                       {f"add-{mentor.pk}-{k}": v for k, v in data.items()}, follow=follow)


def same_for_anyone(html: str, m: Mentorship) -> str:
    """The page without what differs between two requests anyway: CSRF tokens and the
    new row's id."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", html)
    for form in ("/mentorships/{}/", "mentorship-{}", "log-{}-", "mentorship={}"):
        html = html.replace(form.format(m.pk), form.format("ID"))
    return html


def invite_and_look(client, grace) -> tuple[str, str, str]:
    response = add(client, grace)
    m = Mentorship.objects.get(status=MentorshipStatus.INVITED)
    pages = (response.content.decode(),
             client.get(reverse("dashboard")).content.decode(),
             client.get(reverse("mentorship_detail", args=[m.pk])).content.decode())
    pages = tuple(same_for_anyone(page, m) for page in pages)
    Message.objects.all().delete()
    m.delete()
    return pages


def test_the_pages_are_the_same_whether_the_address_has_an_account_or_not(
        mentor_client, grace, deliver_at_once):
    unknown = invite_and_look(mentor_client, grace)
    UserFactory(email="greta@example.org", name="Greta Nilsson")
    known = invite_and_look(mentor_client, grace)
    for a, b in zip(known, unknown, strict=True):
        assert a.splitlines() == b.splitlines()
    assert "Greta Nilsson" not in "".join(known)
    assert "Some Stranger" in known[1]


def test_the_mentor_sees_the_name_they_typed_until_the_invitee_accepts(
        mentor_client, grace, deliver_at_once):
    client = Client()  # the invitee's browser
    UserFactory(email="greta@example.org", name="Greta Nilsson")
    add(mentor_client, grace)
    m = Mentorship.objects.get(status=MentorshipStatus.INVITED)
    for page in (reverse("dashboard"), reverse("mentorship_detail", args=[m.pk])):
        html = text(mentor_client.get(page))
        assert "Some Stranger" in html and "Greta Nilsson" not in html
        assert "Contact(" not in html  # the typed name and address, written as a name
    detail = text(mentor_client.get(reverse("mentorship_detail", args=[m.pk])))
    assert "Your mentorship with Some Stranger" in detail
    # The invitation page is for whoever holds the link: it shows the typed name too.
    invitation = text(client.get(reverse("invitation", args=[invitation_token(m.pk)])))
    assert "Greta Nilsson" not in invitation
    # Once she accepts, she is who she says she is.
    client.post(reverse("invitation", args=[invitation_token(m.pk)]),
                {"name": "Greta Nilsson", "timezone": "Europe/Oslo", "goals": "Evals"})
    m.refresh_from_db()
    assert m.status == MentorshipStatus.ACTIVE and m.mentee.user.email == "greta@example.org"
    assert "Greta Nilsson" in sheet_row(text(mentor_client.get(reverse("dashboard"))), m)
    assert (m.invited_name, m.invited_email) == ("", "")


def test_an_invitation_makes_no_account_and_no_role_until_accepted(mentor_client, grace,
                                                                  deliver_at_once):
    users, mentees = User.objects.count(), Mentee.objects.count()
    for n in range(3):
        add(mentor_client, grace, email=f"stranger{n}@example.org")
    assert (User.objects.count(), Mentee.objects.count()) == (users, mentees)


def test_a_staff_address_never_becomes_a_mentee(client, grace, organizer, deliver_at_once):
    m = services.mentorship_invite(mentor=grace, name="Olivia", email=organizer.email,
                                   start_date=today())
    response = client.post(reverse("invitation", args=[invitation_token(m.pk)]),
                           {"name": "Olivia", "timezone": "UTC", "goals": "Learn"})
    assert response.status_code == 409
    assert not Mentee.objects.filter(user=organizer).exists()
    assert "_auth_user_id" not in client.session


def test_invitations_are_limited_per_mentor(mentor_client, grace, settings,
                                           deliver_at_once):
    settings.INVITATION_RATE_LIMIT = "3/d"
    for n in range(3):  # add, then withdraw: the places come back, the count doesn't
        add(mentor_client, grace, email=f"cycle{n}@example.org")
        m = Mentorship.objects.get(status=MentorshipStatus.INVITED)
        mentor_client.post(reverse("mentorship_withdraw", args=[m.pk]))
    sent = len(mail.outbox)
    response = add(mentor_client, grace, name="One Too Many", email="more@example.org",
                   follow=False)
    assert response.status_code == 429
    html = text(response)
    assert "paused until tomorrow" in html
    assert 'value="One Too Many"' in html and 'value="more@example.org"' in html
    assert len(mail.outbox) == sent
    assert not Mentorship.objects.filter(invited_name="One Too Many").exists()


def test_a_refused_addition_does_not_count_against_the_limit(mentor_client, grace,
                                                           settings, deliver_at_once):
    settings.INVITATION_RATE_LIMIT = "1/d"
    assert add(mentor_client, grace, email="not an address", follow=False).status_code == 400
    assert add(mentor_client, grace, follow=False).status_code == 302


def test_the_email_is_ours_and_quotes_what_the_mentor_typed(grace, deliver_at_once):
    grace.user.name = "Grace Hopper. URGENT: your account is locked"
    grace.user.save()
    services.mentorship_invite(mentor=grace, name="Click https://evil.example now",
                               email="greta@example.org", start_date=today())
    email = mail.outbox[-1]
    assert email.subject == "An invitation to a mentorship in AI Safety Mentors and Mentees"
    typed = [line for line in email.body.splitlines()
             if "evil.example" in line or "URGENT" in line]
    assert typed == ['    Mentor: "Grace Hopper. URGENT: your account is locked"',
                     '    Mentee: "Click https://evil.example now" <greta@example.org>']
    assert "In their own words:" in email.body
    html = email.alternatives[0][0]
    assert "<blockquote" in html and "“Click https://evil.example now”" in html


def test_a_waiting_invitation_leaves_the_matching_pool_alone(program, grace, ada,
                                                            deliver_at_once):
    # An invitation's row has no mentee yet; a NULL in "mentees already taken" would
    # make NOT IN select nobody at all.
    services.mentorship_invite(mentor=grace, name="Bob", email="bob@example.org",
                               start_date=today())
    waiting = MenteeFactory(program=program)
    taken = matching_inputs.taken_mentee_ids(program)
    assert Mentee.objects.filter(program=program).exclude(pk__in=taken).filter(
        pk=waiting.pk).exists()
