"""The dashboard's "request a stipend" select lands on /stipends/new/?mentorship=<id>:
a mentorship's id leads to its request form, anything else back to the list, never to a
server error."""

import pytest
from django.test import Client
from django.urls import reverse

from .factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    browser = Client(raise_request_exception=False)
    browser.force_login(UserFactory())
    return browser


def test_an_id_leads_to_its_request_form(client):
    response = client.get(reverse("stipend_pick"), {"mentorship": "12"})
    assert response.status_code == 302
    assert response.url == reverse("stipend_new", args=[12])


# (A NUL never gets here: tests/test_query_guard.py.)
@pytest.mark.parametrize("value", ["-1", "+1", " 1", "٣", "1.0", "1e3", "", "x",
                                   "9" * 5000, "9" * 20])
def test_anything_else_leads_back_to_the_list(client, value):
    # "-1" was a server error: int() read it, and the URL's <int:> refused it.
    response = client.get(reverse("stipend_pick"), {"mentorship": value})
    assert response.status_code == 302
    assert response.url == reverse("stipend_list")
