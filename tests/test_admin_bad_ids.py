"""Ids in admin URLs that no object has (a word, a negative number, one past 64 bits)
are "not found" or "nothing selected", never a server error."""

import pytest
from django.test import Client

from mm_program.query_ids import query_id, query_ids

from .factories import MenteeApplicationFactory, MenteeFactory, MentorshipFactory, UserFactory

pytestmark = pytest.mark.django_db

HUGE = "9" * 20


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_a_history_page_of_no_object_is_not_found(admin_client):
    # simple_history queried the ids as they came: "abc" was a ValueError.
    mentee = MenteeFactory()
    version = mentee.history.first().history_id
    base = "/admin/matching/mentee"
    for url in (f"{base}/abc/history/", f"{base}/-1/history/", f"{base}/{HUGE}/history/",
                f"{base}/{mentee.pk}/history/abc/", f"{base}/abc/history/{version}/",
                f"{base}/{mentee.pk}/history/{HUGE}/"):
        assert admin_client.get(url).status_code == 404, url
    assert admin_client.get(f"{base}/{mentee.pk}/history/").status_code == 200
    assert admin_client.get(f"{base}/{mentee.pk}/history/{version}/").status_code == 200


@pytest.mark.parametrize("ids", [HUGE, f"1,{HUGE}", "-1", "1,x", "٣"])
def test_a_tampered_selection_selects_nothing(admin_client, ids):
    # int() took "-1" and "٣", and an id past 64 bits failed the query (OverflowError).
    application = MenteeApplicationFactory()
    m = MentorshipFactory()
    for url, changelist in (
            (f"/admin/matching/menteeapplication/decide/?ids={ids},{application.pk}",
             "/admin/matching/menteeapplication/"),
            (f"/admin/matching/mentorship/move/?to=complete&ids={ids},{m.pk}",
             "/admin/matching/mentorship/")):
        response = admin_client.get(url)
        assert response.status_code == 302 and response.url == changelist, url


def test_a_selection_of_real_ids_is_read():
    assert query_ids("3,14,") == [3, 14]
    assert query_id("9223372036854775807") == 2**63 - 1
    for value in ("", "0", "-1", " 1", "+1", "٣", "1_0", "1.0", "9223372036854775808", HUGE,
                  "9" * 5000):
        assert query_id(value) is None, value
    assert query_ids(f"1,{HUGE}") == []
