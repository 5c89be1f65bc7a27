"""An organizer invites another organizer into a program they run, without a superuser;
nobody else can, and nothing is lost on a refused form."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from matching.scoping import organized_programs
from mm_program.models import User
from mm_program.roles import ORGANIZERS, ensure_roles

from .factories import ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


def _organizer_of(*programs, email="oona@example.org"):
    ensure_roles()
    user = UserFactory(email=email, is_staff=True)
    user.groups.add(Group.objects.get(name=ORGANIZERS))
    for program in programs:
        program.organizers.add(user)
    client = Client()
    client.force_login(user)
    return user, client


def test_an_organizer_invites_a_new_person_who_then_sees_that_program_only(
        django_capture_on_commit_callbacks):
    mine, theirs = ProgramFactory(name="Mine"), ProgramFactory(name="Theirs")
    oona, client = _organizer_of(mine)
    url = reverse("admin:matching_program_invite", args=[mine.pk])
    assert "Invite an organizer" in client.get(
        reverse("admin:matching_program_change", args=[mine.pk])).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"email": "New.Person@Example.org", "name": "Nia"})
    assert response.status_code == 302
    nia = User.objects.get(email="new.person@example.org")
    assert nia.is_staff and nia.groups.filter(name=ORGANIZERS).exists()
    assert list(organized_programs(nia)) == [mine]
    [email] = mail.outbox
    assert email.to == ["new.person@example.org"] and "Mine" in email.subject
    assert "/accounts/login/" in email.body and str(oona) in email.body
    nias = Client()
    nias.force_login(nia)
    assert nias.get(reverse("admin:matching_program_change", args=[mine.pk])
                    ).status_code == 200
    assert nias.get(reverse("admin:matching_program_change", args=[theirs.pk])
                    ).status_code == 404


def test_inviting_someone_twice_or_a_bad_address_is_refused_keeping_what_was_typed():
    mine = ProgramFactory()
    oona, client = _organizer_of(mine)
    url = reverse("admin:matching_program_invite", args=[mine.pk])
    response = client.post(url, {"email": "not-an-address", "name": "Kept Name"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid email address" in page and 'value="Kept Name"' in page
    response = client.post(url, {"email": oona.email})
    assert response.status_code == 400 and "already" in response.content.decode()
    assert not mail.outbox


def test_nobody_invites_into_a_program_they_do_not_run():
    mine, theirs = ProgramFactory(), ProgramFactory()
    _, organizer = _organizer_of(mine)
    url = reverse("admin:matching_program_invite", args=[theirs.pk])
    assert organizer.post(url, {"email": "sneak@example.org"}).status_code == 404
    participant = Client()
    participant.force_login(UserFactory())
    response = participant.post(url, {"email": "sneak@example.org"})
    assert response.status_code == 302 and "/login/" in response.url
    assert not User.objects.filter(email="sneak@example.org").exists()
    assert not theirs.organizers.exists()
