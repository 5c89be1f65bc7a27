"""Importing a spreadsheet of existing pairs (XLSX) and their meeting history: people and
mentorships through the services (capacity holds, ended ones end), meetings checked as
logged ones, planted errors at their cells, nobody emailed, a re-import that changes
nothing."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from matching.models import MeetingLog, Mentee, Mentor, Mentorship
from mm_program.models import Message

from .import_helpers import cells, confirm, header_labels, preview_rows, upload

pytestmark = pytest.mark.django_db

PAIR_HEADERS = ["Mentor", "Mentor's email", "Capacity", "Mentee", "Mentee's email",
                "Start date", "Status", "Ended on", "Next steps", "Hours per week"]
MEETING_HEADERS = ["Mentor's email", "Mentee's email", "Date", "Minutes", "On track", "Note"]


def xlsx(headers, rows, name="pairs.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


PAIRS = [
    ["Grace Mentor", "grace@m.example", 2, "Ada", "ada@m.example", date(2025, 1, 10),
     "Completed", date(2025, 5, 30), "A job; A PhD", 6],
    ["Grace Mentor", "grace@m.example", 2, "Bo", "bo@m.example", date(2025, 6, 1),
     "Active", None, None, 8],
    ["Grace Mentor", "grace@m.example", 2, "Cy", "cy@m.example", date(2025, 7, 1),
     "Active", None, None, None],
]
MEETINGS = [
    ["grace@m.example", "ada@m.example", date(2025, 2, 1), 45, "Yes", "Scoped the post"],
    ["grace@m.example", "ada@m.example", date(2025, 3, 1), 60, "No", "Stuck"],
    ["grace@m.example", "bo@m.example", date(2025, 6, 15), 30, "Partly", ""],
]


def _preview(client, model, program, upload_file):
    page = upload(client, model, program, upload_file)
    assert page.status_code == 200
    return page.content.decode()


def test_pairs_and_meetings_go_in_through_the_services_and_twice_is_a_no_op(
        organizer_client, program):
    before = Message.objects.count()
    html = _preview(organizer_client, "mentorship", program, xlsx(PAIR_HEADERS, PAIRS))
    assert "Say which field" not in html  # every header is one the import knows
    assert [cells(r)[1] for r in preview_rows(html)] == ["New"] * 3
    assert not Mentorship.objects.filter(program=program).exists()
    confirm(organizer_client, "mentorship", html)

    grace = Mentor.objects.get(program=program, user__email="grace@m.example")
    assert grace.capacity == 2 and grace.user.name == "Grace Mentor"
    ada = Mentorship.objects.get(mentee__user__email="ada@m.example")
    assert ada.status == "completed" and ada.ended_on == date(2025, 5, 30)
    assert ada.next_steps == ["job", "phd"] and ada.source == "imported"
    bo = Mentorship.objects.get(mentee__user__email="bo@m.example")
    assert bo.status == "active" and bo.hours_per_week == 8 and bo.terms_recorded_at
    assert Mentee.objects.get(user__email="cy@m.example").source == "imported"

    html = _preview(organizer_client, "meetinglog", program,
                    xlsx(MEETING_HEADERS, MEETINGS, "meetings.xlsx"))
    confirm(organizer_client, "meetinglog", html)
    assert sorted(MeetingLog.objects.filter(mentorship=ada).values_list("minutes", flat=True)
                  ) == [45, 60]
    assert MeetingLog.objects.get(mentorship=bo).on_track == "partly"
    assert Message.objects.count() == before  # nobody was emailed, no survey went out

    for model, headers, rows in (("mentorship", PAIR_HEADERS, PAIRS),
                                 ("meetinglog", MEETING_HEADERS, MEETINGS)):
        html = _preview(organizer_client, model, program, xlsx(headers, rows))
        assert {cells(r)[1] for r in preview_rows(html)} == {"Already here"}
        confirm(organizer_client, model, html)
    assert Mentorship.objects.filter(program=program).count() == 3
    assert MeetingLog.objects.filter(mentorship__program=program).count() == 3


def test_capacity_and_dates_are_the_services_rules_shown_at_their_cells(
        organizer_client, program):
    rows = [row[:] for row in PAIRS]
    rows[0][6] = "Active"  # Ada is no longer completed: three live mentees for two places
    html = _preview(organizer_client, "mentorship", program, xlsx(PAIR_HEADERS, rows))
    labels = header_labels(html)
    table = [cells(r) for r in preview_rows(html)]
    assert table[2][1] == "Error"
    assert "at capacity (2 of 2 mentees)" in table[2][labels.index("Mentor's capacity")]
    assert "Confirm the import" not in html
    assert not Mentorship.objects.exists()  # the dry run wrote nothing

    confirm(organizer_client, "mentorship", _preview(
        organizer_client, "mentorship", program, xlsx(PAIR_HEADERS, PAIRS)))
    bad = [["grace@m.example", "ada@m.example", date(2025, 6, 2), 45, "Yes", "after the end"],
           ["grace@m.example", "bo@m.example", date(2025, 6, 15), 900, "Yes", ""],
           ["grace@m.example", "zed@m.example", date(2025, 6, 15), 30, "Yes", ""]]
    html = _preview(organizer_client, "meetinglog", program, xlsx(MEETING_HEADERS, bad))
    labels = header_labels(html)
    table = [cells(r) for r in preview_rows(html)]
    assert "after the mentorship ended" in table[0][labels.index("Date")]
    assert "from 1 to 480" in table[1][labels.index("Minutes")]
    assert "import the pairs first" in table[2][labels.index("Mentee's email")]
    assert not MeetingLog.objects.exists()


def test_an_organizer_address_never_becomes_a_participant(organizer_client, organizer,
                                                          program):
    rows = [["Olivia", organizer.email, 1, "Ada", "ada@m.example", date(2025, 1, 10),
             "Active", None, None, None]]
    html = _preview(organizer_client, "mentorship", program, xlsx(PAIR_HEADERS, rows))
    labels = header_labels(html)
    row = cells(preview_rows(html)[0])
    assert "organizer's account" in row[labels.index("Mentor's email")]
    assert not Mentor.objects.filter(user=organizer).exists()
