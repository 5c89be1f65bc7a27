import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from .factories import MenteeApplicationFactory, UserFactory

pytestmark = pytest.mark.usefixtures("deliver_at_once")


CODE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


def _request_code(client, email):
    response = client.post(reverse("account_request_login_code"), {"email": email})
    assert response.status_code == 302
    return response


def test_an_applicant_signs_in_with_an_emailed_code(client, program):
    application = MenteeApplicationFactory(program=program)
    application.user.set_unusable_password()
    application.user.save()

    _request_code(client, application.email)
    assert len(mail.outbox) == 1
    code = CODE.search(mail.outbox[0].body).group(1)

    response = client.post(reverse("account_confirm_login_code"), {"code": code},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert application.program.name in response.content.decode()


def test_a_wrong_code_is_refused(client, program):
    user = UserFactory()
    _request_code(client, user.email)
    response = client.post(reverse("account_confirm_login_code"), {"code": "AAAA-AAAA"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_requesting_codes_is_rate_limited_per_address(db):
    user = UserFactory()
    url = reverse("account_request_login_code")
    for i in range(3):
        # A fresh browser each time, even from different addresses: the limit is per email.
        response = Client(REMOTE_ADDR=f"10.0.0.{i}").post(url, {"email": user.email})
        assert response.status_code == 302
    response = Client(REMOTE_ADDR="10.0.0.9").post(url, {"email": user.email})
    assert response.status_code == 200
    assert "Too many" in response.content.decode()
    assert len(mail.outbox) == 3


def test_an_organizer_signs_in_with_a_password_and_reaches_the_admin(client, organizer):
    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": organizer.email, "password": "a-long-test-password-42"},
    )
    assert response.status_code == 302
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_repeated_wrong_passwords_lock_the_account_for_a_while(client, organizer):
    for _ in range(5):
        client.post(reverse("account_login"),
                    {"login": organizer.email, "password": "wrong-password"})
    response = client.post(reverse("account_login"),
                           {"login": organizer.email, "password": "a-long-test-password-42"})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def test_signup_is_closed_people_join_by_applying(client, db):
    response = client.get(reverse("account_signup"))
    assert b"closed" in response.content.lower()


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/login/code/"])
def test_sign_in_pages_use_the_site_layout(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b"vendor/bootstrap/bootstrap.min.css" in response.content


def test_the_sign_in_page_leads_with_the_emailed_code(client, db):
    html = client.get(reverse("account_login") + "?next=/dashboard/").content.decode()
    assert "Email me a sign-in code" in html
    assert html.index("Email me a sign-in code") < html.index('name="password"')
    assert "sign up" not in html.lower()
    # Where to go after signing in travels with the code's form.
    code_form = html[html.index('action="/accounts/login/code/"'):html.index("</form>")]
    assert 'name="next" value="/dashboard/"' in code_form


def test_the_code_email_is_plain_text_only_and_names_the_program(client, program, settings):
    user = UserFactory()
    _request_code(client, user.email)
    [message] = mail.outbox
    # An empty HTML part would be all that most mail apps show: a blank email.
    assert message.alternatives == []
    assert message.body.startswith(f"Your {settings.SITE_NAME} sign-in code:")
    # Short: one line, the code, and what to do if it wasn't asked for.
    assert CODE.search(message.body) and len(message.body.split()) < 20
    assert "from !" not in message.body and "using !" not in message.body


def test_an_address_without_an_account_is_sent_to_the_application_forms(client, db):
    _request_code(client, "stranger@example.org")
    [message] = mail.outbox
    assert message.to == ["stranger@example.org"]
    assert message.subject.endswith("No account with this address yet")
    assert "/apply/mentee/" in message.body and "/apply/mentor/" in message.body
    assert "/accounts/signup/" not in message.body  # signup is closed: a dead end


def test_the_sign_in_page_asks_for_the_code_itself_and_keeps_where_to_go(client, db):
    user = UserFactory(email="ada@example.org")
    html = client.get(reverse("account_login") + "?next=/stipends/").content.decode()
    assert f'action="{reverse("account_request_login_code")}"' in html
    response = client.post(reverse("account_request_login_code"),
                           {"email": user.email, "next": "/stipends/"})
    assert response.status_code == 302
    code = CODE.search(mail.outbox[-1].body).group(1)
    confirmed = client.post(response.url, {"code": code})
    assert confirmed.status_code == 302 and confirmed.url == "/stipends/"
