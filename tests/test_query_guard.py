"""URLs that crashed code we don't own answer 400 before any view runs
(mm_program/query_guard.py); everything next to them still works."""

from html import unescape

import pytest
from django.test import Client

from .factories import MentorshipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def refused(response) -> bool:
    return response.status_code == 400 and \
        "couldn't read that request" in response.content.decode()


@pytest.mark.parametrize("url", [
    # On PostgreSQL each of these three was a ValueError from psycopg2 (a list filter, a
    # lookup of the query string's own, the autocomplete's search).
    "/admin/matching/menteeapplication/?status__exact=%00",
    "/admin/matching/menteeapplication/?email=a%00b",
    "/admin/autocomplete/?app_label=matching&model_name=mentorship&field_name=mentor"
    "&term=%00",
    "/admin/matching/menteeapplication/?q=%00", "/organizers/impact/?program=%00",
    "/?x=%00", "/?%00=x",
])
def test_a_nul_in_the_query_string_is_refused(admin_client, url):
    assert refused(admin_client.get(url))


def test_a_nul_in_the_path_is_the_pages_to_answer(admin_client):
    # An emailed link's page says what to do about a broken link; an admin id is read as
    # a number before any query.
    for link in ("/surveys/%00/", "/invitation/%00/"):
        response = admin_client.get(link)
        assert response.status_code == 404, link
        assert "This link isn't valid" in unescape(response.content.decode()), link
    assert admin_client.get("/admin/matching/mentor/%00/change/").status_code == 302


@pytest.mark.parametrize("query", [
    "start_date__year=9999",  # Django asks for the year 10000
    "start_date__year=9999&start_date__month=12",
    "start_date__year=9999&start_date__month=12&start_date__day=31",
    "start_date__year=99999999999999999999",  # OverflowError, not ValueError
    "start_date__year=2026&start_date__month=99999999999",
    "start_date__year=2026&start_date__month=2&start_date__day=-99999999999",
])
def test_a_date_hierarchy_past_the_calendar_is_refused(admin_client, query):
    assert refused(admin_client.get(f"/admin/matching/mentorship/?{query}"))


@pytest.mark.parametrize("query", [
    "start_date__year=9998&start_date__month=12&start_date__day=31",
    "start_date__year=2026&start_date__month=2", "start_date__year=1",
])
def test_the_calendar_itself_is_browsed(admin_client, query):
    assert admin_client.get(f"/admin/matching/mentorship/?{query}").status_code == 200


@pytest.mark.parametrize("query", ["start_date__year=x", "start_date__year=0",
                                   "start_date__year=2026&start_date__month=0"])
def test_what_the_admin_refuses_itself_it_still_does(admin_client, query):
    response = admin_client.get(f"/admin/matching/mentorship/?{query}")
    assert response.status_code == 302 and response.url.endswith("?e=1")


def test_a_blank_to_field_is_refused_and_a_real_one_works(admin_client):
    # Django looked up the field "" on the change and delete pages (FieldDoesNotExist).
    m = MentorshipFactory()
    for page in ("change", "delete"):
        url = f"/admin/matching/mentorship/{m.pk}/{page}/"
        assert refused(admin_client.get(f"{url}?_to_field="))
        assert refused(admin_client.get(f"{url}?_to_field=id&_to_field="))
    change = f"/admin/matching/mentorship/{m.pk}/change/"
    assert admin_client.get(f"{change}?_to_field=id").status_code == 200


def test_a_search_of_more_than_a_hundred_words_is_refused(admin_client):
    # SQLite refused the WHERE clause of a thousand words (expression tree too large).
    words = "+".join(["ada"] * 1000)
    for url in (f"/admin/matching/menteeapplication/?q={words}",
                "/admin/autocomplete/?app_label=matching&model_name=mentorship"
                f"&field_name=mentor&term={words}"):
        assert refused(admin_client.get(url)), url
    hundred = "+".join(["ada"] * 100)
    assert admin_client.get(f"/admin/matching/menteeapplication/?q={hundred}").status_code \
        == 200


@pytest.mark.parametrize("value", ["2026-01-01 10:00", "x", ""])
def test_a_date_time_prefilled_on_an_add_page_is_refused(admin_client, value):
    # The split date/time widget took the text for a datetime (AttributeError).
    for url in ("/admin/django_celery_beat/clockedschedule/add/?clocked_time=",
                "/admin/django_celery_beat/periodictask/add/?name=x&start_time="):
        assert refused(admin_client.get(url + value)), url


@pytest.mark.parametrize("value", ["abc", "-1", "9" * 20, "%ED%A0%80"])
def test_an_autocomplete_prefilled_with_no_id_is_refused(admin_client, value):
    # The autocomplete widget looked the text up for its label (ValueError).
    assert refused(admin_client.get(f"/admin/matching/mentorship/add/?mentor={value}"))


def test_other_fields_are_still_prefilled(admin_client):
    response = admin_client.get("/admin/matching/program/add/?name=Summer+cohort")
    assert response.status_code == 200 and 'value="Summer cohort"' in response.content.decode()
    m = MentorshipFactory()
    response = admin_client.get(f"/admin/matching/mentorship/add/?mentor={m.mentor_id}")
    assert response.status_code == 200 and str(m.mentor) in response.content.decode()


def test_the_rules_of_the_admin_stay_in_the_admin(client):
    # The public pages read no date hierarchy: their query strings are theirs.
    assert client.get("/?start_date__year=9999&_to_field=").status_code == 200
