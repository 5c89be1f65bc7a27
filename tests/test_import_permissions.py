"""Who may import: organizers (and superusers), into each of the four imports. Staff of
another role, participants and visitors can neither open the pages nor post a confirmed
import made up by hand."""

import pytest
from django.urls import reverse

from matching.models import MenteeApplication

from .factories import UserFactory
from .import_helpers import GOOGLE_FORM_HEADERS, csv_file, google_form_row, import_url

pytestmark = pytest.mark.django_db

KINDS = ["menteeapplication", "mentorapplication", "mentorship", "meetinglog"]


def _forged_confirmation(program) -> dict:
    # What the confirm form would carry: someone without the right guesses it.
    return {"import_file_name": "guessed", "original_file_name": "responses.csv",
            "format": "csv", "program": program.pk, "notify": "on"}


@pytest.mark.parametrize("kind", KINDS)
def test_organizers_see_the_import_button_and_page(organizer_client, program, kind):
    changelist = organizer_client.get(reverse(f"admin:matching_{kind}_changelist"))
    assert import_url(kind) in changelist.content.decode()
    page = organizer_client.get(import_url(kind))
    assert page.status_code == 200
    assert 'name="import_file"' in page.content.decode()


def test_a_superuser_may_import(client, program):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(import_url("mentorship")).status_code == 200


@pytest.mark.parametrize("kind", KINDS)
def test_a_payments_officer_can_neither_open_nor_confirm_an_import(
        officer_client, program, kind):
    assert officer_client.get(import_url(kind)).status_code == 403
    upload = officer_client.post(import_url(kind), {
        "program": program.pk,
        "import_file": csv_file(GOOGLE_FORM_HEADERS, [google_form_row(1)])})
    assert upload.status_code == 403
    confirm = officer_client.post(reverse(f"admin:matching_{kind}_process_import"),
                                  _forged_confirmation(program))
    assert confirm.status_code == 403


@pytest.mark.parametrize("kind", KINDS)
def test_staff_without_a_role_and_participants_get_403(client, program, kind):
    for user in (UserFactory(is_staff=True), UserFactory()):
        client.force_login(user)
        assert client.get(import_url(kind), follow=True).status_code == 403
        response = client.post(reverse(f"admin:matching_{kind}_process_import"),
                               _forged_confirmation(program), follow=True)
        assert response.status_code == 403
    assert not MenteeApplication.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_visitors_are_sent_to_sign_in(client, program, kind):
    response = client.get(import_url(kind))
    assert response.status_code == 302
    assert "login" in response.url


def test_only_importers_get_add_application(client, organizer_client, officer, program):
    add = reverse("admin:matching_menteeapplication_add")
    assert organizer_client.get(add).url == import_url("menteeapplication")
    client.force_login(officer)
    assert client.get(add).status_code == 403
