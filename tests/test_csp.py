"""The Content-Security-Policy header is on every kind of page, and nothing we render
needs the inline scripts or styles that it forbids.

The browser side (no violation fires on the real pages) is tests/test_browser_csp.py.
"""

import re
from pathlib import Path

import pytest
import simple_history
from django.contrib import admin
from django.urls import include, path

from .factories import MentorshipFactory

ROOT = Path(__file__).resolve().parent.parent


def boom(request):
    raise RuntimeError("a bug")


# This module doubles as a URLconf (pytest.mark.urls below) that adds a failing view.
urlpatterns = [path("boom/", boom), path("", include("mm_program.urls"))]


def directives(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict(response):
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "Content-Security-Policy-Report-Only" not in response.headers
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


@pytest.fixture
def production(settings):
    settings.DEBUG = False


def test_it_is_on_the_public_pages(client, program, areas, production):
    for url in ("/", "/apply/mentee/", "/apply/mentor/", "/accounts/login/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)


def test_it_is_on_a_refused_form_post(client, program, areas, production):
    response = client.post("/apply/mentee/", {"name": ""})
    assert response.status_code == 400
    assert_strict(response)


def test_it_is_on_the_dashboards(client, program, production):
    m = MentorshipFactory(program=program)
    for user in (m.mentor.user, m.mentee.user):
        client.force_login(user)
        for url in ("/dashboard/", f"/mentorships/{m.pk}/", "/stipends/"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert_strict(response)


def test_it_is_on_admin_pages(organizer_client, program, production):
    m = MentorshipFactory(program=program)
    for url in ("/admin/", "/admin/matching/mentorship/",
                f"/admin/matching/mentorship/{m.pk}/change/",
                f"/admin/matching/program/{program.pk}/history/",
                "/organizers/impact/"):
        response = organizer_client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)


@pytest.mark.urls("tests.test_csp")
def test_it_is_on_the_error_pages(client, db, production):
    assert_strict(client.get("/no-such-page/"))  # 404
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert_strict(response)


def test_it_is_on_the_forbidden_page(client, db, production):
    from .factories import UserFactory

    client.force_login(UserFactory())  # not staff
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert_strict(response)


# --- Nothing we render needs 'unsafe-inline' -----------------------------------------

INLINE = re.compile(
    r"""style\s*=\s*["']"""           # a style attribute
    r"""|<style[\s>]"""                # a <style> block
    r"""|\son[a-z]+\s*=\s*["']"""      # an onclick=, onchange=, ... handler
    r"""|javascript:"""                # a javascript: URL
    r"""|<script(?![^>]*\bsrc=)[^>]*>""",  # a <script> without src
    re.IGNORECASE,
)
# Emails are read in mail clients, not under our policy, and need inline styles there.
PAGE_TEMPLATES = [
    p for folder in ("templates", "matching", "payments", "surveys", "mm_program")
    for p in (ROOT / folder).rglob("*.html") if "emails" not in p.parts
]


def test_it_finds_the_templates_it_scans():
    names = {p.name for p in PAGE_TEMPLATES}
    assert {"base.html", "500.html", "change_form.html", "impact.html"} <= names


def test_it_has_no_inline_script_or_style_in_any_page_template():
    offenders = [
        f"{p.relative_to(ROOT)}:{n}: {line.strip()[:80]}"
        for p in PAGE_TEMPLATES
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if INLINE.search(line) and "{% comment %}" not in line
    ]
    assert offenders == []


def test_it_has_no_inline_style_in_admin_columns():
    """format_html in admin modules builds list columns: classes, never style=."""
    offenders = [
        str(p.relative_to(ROOT))
        for folder in ("matching", "payments", "surveys", "mm_program")
        for p in (ROOT / folder).rglob("*.py")
        if "migrations" not in p.parts and re.search(r"""<[a-z]+[^>]*\sstyle=""",
                                                      p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_it_keeps_django_admins_changelist_free_of_its_inline_style():
    """Django 5.2's change_list.html adds a <style> block when a ModelAdmin shows its
    actions neither on top nor at the bottom: every admin keeps one of them on."""
    hidden = [type(model_admin).__name__ for model_admin in admin.site._registry.values()
              if not (model_admin.actions_on_top or model_admin.actions_on_bottom)]
    assert hidden == []


def test_it_keeps_its_copy_of_simple_historys_list_template_in_step():
    """templates/simple_history/object_history_list.html is upstream's with the style
    attribute made a class: when an upgrade changes upstream's, copy it again."""
    upstream = (Path(simple_history.__file__).parent / "templates" / "simple_history"
                / "object_history_list.html").read_text(encoding="utf-8")
    ours = (ROOT / "templates" / "simple_history" / "object_history_list.html").read_text(
        encoding="utf-8")
    ours_without_comment = re.sub(r"\{% comment %\}.*?\{% endcomment %\}\n", "", ours)
    assert ours_without_comment == upstream.replace(
        '<p class="paginator" style="border-top: 0">',
        '<p class="paginator mm-history-paginator">')
    assert "style=" not in ours_without_comment
