"""Sign-in codes are limited per address and per email (allauth's limits, in the cache):
per minute, and per hour so that no inbox gets a stream of codes. The per-minute limit
per email is in tests/test_sign_in.py."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from .factories import UserFactory

pytestmark = pytest.mark.usefixtures("deliver_at_once")


URL = reverse("account_request_login_code")


def ask(email, ip):
    return Client(REMOTE_ADDR=ip).post(URL, {"email": email})


def refused(response) -> bool:
    return response.status_code in (200, 429) and "Too many" in response.content.decode()


def test_it_sends_codes_from_one_address_up_to_the_limit(db):
    users = [UserFactory() for _ in range(21)]
    for user in users[:20]:
        assert ask(user.email, "10.0.0.1").status_code == 302
    assert refused(ask(users[20].email, "10.0.0.1"))
    assert len(mail.outbox) == 20
    # Another address is not affected.
    assert ask(users[20].email, "10.0.0.2").status_code == 302


def test_it_caps_codes_per_email_per_hour(db):
    user, other = UserFactory(), UserFactory()
    with time_machine.travel("2026-03-02 09:00:00Z", tick=False) as traveller:
        for i in range(10):  # 3 a minute is allowed: one every 30 s stays under it
            assert ask(user.email, f"10.0.1.{i}").status_code == 302, i
            traveller.shift(timedelta(seconds=30))
        assert refused(ask(user.email, "10.0.1.99"))
        assert ask(other.email, "10.0.1.99").status_code == 302  # other emails unaffected
        traveller.shift(timedelta(hours=1))
        assert ask(user.email, "10.0.1.99").status_code == 302  # and it passes
    assert len([m for m in mail.outbox if m.to == [user.email]]) == 11


def test_it_caps_codes_per_address_per_hour(db):
    users = [UserFactory() for _ in range(61)]
    with time_machine.travel("2026-03-02 09:00:00Z", tick=False) as traveller:
        for n, user in enumerate(users[:60]):
            assert ask(user.email, "10.0.2.1").status_code == 302, n
            traveller.shift(timedelta(seconds=10))  # 6 a minute: under the 20
        assert refused(ask(users[60].email, "10.0.2.1"))
        assert ask(users[60].email, "10.0.2.2").status_code == 302
