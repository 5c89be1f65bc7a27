import pytest
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.urls import reverse

from matching.models import (
    DecisionEmail,
    Mentee,
    MenteeApplication,
    Mentor,
    MentorApplication,
)

from .factories import MenteeApplicationFactory, MentorApplicationFactory, ProgramFactory

CHANGELIST = reverse("admin:matching_menteeapplication_changelist")
DECIDE = reverse("admin:matching_menteeapplication_decide")


@pytest.fixture
def act(organizer_client, django_capture_on_commit_callbacks):
    """Run an admin action on the mentee changelist, executing on-commit email tasks."""
    def _act(action, applications, url=CHANGELIST):
        with django_capture_on_commit_callbacks(execute=True):
            return organizer_client.post(
                url,
                {"action": action, "_selected_action": [a.pk for a in applications]},
                follow=True,
            )
    return _act


@pytest.fixture
def application(program):
    return MenteeApplicationFactory(program=program, name="Ada Lovelace",
                                    organizer_notes="PRIVATE: weak writing sample")


@pytest.mark.parametrize(
    ("action", "status", "subject_part"),
    [
        ("accept", "accepted", "Welcome to"),
        ("waitlist", "waitlisted", "on the waitlist"),
        ("decline", "declined", "Your application to"),
    ],
)
def test_each_decision_action_records_who_and_when_and_emails_the_applicant(
    act, application, organizer, action, status, subject_part
):
    response = act(action, [application])
    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == status
    assert application.decided_by == organizer
    assert application.decided_at is not None

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [application.email]
    assert subject_part in message.subject
    assert "Hi Ada Lovelace" in message.body
    # Every email links to the person's page, in the text as well as the HTML.
    dashboard = settings.SITE_URL + reverse("dashboard")
    assert message.body.count(dashboard) == 1
    # Organizer notes are private: never in what the applicant receives.
    assert "PRIVATE" not in message.body
    assert "PRIVATE" not in message.alternatives[0][0]

    entry = LogEntry.objects.get(object_id=str(application.pk))
    assert entry.user == organizer
    assert status in entry.change_message.lower()


def test_accepting_a_mentee_makes_them_ready_to_match(act, application):
    act("accept", [application])
    mentee = Mentee.objects.get(user=application.user)
    assert mentee.program == application.program
    assert mentee.application == application


def test_accepting_a_mentor_makes_an_active_mentor_with_their_capacity(
    act, program
):
    mentor_app = MentorApplicationFactory(program=program, capacity=3)
    act("accept", [mentor_app], url=reverse("admin:matching_mentorapplication_changelist"))
    mentor = Mentor.objects.get(user=mentor_app.user)
    assert mentor.is_active and mentor.capacity == 3
    assert mentor.application == mentor_app


def test_redirect_asks_for_the_program_and_sends_the_message(
    organizer_client, application, redirect_targets, django_capture_on_commit_callbacks
):
    response = organizer_client.post(
        CHANGELIST, {"action": "redirect", "_selected_action": [application.pk]}
    )
    assert response.status_code == 302
    assert response.url == f"{DECIDE}?ids={application.pk}&decision=redirected"

    page = organizer_client.get(response.url)
    assert page.status_code == 200
    assert b"Ada Lovelace" in page.content

    # Without a target program the form refuses and keeps the message.
    refused = organizer_client.post(
        response.url, {"decision": "redirected", "message": "Try AGISF first."}
    )
    assert refused.status_code == 200
    assert b"Pick the program that fits them better." in refused.content
    assert b"Try AGISF first." in refused.content
    application.refresh_from_db()
    assert application.status == "pending"

    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(
            response.url,
            {"decision": "redirected", "redirect_to": redirect_targets["AGISF"].pk,
             "message": "Its next cohort starts in March."},
        )
    application.refresh_from_db()
    assert application.status == "redirected"
    assert application.redirect_to == redirect_targets["AGISF"]
    message = mail.outbox[0]
    assert "AGI Safety Fundamentals" in message.subject
    assert "Its next cohort starts in March." in message.body
    assert "isn't a rejection" in message.body


def test_the_detail_page_offers_the_allowed_decisions(organizer_client, application):
    page = organizer_client.get(
        reverse("admin:matching_menteeapplication_change", args=[application.pk])
    ).content.decode()
    for decision in ("accepted", "waitlisted", "declined", "redirected"):
        assert f"decision={decision}" in page
    assert "weak writing sample" in page  # organizers see their own notes


