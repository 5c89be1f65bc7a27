"""The organizers' spreadsheets (admin actions, CSV and XLSX): mentorships with their
terms, meetings, hours, final project, next steps and survey status; meeting logs; a
per-mentor summary with hours given, worth-it answers and ratings received. Each holds
the rows of the list it was asked from, every cell defused, and only organizers get
one."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from matching.models import FinalProject
from surveys.models import SurveyKind

from .factories import MeetingLogFactory, MentorshipFactory, UserFactory
from .surveys_helpers import answer, completed, invitation

pytestmark = pytest.mark.django_db


def _export(client, model, action, ids, **filters):
    url = reverse(f"admin:matching_{model}_changelist")
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    return client.post(f"{url}?{query}" if query else url,
                       {"action": action, "_selected_action": [str(pk) for pk in ids]})


def _csv(response) -> list[dict]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def _xlsx(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.fixture
def finished(program):
    """A completed mentorship with three meetings, a final project and both final
    surveys answered; the mentee's name is a formula someone typed into a form."""
    m = completed(program, minutes=(45, 60, 75), next_steps=["job", "phd"])
    m.mentee.user.name = '=HYPERLINK("http://evil.example")'
    m.mentee.user.save(update_fields=["name"])
    FinalProject.objects.create(mentorship=m, kind="blog_post", title="A distillation",
                                url="https://example.org/post")
    answer(invitation(m, SurveyKind.MENTOR_FINAL), worth_it="yes")
    answer(invitation(m, SurveyKind.MENTEE_FINAL), recommend="8")
    invitation(m, SurveyKind.MENTEE_BASELINE)  # sent, never answered
    return m


def test_mentorships_as_csv_with_meetings_hours_project_and_survey_status(
        organizer_client, program, finished):
    other = MentorshipFactory(program=program)
    rows = _csv(_export(organizer_client, "mentorship", "export_sheet_csv", [finished.pk]))
    assert len(rows) == 1  # the selected one, not `other`
    row = rows[0]
    assert row["id"] == str(finished.pk) and row["status"] == "Completed"
    assert row["meetings"] == "3" and row["hours met"] == "3.0"
    assert row["final project"] == "A distillation"
    assert row["final project kind"] == "Blog post"
    assert "job" in row["next steps"].lower() and "phd" in row["next steps"].lower()
    assert "mentee final: answered" in row["surveys"]
    assert "mentor final: answered" in row["surveys"]
    assert "baseline: waiting" in row["surveys"]
    assert row["mentee"].startswith("'=HYPERLINK")  # defused: text, not a formula
    assert other.pk not in {int(r["id"]) for r in rows}


def test_mentorships_as_xlsx_defuse_formulas_too(organizer_client, program, finished):
    rows = _xlsx(_export(organizer_client, "mentorship", "export_sheet_xlsx", [finished.pk]))
    assert rows[0]["mentee"].startswith("'=HYPERLINK")
    assert rows[0]["meetings"] == 3 and rows[0]["hours met"] == 3.0


def test_meeting_logs_one_row_each(organizer_client, program, finished):
    ids = list(finished.meetings.values_list("pk", flat=True))
    rows = _csv(_export(organizer_client, "meetinglog", "export_sheet_csv", ids))
    assert sorted(int(r["minutes"]) for r in rows) == [45, 60, 75]
    assert {r["mentorship id"] for r in rows} == {str(finished.pk)}
    assert _xlsx(_export(organizer_client, "meetinglog", "export_sheet_xlsx", ids))[0][
        "on track?"] == "Yes"


def test_the_mentor_summary_counts_mentees_hours_and_answers(
        organizer_client, program, finished):
    mentor = finished.mentor
    live = MentorshipFactory(program=program, mentor=mentor)
    MeetingLogFactory(mentorship=live, minutes=30)
    rows = _csv(_export(organizer_client, "mentor", "export_sheet_csv", [mentor.pk]))
    row = rows[0]
    assert row["mentees"] == "2" and row["mentees now"] == "1" and row["completed"] == "1"
    assert row["meetings"] == "4" and row["hours given"] == "3.5"
    assert row["worth it? (their answers)"] == "Yes"
    assert row["mentees' ratings (recommend, 0-10)"] == "8.0 from 1"


def test_an_export_holds_the_filtered_list_only(organizer_client, program, finished):
    active = MentorshipFactory(program=program)
    url = reverse("admin:matching_mentorship_changelist") + "?status__exact=active"
    response = organizer_client.post(url, {
        "action": "export_sheet_csv", "select_across": "1",
        "_selected_action": [str(active.pk)]})
    assert [int(r["id"]) for r in _csv(response)] == [active.pk]


@pytest.mark.parametrize("model", ["mentorship", "meetinglog", "mentor"])
def test_only_organizers_get_an_export(client, officer, program, finished, model):
    ids = {"mentorship": [finished.pk], "mentor": [finished.mentor.pk],
           "meetinglog": list(finished.meetings.values_list("pk", flat=True))}[model]
    for user in (officer, UserFactory(is_staff=True), UserFactory()):
        client.force_login(user)
        response = _export(client, model, "export_sheet_csv", ids)
        assert response.status_code in (302, 403)
        assert not response.get("Content-Disposition")
