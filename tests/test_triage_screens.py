"""What an organizer reads while triaging: narrow list columns, decisions offered as
actions, and the redirect email that links the program it recommends."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from matching.forms.applications import DecisionForm
from matching.models import DecisionEmail, RedirectTarget
from matching.models.applications import DECISION_ACTIONS

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


def test_a_redirected_status_uses_the_short_name(organizer_client, program, redirect_targets):
    MenteeApplicationFactory(program=program, status="redirected",
                             redirect_to=redirect_targets["MATS"])
    page = organizer_client.get(MENTEES).content.decode()
    assert "Redirected: MATS<" in page
    assert "ML Alignment &amp; Theory Scholars" not in page


def redirect(organizer_client, application, capture, target):
    with capture(execute=True):
        response = organizer_client.post(
            f"{DECIDE}?ids={application.pk}",
            {"decision": "redirected", "redirect_to": target.pk, "message": ""})
    assert response.status_code == 302
    return mail.outbox[-1]


def test_the_redirect_email_links_the_program_it_recommends(
        organizer_client, application, redirect_targets, django_capture_on_commit_callbacks):
    mats = redirect_targets["MATS"]
    message = redirect(organizer_client, application, django_capture_on_commit_callbacks, mats)
    assert message.body.count(mats.url) == 1  # in the default text, not added twice
    html = message.alternatives[0][0]
    assert f'href="{mats.url}"' in html


def test_an_edited_text_without_the_link_still_gets_it(
        organizer_client, application, redirect_targets, django_capture_on_commit_callbacks):
    DecisionEmail.objects.filter(decision="redirected").update(
        body="Dear {{ name }}, try {{ redirect_program }}.")
    camp = redirect_targets["AI Safety Camp"]
    message = redirect(organizer_client, application, django_capture_on_commit_callbacks, camp)
    assert "try AI Safety Camp." in message.body
    assert f"AI Safety Camp: {camp.url}" in message.body
    assert f'href="{camp.url}"' in message.alternatives[0][0]


def test_another_program_has_no_link_to_add(
        organizer_client, application, redirect_targets, django_capture_on_commit_callbacks):
    message = redirect(organizer_client, application, django_capture_on_commit_callbacks,
                       redirect_targets["another program"])
    for target in redirect_targets.values():
        if target.url:
            assert target.url not in message.body


# -- each program's own list (issue 20) ---------------------------------------------------

def test_the_decide_page_offers_the_programs_own_offered_targets_only(
        organizer_client, application, redirect_targets):
    redirect_targets["AGISF"].is_active = False
    redirect_targets["AGISF"].save()
    RedirectTarget.objects.create(program=ProgramFactory(), name="Elsewhere Camp",
                                  url="https://elsewhere.example/")
    page = organizer_client.get(f"{DECIDE}?ids={application.pk}&decision=redirected")
    text = page.content.decode()
    assert "AI Safety Camp</option>" in text and "MATS (ML Alignment" in text
    assert "AGI Safety Fundamentals" not in text  # retired
    assert "Elsewhere Camp" not in text  # another program's list


def test_another_programs_target_is_refused_and_nothing_is_lost(
        organizer_client, application, redirect_targets):
    elsewhere = RedirectTarget.objects.create(program=ProgramFactory(), name="Elsewhere Camp")
    response = organizer_client.post(
        f"{DECIDE}?ids={application.pk}",
        {"decision": "redirected", "redirect_to": elsewhere.pk, "message": "Try them."})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    assert b"Try them." in response.content
    application.refresh_from_db()
    assert application.status == "pending" and application.redirect_to is None


def test_the_service_refuses_a_target_of_another_program(application, organizer,
                                                          redirect_targets):
    from django.core.exceptions import ValidationError

    from matching.services.applications import application_decide

    elsewhere = RedirectTarget.objects.create(program=ProgramFactory(), name="Elsewhere Camp")
    with pytest.raises(ValidationError, match="not on"):
        application_decide(application=application, decision="redirected",
                           decided_by=organizer, redirect_to=elsewhere)
    retired = redirect_targets["MATS"]
    retired.is_active = False
    retired.save()
    with pytest.raises(ValidationError, match="retired"):
        application_decide(application=application, decision="redirected",
                           decided_by=organizer, redirect_to=retired)


def test_a_program_with_no_list_says_where_to_make_one(organizer_client):
    empty = ProgramFactory(name="Empty Program")
    application = MenteeApplicationFactory(program=empty)
    response = organizer_client.post(
        f"{DECIDE}?ids={application.pk}", {"decision": "redirected", "message": "Hm."})
    assert response.status_code == 200
    assert b"Empty Program has no programs to redirect to yet" in response.content


def test_organizers_edit_the_list_on_the_programs_page(organizer_client, program,
                                                       redirect_targets):
    url = reverse("admin:matching_program_change", args=[program.pk])
    page = organizer_client.get(url)
    assert b"Redirect targets: programs you may send an applicant to instead" in page.content
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items()
            if value is not None and not isinstance(value, (list, tuple))}
    data["organizers"] = [u.pk for u in program.organizers.all()]
    inline = page.context["inline_admin_formsets"][0].formset
    prefix = inline.prefix
    targets = list(program.redirect_targets.all())
    data.update({f"{prefix}-TOTAL_FORMS": len(targets) + 1,
                 f"{prefix}-INITIAL_FORMS": len(targets)})
    for i, target in enumerate(targets):
        data.update({f"{prefix}-{i}-id": target.pk, f"{prefix}-{i}-program": program.pk,
                     f"{prefix}-{i}-position": target.position,
                     f"{prefix}-{i}-name": target.name,
                     f"{prefix}-{i}-short_name": target.short_name,
                     f"{prefix}-{i}-url": target.url, f"{prefix}-{i}-is_active": "on"})
    n = len(targets)
    data.update({f"{prefix}-{n}-program": program.pk, f"{prefix}-{n}-position": 9,
                 f"{prefix}-{n}-name": "Local reading group",
                 f"{prefix}-{n}-url": "not a link"})
    refused = organizer_client.post(url, data)
    assert refused.status_code == 200
    assert b"Enter a valid URL." in refused.content
    assert b"Local reading group" in refused.content  # what they typed is kept
    data[f"{prefix}-{n}-url"] = "https://reading.example/"
    saved = organizer_client.post(url, data)
    assert saved.status_code == 302, saved.context and saved.context["errors"]
    added = program.redirect_targets.get(name="Local reading group")
    assert added.url == "https://reading.example/" and added.label == "Local reading group"


def test_a_target_named_in_a_decision_cant_be_deleted(
        organizer, application, redirect_targets):
    from django.db.models import ProtectedError

    from matching.services.applications import application_decide

    application_decide(application=application, decision="redirected", decided_by=organizer,
                       redirect_to=redirect_targets["MATS"], notify=False)
    with pytest.raises(ProtectedError):
        redirect_targets["MATS"].delete()


def test_an_organizer_of_another_program_cant_edit_its_list(client, program,
                                                            redirect_targets):
    from django.contrib.auth.models import Group

    from mm_program.roles import ORGANIZERS, ensure_roles

    from .factories import UserFactory

    ensure_roles()
    other = ProgramFactory()
    outsider = UserFactory(is_staff=True)
    outsider.groups.add(Group.objects.get(name=ORGANIZERS))
    other.organizers.add(outsider)
    client.force_login(outsider)
    url = reverse("admin:matching_program_change", args=[program.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "Taken"}).status_code == 404
    assert program.redirect_targets.count() == len(redirect_targets)
