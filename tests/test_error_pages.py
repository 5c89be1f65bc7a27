import pytest


@pytest.fixture
def production(settings):
    settings.DEBUG = False


def test_a_missing_page_keeps_the_site_layout_and_a_way_back(client, db, production):
    response = client.get("/apply/nope/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "find that page" in html
    assert 'href="/"' in html and "Apply as a mentee" in html


def test_a_forbidden_page_explains_itself(client, db, production):
    from .factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "yours to see" in response.content.decode()


def test_a_post_without_its_csrf_token_says_what_to_do(db, production, settings):
    from django.test import Client
    from django.utils.html import escape

    response = Client(enforce_csrf_checks=True).post("/apply/mentee/", {"name": "Ada"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "This form has expired" in html
    assert "Go back (what you typed is usually still there)" in html
    # Django renders 403_csrf.html with the request: the site's layout and name.
    assert f"<title>This form has expired · {escape(settings.SITE_NAME)}</title>" in html


def test_the_server_error_page_needs_no_context(client, db, production):
    from django.template.loader import render_to_string

    assert "Something went wrong" in render_to_string("500.html")


def test_pages_declare_a_favicon_so_browsers_do_not_ask_for_favicon_ico(client, db):
    assert b'rel="icon" href="/static/favicon.svg"' in client.get("/").content
