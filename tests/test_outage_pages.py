"""PostgreSQL unreachable: pages answer 503 with Retry-After and a page that tells the
truth, /healthz says which dependency is down, and the log gets one line a request."""

import json
import logging

import pytest
from django.urls import reverse

from matching.models import MenteeApplication

from .db_proxy import *  # noqa: F403  (the database_proxy fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def production(settings):
    settings.DEBUG = False


def test_a_form_sent_while_the_database_is_down_is_refused_honestly_then_saved(
        client, program, mentee_data, database_proxy, production, caplog):
    database_proxy.cut()
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.post(reverse("apply", args=["mentee"]), mentee_data)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "What you just sent was not saved" in page
    assert 'id="mm-draft"' in page and "js/outage.js" in page  # the browser's copy
    # What the old page claimed, untrue here: nobody is told, and the answers are gone.
    assert "We've been told" not in page and "nothing you submitted" not in page.lower()
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1 and records[0].exc_info is None

    database_proxy.restore()
    response = client.post(reverse("apply", args=["mentee"]), mentee_data)
    assert response.status_code == 302
    assert MenteeApplication.objects.filter(email="ada@example.org").count() == 1


@pytest.mark.parametrize("path", ["/", "/apply/mentee/", "/apply/mentor/"])
def test_pages_answer_503_while_the_database_is_down(client, program, database_proxy,
                                                     production, path):
    database_proxy.cut()
    response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "We can't reach our database right now" in page
    assert 'id="mm-draft"' not in page  # nothing was sent


def test_a_signed_in_person_s_session_read_failing_in_middleware_is_a_503_too(
        client, program, database_proxy, production, caplog):
    from django.test import Client

    from .factories import UserFactory

    browser = Client(raise_request_exception=False)  # as a real server: no re-raise
    browser.force_login(UserFactory())
    database_proxy.cut()
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = browser.get("/dashboard/")
    assert response.status_code == 503
    assert all(r.exc_info is None for r in caplog.records if r.name == "django.request")


def test_healthz_reports_each_dependency(client, db, database_proxy):
    body = json.loads(client.get("/healthz").content)
    assert body["status"] == "ok"
    assert {"database", "cache", "broker", "email"} <= set(body)
    assert all(body[name]["ok"] for name in ("database", "cache", "broker", "email"))

    database_proxy.cut()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "down"
    assert body["database"]["ok"] is False and "OperationalError" in body["database"]["error"]
    assert body["cache"]["ok"] is True

    database_proxy.restore()
    assert client.get("/healthz").status_code == 200


def test_healthz_says_when_the_cache_is_down_but_the_site_works(client, db, monkeypatch):
    class Unreachable:
        def get(self, *args, **kwargs):
            raise ConnectionError("cache unreachable")

    monkeypatch.setattr("mm_program.views.cache", Unreachable())
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200 and body["status"] == "degraded"
    assert body["cache"] == {"ok": False, "error": "ConnectionError: cache unreachable"}


def test_a_query_that_is_wrong_is_no_outage():
    from django.db import OperationalError

    from mm_program.outage import is_database_outage

    assert not is_database_outage(OperationalError("database is locked"))  # SQLite
    assert not is_database_outage(ValueError("nope"))
