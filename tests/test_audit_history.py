"""Organizers' changes leave a history (django-simple-history) naming who made them, and
the admin shows it without letting anyone write through it."""

import pytest
from django.urls import reverse

from matching.models import (
    DecisionEmail,
    MatchingRun,
    MeetingLog,
    Mentee,
    MenteeApplication,
    Mentor,
    MentorApplication,
    Mentorship,
    PairRule,
    Program,
)
from matching.services.applications import application_decide
from mm_program.roles import ORGANIZERS
from surveys.models import Question, SurveyTemplate

from .factories import (
    MenteeApplicationFactory,
    MentorshipFactory,
    ProgramFactory,
    UserFactory,
)


def _values(form, data: dict) -> dict:
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[form.add_prefix(name)] = "on" if value is True else value
    return data


def form_data(response) -> dict:
    """What the admin change form would post back unchanged, its inlines' rows (and
    their management forms) included."""
    data = _values(response.context["adminform"].form, {})
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        _values(formset.management_form, data)
        for form in formset.forms:  # the blank extra rows as shown, so unchanged
            _values(form, data)
    return data


def test_it_tracks_the_models_organizers_change_and_not_the_participants_log():
    for model in (MenteeApplication, MentorApplication, Mentor, Mentee, Mentorship, Program,
                  DecisionEmail, MatchingRun, PairRule, SurveyTemplate, Question):
        assert hasattr(model, "history"), model.__name__
    # One row per meeting is participants' data at volume, and says who logged it.
    assert not hasattr(MeetingLog, "history")
    # A run's inputs never change and are large: the run row keeps the only copy.
    assert "inputs" not in {f.name for f in MatchingRun.history.model._meta.fields}


def test_a_triage_decision_in_admin_names_the_organizer(organizer_client, organizer, program,
                                                       django_capture_on_commit_callbacks):
    application = MenteeApplicationFactory(program=program, name="Ada Lovelace")
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            reverse("admin:matching_menteeapplication_changelist"),
            {"action": "accept", "_selected_action": [application.pk]}, follow=True)
    assert response.status_code == 200

    latest = application.history.latest()
    assert latest.status == "accepted"
    assert latest.history_user == organizer
    assert latest.history_change_reason == "Decision: Accepted"
    # Accepting made her a mentee: that row's history starts with the same organizer.
    mentee = Mentee.objects.get(user=application.user, program=program)
    assert mentee.history.earliest().history_user == organizer

    page = organizer_client.get(reverse("admin:matching_menteeapplication_history",
                                        args=[application.pk])).content.decode()
    assert "Decision: Accepted" in page and "Olivia Organizer" in page


def test_a_decision_outside_a_request_still_names_who_decided(program, organizer):
    application = MenteeApplicationFactory(program=program)
    application_decide(application=application, decision="waitlisted", decided_by=organizer)
    latest = application.history.latest()
    assert (latest.status, latest.history_user) == ("waitlisted", organizer)


def test_a_mentorship_status_move_in_admin_names_the_organizer(organizer_client, organizer,
                                                              program):
    m = MentorshipFactory(program=program)
    response = organizer_client.post(
        reverse("admin:matching_mentorship_changelist"),
        {"action": "pause", "_selected_action": [m.pk]}, follow=True)
    assert "1 mentorship paused." in response.content.decode()

    latest = m.history.latest()
    assert latest.status == "paused"
    assert latest.history_user == organizer
    assert m.history.filter(status="active").exists()  # the state before, kept

    page = organizer_client.get(reverse("admin:matching_mentorship_history",
                                        args=[m.pk])).content.decode()
    assert "Olivia Organizer" in page


def test_a_program_edit_in_admin_names_the_organizer(organizer_client, organizer):
    program = ProgramFactory(stipend_rate="30.00")
    url = reverse("admin:matching_program_change", args=[program.pk])
    data = form_data(organizer_client.get(url))
    data["stipend_rate"] = "35.00"
    response = organizer_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    latest = program.history.latest()
    assert str(latest.stipend_rate) == "35.00"
    assert latest.history_user == organizer
    previous = latest.prev_record
    assert previous is not None and str(previous.stipend_rate) != "35.00"
    changes = {c.field for c in latest.diff_against(previous).changes}
    assert changes == {"stipend_rate"}


def test_history_version_pages_are_read_only(organizer_client):
    program = ProgramFactory()
    version = program.history.latest()
    url = reverse("admin:matching_program_simple_history", args=[program.pk,
                                                                 version.history_id])
    assert organizer_client.get(url).status_code == 200
    data = {"name": "Overwritten from an old version"}
    assert organizer_client.post(url, data).status_code == 403
    program.refresh_from_db()
    assert program.name != "Overwritten from an old version"


def test_a_matching_runs_history_lists_changes_but_has_no_version_pages(organizer_client,
                                                                        organizer, program):
    run = MatchingRun.objects.create(program=program, created_by=organizer, weights={},
                                     threshold=0, inputs={"mentees": []},
                                     state_fingerprint="x")
    history = reverse("admin:matching_matchingrun_history", args=[run.pk])
    assert organizer_client.get(history).status_code == 200
    version = reverse("admin:matching_matchingrun_simple_history",
                      args=[run.pk, run.history.latest().history_id])
    assert organizer_client.get(version).status_code == 404


@pytest.mark.parametrize("name", ["program", "mentorship", "menteeapplication",
                                  "surveytemplate"])
def test_staff_outside_the_organizers_cannot_read_the_history(client, program, name):
    """The history shows organizers' notes and applicants' answers: the same permission
    as the object itself guards it."""
    stranger = UserFactory(is_staff=True)
    assert not stranger.groups.filter(name=ORGANIZERS).exists()
    client.force_login(stranger)
    objects = {
        "program": lambda: program,
        "mentorship": lambda: MentorshipFactory(program=program),
        "menteeapplication": lambda: MenteeApplicationFactory(program=program),
        "surveytemplate": lambda: SurveyTemplate.objects.first()
        or SurveyTemplate.objects.create(kind="mentee_final", title="T"),
    }
    obj = objects[name]()
    app = "surveys" if name == "surveytemplate" else "matching"
    response = client.get(reverse(f"admin:{app}_{name}_history", args=[obj.pk]))
    assert response.status_code == 403
