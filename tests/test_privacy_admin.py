"""Organizers erase people in admin, from a request, a user or an application, through a
confirmation page that says what will happen; nobody else can."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mm_program.models import Erasure, ErasureRequest, User
from mm_program.privacy import erase_url
from mm_program.privacy.services import erasure_request_create, person_erase
from mm_program.roles import ORGANIZERS
from payments.services import stipends as stipend_services

from .factories import UserFactory
from .payments_fixtures import submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]

REQUESTS = reverse("admin:mm_program_erasurerequest_changelist")
RECORDS = reverse("admin:mm_program_erasure_changelist")


@pytest.fixture
def ada(world, officer, budget):
    """Ada asked to be erased; her mentorship is live and a stipend is approved, unpaid."""
    req = submit(world["m"], world["ada"])
    stipend_services.stipend_request_approve(stipend_request=req, by=officer)
    erasure_request_create(user=world["ada"], reason="Leaving.")
    return world["ada"]


def erased(user) -> bool:
    user.refresh_from_db()
    return user.email.endswith("@invalid.example")


def test_organizers_see_the_requests_with_who_and_when(organizer_client, ada):
    page = organizer_client.get(REQUESTS).content.decode()
    assert "Ada Lovelace" in page
    assert "Waiting for an organizer" in page
    assert erase_url(requests=[ErasureRequest.objects.get().pk]).replace("&", "&amp;") in page


def test_the_confirmation_page_says_what_will_happen_and_warns(organizer_client, ada):
    request = ErasureRequest.objects.get()
    page = organizer_client.get(erase_url(requests=[request.pk])).content.decode()
    assert "Ada Lovelace" in page
    assert "Sign-in becomes impossible" in page
    assert "kept as accounting law requires" in page
    # The warnings: her live mentorship, and a stipend that could no longer be paid.
    assert "Their mentorship with Grace Hopper is active" in page
    assert "is approved but not paid" in page
    assert not erased(ada)  # looking changes nothing


def test_an_organizer_erases_from_the_request(organizer_client, organizer, ada):
    request = ErasureRequest.objects.get()
    response = organizer_client.post(erase_url(requests=[request.pk]),
                                     {"requests": str(request.pk)}, follow=True)
    assert "Erased 1 person" in response.content.decode()
    assert erased(ada)
    record = Erasure.objects.get()
    assert (record.performed_by, record.request, record.trigger) == (organizer, request,
                                                                     "request")
    request.refresh_from_db()
    assert request.status == "done"
    # The record is in admin, with who and when, and never the erased data.
    page = organizer_client.get(RECORDS).content.decode()
    assert f"mm_program.user:{ada.pk}" in page and "Olivia Organizer" in page
    assert "ada@example.org" not in page and "Leaving." not in page


def test_an_organizer_starts_from_an_application(organizer_client, ada):
    application = ada.menteeapplications.get()
    response = organizer_client.post(
        reverse("admin:matching_menteeapplication_changelist"),
        {"action": "erase_applicants", "_selected_action": [application.pk]})
    assert response.status_code == 302
    assert response.url == erase_url(users=[ada.pk])
    assert not erased(ada)


def test_a_superuser_starts_from_the_user(client, ada):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.post(reverse("admin:mm_program_user_changelist"),
                           {"action": "erase", "_selected_action": [ada.pk]})
    assert response.url == erase_url(users=[ada.pk])
    client.post(response.url, {"users": str(ada.pk)})
    assert erased(ada)


def test_a_staff_account_is_listed_but_not_erased(organizer_client, officer):
    page = organizer_client.get(erase_url(users=[officer.pk])).content.decode()
    assert "take away its staff status first" in page
    assert 'value="Erase' not in page
    organizer_client.post(erase_url(users=[officer.pk]), {"users": str(officer.pk)})
    assert not erased(officer)


def _plain_staff():
    return UserFactory(is_staff=True)


@pytest.mark.parametrize("who", ["officer", "plain staff", "participant"])
def test_nobody_but_organizers_can_erase(client, ada, officer, who):
    user = {"officer": officer, "plain staff": _plain_staff(),
            "participant": UserFactory()}[who]
    client.force_login(user)
    request = ErasureRequest.objects.get()
    url = erase_url(requests=[request.pk], users=[ada.pk])

    looked = client.get(url)
    posted = client.post(url, {"requests": str(request.pk), "users": str(ada.pk)})
    listed = client.get(REQUESTS)

    if who == "participant":  # not staff: sent to the organizers' sign-in, never served
        assert looked.status_code == posted.status_code == listed.status_code == 302
        assert looked.url.startswith(reverse("admin:login"))
    else:
        assert looked.status_code == posted.status_code == listed.status_code == 403
    assert "Ada Lovelace" not in looked.content.decode()
    assert not erased(ada)
    assert not Erasure.objects.exists()
    assert ErasureRequest.objects.get().status == "open"
    with pytest.raises(PermissionDenied):
        person_erase(user=ada, by=user)
    assert not erased(ada)


def test_organizers_still_cannot_administer_users(organizer_client, ada):
    assert organizer_client.get(reverse("admin:mm_program_user_changelist")).status_code == 403
    assert organizer_client.post(reverse("admin:mm_program_user_changelist"),
                                 {"action": "erase", "_selected_action": [ada.pk]}
                                 ).status_code == 403


def test_an_inactive_organizer_cannot_erase(client, ada):
    former = UserFactory(is_staff=True, is_active=False)
    former.groups.add(Group.objects.get(name=ORGANIZERS))
    with pytest.raises(PermissionDenied):
        person_erase(user=ada, by=former)
    assert User.objects.get(pk=ada.pk).is_active
