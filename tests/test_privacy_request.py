"""A participant asks for erasure from their page: recorded once, acknowledged by email
through the message log, visible to organizers."""

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from mm_program.models import ErasureRequest, Message

from .factories import MenteeFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]

URL = reverse("privacy")


@pytest.fixture
def ada(program):
    return MenteeFactory(program=program, user__name="Ada Lovelace",
                         user__email="ada@example.org").user


def test_the_dashboard_links_to_the_download_and_the_request(client, ada):
    client.force_login(ada)
    page = client.get(reverse("dashboard")).content.decode()
    assert reverse("privacy_export") in page
    assert URL in page


def test_it_needs_sign_in(client, ada):
    assert client.get(URL).url.startswith(reverse("account_login"))
    response = client.post(URL, {"reason": "Gone."})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not ErasureRequest.objects.exists()


def test_it_records_the_request_and_acknowledges_it_by_email(client, ada):
    client.force_login(ada)
    response = client.post(URL, {"reason": "  I'm leaving the field.  "}, follow=True)
    assert "We have your request" in response.content.decode()
    request = ErasureRequest.objects.get()
    assert (request.user, request.status, request.reason) == (ada, "open",
                                                             "I'm leaving the field.")
    message = Message.objects.get(kind="erasure-requested")
    assert (message.recipient, message.user, message.status) == ("ada@example.org", ada,
                                                                 "sent")
    assert message.about == f"mm_program.erasurerequest:{request.pk}"
    (email,) = mail.outbox
    assert email.to == ["ada@example.org"]
    assert "erase your data" in email.subject
    assert f"{settings.SITE_URL}/privacy/" in email.body
    # The page now says it waits instead of offering the form again.
    page = client.get(URL).content.decode()
    assert "You asked us on" in page and 'name="reason"' not in page


def test_asking_again_while_a_request_is_open_changes_nothing(client, ada):
    client.force_login(ada)
    client.post(URL, {"reason": ""})
    response = client.post(URL, {"reason": "Second thoughts."}, follow=True)
    assert "already asked us" in response.content.decode()
    assert ErasureRequest.objects.count() == 1
    assert len(mail.outbox) == 1
    # The reason typed the second time is kept, since the first had none.
    assert ErasureRequest.objects.get().reason == "Second thoughts."


def test_a_reason_too_long_is_refused_and_kept_on_the_page(client, ada):
    client.force_login(ada)
    text = ("Because. " * 200).strip()
    response = client.post(URL, {"reason": text})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Please keep it to 1000 characters (this has 1799)" in page
    assert "Because. Because." in page
    assert not ErasureRequest.objects.exists()
    assert mail.outbox == []
