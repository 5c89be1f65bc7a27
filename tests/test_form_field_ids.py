"""Every error summary link leads somewhere: on every page with a form, every field the
page sends has an element with the id its summary link names (``id_<name>``), groups of
radio buttons and checkboxes included; and the summary of a refused form links only to
ids that exist. Browser tests check what following a link does
(tests/test_browser_error_summary.py)."""

import re
from datetime import timedelta
from html import unescape
from pathlib import Path

import crispy_bootstrap5
import pytest
from django.test import Client
from django.urls import reverse

from matching.models import MentorshipSource
from matching.services.mentorships import mentorship_invite
from matching.tokens import invitation_token
from surveys.models import SurveyKind
from surveys.tokens import survey_token

from .helpers import signed_in, today
from .surveys_helpers import invitation

pytestmark = pytest.mark.django_db

CONTROL = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.S)
SUMMARY = re.compile(r'<div class="alert alert-danger mm-error-summary".*?</div>', re.S)


def attr(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return unescape(found.group(1)) if found else None


def ids_on(html: str) -> set[str]:
    return {unescape(value) for value in re.findall(r'\sid="([^"]+)"', html)}


def form_fields(html: str) -> set[str]:
    """The names of the Django form fields a person fills in on the page (not hidden
    ones, not buttons): the controls whose ids follow Django's ``id_<name>`` (a choice
    of a group: ``id_<name>_<n>``). Hand-made controls with ids of their own (the
    dashboard's capacity box, the stipend picker) are no form's fields and never in a
    summary."""
    main = html[html.find("<main"):html.find("</main>")]
    names = set()
    for _, tag in CONTROL.findall(main):
        kind, name, id_ = attr(tag, "type") or "text", attr(tag, "name"), attr(tag, "id")
        if kind in ("hidden", "submit", "button") or name is None or id_ is None:
            continue
        if id_ == f"id_{name}" or re.fullmatch(rf"id_{re.escape(name)}_\d+", id_):
            names.add(name)
    return names


def assert_every_field_has_its_id(html: str) -> None:
    names = form_fields(html)
    assert names, "no form on the page"
    missing = sorted(name for name in names if f"id_{name}" not in ids_on(html))
    assert missing == []


def assert_summary_links_resolve(html: str) -> list[str]:
    summary = SUMMARY.search(html)
    assert summary, "no error summary"
    targets = [unescape(t) for t in re.findall(r'href="#([^"]+)"', summary.group(0))]
    assert targets, "the summary links to nothing"
    assert sorted(set(targets) - ids_on(html)) == []
    return targets


def form_pages(mentorship, program):
    """(who, url) for every page a participant fills in, in the states that show it."""
    mentee, mentor = mentorship.mentee.user, mentorship.mentor.user
    baseline = invitation(mentorship, SurveyKind.MENTEE_BASELINE)
    return [
        (None, reverse("apply", args=["mentee"])),
        (None, reverse("apply", args=["mentor"])),
        (None, reverse("account_request_login_code")),
        (mentee, reverse("stipend_new", args=[mentorship.pk])),
        (mentee, reverse("stipend_bank_details")),
        (mentee, reverse("final_project", args=[mentorship.pk])),
        (mentee, reverse("privacy")),
        (mentor, reverse("dashboard")),
        (mentor, reverse("mentorship_terms", args=[mentorship.pk])),
        (mentor, reverse("mentorship_end", args=[mentorship.pk])),
        (None, reverse("survey", args=[survey_token(baseline)])),
    ]


def test_every_field_of_every_form_has_the_id_its_summary_link_names(mentorship, program,
                                                                     areas):
    for who, url in form_pages(mentorship, program):
        browser = signed_in(who) if who else signed_in_anonymous()
        page = browser.get(url)
        assert page.status_code == 200, url
        html = page.content.decode()
        try:
            assert_every_field_has_its_id(html)
        except AssertionError as failure:
            raise AssertionError(f"{url}: {failure}") from None


def test_the_mentee_invitation_page_too(program, grace):
    m = mentorship_invite(mentor=grace, name="Bo", email="bo@example.org",
                          start_date=today())
    assert m.source == MentorshipSource.MENTOR_ROW
    page = signed_in_anonymous().get(reverse("invitation", args=[invitation_token(m.pk)]))
    assert_every_field_has_its_id(page.content.decode())


def signed_in_anonymous():
    return Client()


@pytest.mark.parametrize("role, groups", [
    ("mentee", ["id_occupation", "id_research_areas", "id_fulltime_intent"]),
    ("mentor", ["id_position", "id_research_areas", "id_involvement",
                "id_creative_control"]),
])
def test_a_refused_interest_form_links_each_group_to_its_own_id(client, program, areas, role,
                                                                groups):
    page = client.post(reverse("apply", args=[role]), {"name": "Ada"})
    assert page.status_code == 400
    targets = assert_summary_links_resolve(page.content.decode())
    assert set(groups) <= set(targets)


def test_refused_participant_forms_link_only_to_ids_that_exist(mentorship, program, areas):
    mentee, mentor = mentorship.mentee.user, mentorship.mentor.user
    refusals = [
        (mentee, reverse("stipend_new", args=[mentorship.pk]), {"bank-kind": "iban"}),
        (mentee, reverse("stipend_bank_details"), {"kind": "account"}),
        (mentee, reverse("final_project", args=[mentorship.pk]), {"url": "x"}),
        (mentor, reverse("mentorship_terms", args=[mentorship.pk]),
         {"planned_end_date": (today() - timedelta(days=400)).isoformat()}),
        (mentor, reverse("mentorship_end", args=[mentorship.pk]), {"action": "complete"}),
        (mentor, reverse("meeting_log", args=[mentorship.pk]),
         {"back": "detail", f"log-{mentorship.pk}-minutes": "x"}),
        (None, reverse("account_request_login_code"), {"email": "not an address"}),
    ]
    for who, url, data in refusals:
        browser = signed_in(who) if who else signed_in_anonymous()
        page = browser.post(url, data)
        assert page.status_code in (200, 400), (url, page.status_code)
        try:
            assert_summary_links_resolve(page.content.decode())
        except AssertionError as failure:
            raise AssertionError(f"{url}: {failure}") from None


def test_a_refused_survey_links_its_scales_to_their_group(mentorship):
    baseline = invitation(mentorship, SurveyKind.MENTEE_BASELINE)
    url = reverse("survey", args=[survey_token(baseline)])
    page = signed_in_anonymous().post(url, {"action": "submit"})
    assert page.status_code == 400
    targets = assert_summary_links_resolve(page.content.decode())
    assert "id_q-self_depth" in targets


def test_its_copy_of_crispys_choice_group_template_keeps_in_step():
    """templates/bootstrap5/layout/radio_checkbox_select.html is crispy-bootstrap5's with the
    group's id on its wrapper: when an upgrade changes upstream's, copy it again."""
    name = Path("bootstrap5") / "layout" / "radio_checkbox_select.html"
    upstream = (Path(crispy_bootstrap5.__file__).parent / "templates" / name).read_text(
        encoding="utf-8")
    ours = (Path(__file__).resolve().parent.parent / "templates" / name).read_text(
        encoding="utf-8")
    ours = re.sub(r"\{% comment %\}.*?\{% endcomment %\}\n", "", ours, flags=re.S)
    assert ours == upstream.replace(
        '<div {% if field_class %}class="{{ field_class }}"{% endif %}',
        '<div id="{{ field.auto_id }}"{% if field_class %} class="{{ field_class }}"{% endif %}')