def test_a_decision_from_the_detail_page_with_a_message(
    organizer_client, application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            f"{DECIDE}?ids={application.pk}",
            {"decision": "accepted", "message": "Your goals are very clear."},
        )
    assert response.status_code == 302
    assert response.url == reverse("admin:matching_menteeapplication_change",
                                   args=[application.pk])
    assert "Your goals are very clear." in mail.outbox[0].body


def test_final_decisions_cannot_be_changed(act, application, organizer_client):
    act("decline", [application])
    mail.outbox.clear()
    response = act("accept", [application])
    application.refresh_from_db()
    assert application.status == "declined"
    assert mail.outbox == []
    assert "cannot be accepted now" in response.content.decode()
    assert not Mentee.objects.exists()


def test_a_waitlisted_applicant_can_still_be_accepted(act, application):
    act("waitlist", [application])
    act("accept", [application])
    application.refresh_from_db()
    assert application.status == "accepted"
    assert len(mail.outbox) == 2
    assert LogEntry.objects.filter(object_id=str(application.pk)).count() == 2


def test_a_bulk_action_decides_what_it_can_and_reports_the_rest(act, program):
    fresh = MenteeApplicationFactory(program=program)
    done = MenteeApplicationFactory(program=program, status="declined")
    response = act("accept", [fresh, done])
    fresh.refresh_from_db()
    done.refresh_from_db()
    assert fresh.status == "accepted" and done.status == "declined"
    html = response.content.decode()
    assert "1 application accepted" in html
    assert "cannot be accepted now" in html


def test_the_decision_email_text_is_editable(act, application):
    DecisionEmail.objects.filter(decision="accepted").update(
        subject="You're in, {{ name }}!", body="Dear {{ name }}, see {{ dashboard_url }}."
    )
    act("accept", [application])
    assert mail.outbox[0].subject == "You're in, Ada Lovelace!"
    assert mail.outbox[0].body.startswith("Dear Ada Lovelace, see http")
    # The organizers' text has the link already: it is not added a second time.
    assert mail.outbox[0].body.count("http") == 1


def test_a_broken_decision_template_is_refused_in_admin(organizer_client):
    template = DecisionEmail.objects.get(decision="accepted")
    url = reverse("admin:matching_decisionemail_change", args=[template.pk])
    response = organizer_client.post(
        url, {"decision": "accepted", "subject": "Hi {% if %}", "body": "x"}
    )
    assert response.status_code == 200
    assert b"Template error" in response.content
    template.refresh_from_db()
    assert "{% if %}" not in template.subject


def test_the_list_has_the_columns_and_filters_an_organizer_scans(organizer_client, program,
                                                                  areas):
    ProgramFactory()  # the program filter appears once there is more than one program
    app = MenteeApplicationFactory(program=program, hours_per_week=3, flagged_low_hours=True,
                                   needs_funding=True)
    app.research_areas.set(areas[:2])
    page = organizer_client.get(CHANGELIST).content.decode()
    assert app.name in page
    assert areas[0].name in page
    assert "under 5 h/week" in page
    results = page[page.index('id="result_list"'):]
    header = results[:results.index("</thead>")]
    assert "Stipend?" in header and "I need a stipend" not in header
    for param in ("status__exact", "program__id__exact", "research_areas__id__exact",
                  "flagged_low_hours__exact", "needs_funding__exact"):
        assert param in page

    flagged = organizer_client.get(CHANGELIST, {"flagged_low_hours__exact": "1"})
    assert app.name in flagged.content.decode()
    searched = organizer_client.get(CHANGELIST, {"q": "nobody-like-this"})
    assert app.name not in searched.content.decode()


def test_the_list_runs_a_fixed_number_of_queries(organizer_client, program, areas,
                                                 django_assert_max_num_queries):
    def make(n):
        for _ in range(n):
            MenteeApplicationFactory(program=program).research_areas.set(areas)

    make(3)
    with django_assert_max_num_queries(20) as few:
        organizer_client.get(CHANGELIST)
    make(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        organizer_client.get(CHANGELIST)


def test_csv_export_has_the_answers_and_neutralises_formulas(organizer_client, program,
                                                             areas):
    app = MenteeApplicationFactory(program=program, name="=HYPERLINK(evil)",
                                   organizer_notes="PRIVATE")
    app.research_areas.set(areas[:1])
    response = organizer_client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [app.pk]}
    )
    assert response["Content-Type"] == "text/csv"
    body = b"".join(response.streaming_content).decode()
    header, row = body.strip().splitlines()
    assert "hours_per_week" in header and "goals" in header
    assert "'=HYPERLINK(evil)" in row
    assert areas[0].name in row
    assert "PRIVATE" not in body


