"""What an organizer reads while triaging: narrow list columns, decisions offered as
actions, and the redirect email that links the program it recommends."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from matching.forms.applications import DecisionForm
from matching.models import DecisionEmail, RedirectTarget
from matching.models.applications import DECISION_ACTIONS, REDIRECT_PAGES

from .factories import MenteeApplicationFactory, MentorApplicationFactory, ProgramFactory

MENTEES = reverse("admin:matching_menteeapplication_changelist")
MENTORS = reverse("admin:matching_mentorapplication_changelist")
DECIDE = reverse("admin:matching_menteeapplication_decide")


def header(page: str) -> str:
    results = page[page.index('id="result_list"'):]
    return results[:results.index("</thead>")]


@pytest.fixture
def application(program):
    return MenteeApplicationFactory(program=program, name="Ada Lovelace")


def test_every_redirect_target_has_its_page_written_once():
    assert set(REDIRECT_PAGES) == set(RedirectTarget.values)
    for target in RedirectTarget:
        if target == RedirectTarget.OTHER:
            assert target.url == ""  # the organizer's message names it
        else:
            assert target.url.startswith("https://")


def test_the_decision_buttons_say_what_they_do(organizer_client, application):
    page = organizer_client.get(
        reverse("admin:matching_menteeapplication_change", args=[application.pk])
    ).content.decode()
    buttons = re.findall(r'decision=(\w+)" class="button[^"]*">([^<]+)</a>', page)
    assert buttons == [("accepted", "Accept…"), ("waitlisted", "Waitlist…"),
                       ("declined", "Decline…"), ("redirected", "Redirect…")]
    toolbar = page[page.index('class="mm-toolbar"'):]
    # In the page's flow, not the admin's floating object tools over the heading.
    assert toolbar.index("mm-decisions") < toolbar.index("object-tools")


def test_a_decided_application_offers_only_what_may_follow(organizer_client, program):
    waitlisted = MenteeApplicationFactory(program=program, status="waitlisted")
    page = organizer_client.get(
        reverse("admin:matching_menteeapplication_change", args=[waitlisted.pk])
    ).content.decode()
    assert "Waitlist…" not in page and "Accept…" in page


def test_the_decide_page_names_actions_not_statuses(organizer_client, application):
    assert dict(DecisionForm().fields["decision"].choices) == DECISION_ACTIONS
    page = organizer_client.get(f"{DECIDE}?ids={application.pk}").content.decode()
    assert "Redirect</label>" in page
    assert "Redirected to another program</label>" not in page


def test_the_lists_have_short_headers_and_no_program_column_for_one_program(
        organizer_client, program):
    MenteeApplicationFactory(program=program)
    MentorApplicationFactory(program=program)
    mentees = header(organizer_client.get(MENTEES).content.decode())
    assert "column-program_name" not in mentees and "Sent" in mentees
    mentors = header(organizer_client.get(MENTORS).content.decode())
    assert "I would like to be paid" not in mentors and "Paid?" in mentors
    assert "Hands-on" not in mentors and "Style" in mentors


def test_the_program_column_appears_when_there_are_two(organizer_client, program):
    ProgramFactory()
    MenteeApplicationFactory(program=program)
    page = organizer_client.get(MENTEES).content.decode()
    assert "column-program_name" in header(page)
    # Filtered to one program, it says nothing again.
    filtered = organizer_client.get(MENTEES, {"program__id__exact": program.pk})
    assert "column-program_name" not in header(filtered.content.decode())


def test_a_redirected_status_uses_the_short_name(organizer_client, program):
    MenteeApplicationFactory(program=program, status="redirected", redirect_to="mats")
    page = organizer_client.get(MENTEES).content.decode()
    assert "Redirected: MATS<" in page
    assert "ML Alignment &amp; Theory Scholars" not in page


def redirect(organizer_client, application, capture, target="mats"):
    with capture(execute=True):
        response = organizer_client.post(
            f"{DECIDE}?ids={application.pk}",
            {"decision": "redirected", "redirect_to": target, "message": ""})
    assert response.status_code == 302
    return mail.outbox[-1]


def test_the_redirect_email_links_the_program_it_recommends(
        organizer_client, application, django_capture_on_commit_callbacks):
    message = redirect(organizer_client, application, django_capture_on_commit_callbacks)
    url = RedirectTarget.MATS.url
    assert message.body.count(url) == 1  # in the default text, not added twice
    html = message.alternatives[0][0]
    assert f'href="{url}"' in html


def test_an_edited_text_without_the_link_still_gets_it(
        organizer_client, application, django_capture_on_commit_callbacks):
    DecisionEmail.objects.filter(decision="redirected").update(
        body="Dear {{ name }}, try {{ redirect_program }}.")
    message = redirect(organizer_client, application, django_capture_on_commit_callbacks,
                       target="aisc")
    assert "try AI Safety Camp." in message.body
    assert f"AI Safety Camp: {RedirectTarget.AISC.url}" in message.body
    assert f'href="{RedirectTarget.AISC.url}"' in message.alternatives[0][0]


def test_another_program_has_no_link_to_add(
        organizer_client, application, django_capture_on_commit_callbacks):
    message = redirect(organizer_client, application, django_capture_on_commit_callbacks,
                       target="other")
    for url in (page for _, page in REDIRECT_PAGES.values() if page):
        assert url not in message.body