def test_mentor_applications_have_their_own_triage(organizer_client, program):
    app = MentorApplicationFactory(program=program, capacity=4)
    page = organizer_client.get(
        reverse("admin:matching_mentorapplication_changelist")
    ).content.decode()
    assert app.name in page
    assert MentorApplication.objects.count() == 1
    assert MenteeApplication.objects.count() == 0


def test_accepting_an_existing_mentor_again_keeps_their_current_capacity(act, program):
    first = MentorApplicationFactory(program=program, capacity=3)
    act("accept", [first], url=reverse("admin:matching_mentorapplication_changelist"))
    Mentor.objects.filter(user=first.user).update(capacity=0, is_active=False)  # paused

    again = MentorApplicationFactory(program=program, user=first.user, capacity=5)
    act("accept", [again], url=reverse("admin:matching_mentorapplication_changelist"))
    mentor = Mentor.objects.get(user=first.user)
    assert (mentor.capacity, mentor.is_active) == (0, False)
    assert mentor.application == again


def test_an_email_text_that_would_fail_when_sent_is_refused_when_saved(organizer_client):
    template = DecisionEmail.objects.get(decision="accepted")
    url = reverse("admin:matching_decisionemail_change", args=[template.pk])
    response = organizer_client.post(
        url, {"decision": "accepted", "subject": "Hi", "body": "{% include 'nope.html' %}"}
    )
    assert response.status_code == 200
    assert b"Template error when rendering" in response.content


def test_a_decision_email_that_fails_to_render_falls_back_to_the_default(act, application):
    DecisionEmail.objects.filter(decision="accepted").update(body="{% url 'nope' %}")
    act("accept", [application])
    assert mail.outbox[0].subject.startswith("Welcome to")
    assert "You're accepted" in mail.outbox[0].body


def test_links_typed_into_a_name_are_not_made_clickable(act, program):
    app = MenteeApplicationFactory(program=program,
                                   name="Verify at https://evil.example/login now")
    act("decline", [app])
    html = mail.outbox[0].alternatives[0][0]
    assert 'href="https://evil.example' not in html


def test_applications_cannot_be_added_or_re_addressed_in_admin(organizer_client, application):
    # "Add" is an import (of one row or thousands): the public form's checks, no form here.
    add = organizer_client.get(reverse("admin:matching_menteeapplication_add"))
    assert add.status_code == 302
    assert add.url == reverse("admin:matching_menteeapplication_import")
    page = organizer_client.get(
        reverse("admin:matching_menteeapplication_change", args=[application.pk])
    ).content.decode()
    assert 'name="email"' not in page and 'name="program"' not in page


def test_a_broker_outage_after_the_commit_does_not_lose_the_decision(
    organizer_client, application, monkeypatch, django_capture_on_commit_callbacks
):
    from mm_program import delivery

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(delivery.deliver_message, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            CHANGELIST, {"action": "accept", "_selected_action": [application.pk]}
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "accepted"


def test_the_answers_are_shown_not_edited_and_the_notes_still_save(organizer_client,
                                                                   application):
    application.courses_done = ["agisf_alignment"]
    application.goals = "Write a distillation."
    application.save()
    url = reverse("admin:matching_menteeapplication_change", args=[application.pk])
    page = organizer_client.get(url)
    html = page.content.decode()
    form = page.context["adminform"].form
    # The applicant's words are shown as text: no input to change them.
    assert set(form.fields) == {"organizer_notes"}
    assert "Write a distillation." in html
    assert "AGI Safety Fundamentals: Alignment" in html and '["agisf_alignment"]' not in html
    response = organizer_client.post(url, {"organizer_notes": "Strong maths.",
                                           "goals": "Overwritten by an organizer"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.organizer_notes == "Strong maths."
    assert application.goals == "Write a distillation."


def test_a_mentor_can_be_taken_off_the_mentee_forms_list(organizer_client, program):
    app = MentorApplicationFactory(program=program, listed_for_applicants=True,
                                   excluded_stages=["bachelors"], expertise="Evals.")
    url = reverse("admin:matching_mentorapplication_change", args=[app.pk])
    page = organizer_client.get(url)
    assert set(page.context["adminform"].form.fields) == {"organizer_notes",
                                                          "listed_for_applicants"}
    assert "Bachelor&#x27;s student" in page.content.decode()
    response = organizer_client.post(url, {"organizer_notes": ""})  # the box unticked
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.listed_for_applicants is False
    assert app.excluded_stages == ["bachelors"] and app.expertise == "Evals."
