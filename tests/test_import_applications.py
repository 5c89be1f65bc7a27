"""Importing a Google Forms export of mentee applications in the admin: the columns mapped
once, a dry run that shows every planted error at its cell and writes nothing, the
confirmed import through the services, no emails unless asked, a re-import that changes
nothing."""

import pytest

from matching.models import ApplicationStatus, ImportSource, Mentee, MenteeApplication
from mm_program.models import Message

from .factories import UserFactory
from .import_helpers import (
    GOOGLE_FORM_HEADERS,
    GOOGLE_FORM_MAPPING,
    cells,
    confirm,
    csv_file,
    google_form_row,
    header_labels,
    import_url,
    preview_rows,
    submit_mapping,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def areas_seeded(program):
    # The migration's research areas (the demo's names) are what the form lists.
    from matching.models import ResearchArea
    for name in ("Mechanistic interpretability", "Agent foundations"):
        ResearchArea.objects.get_or_create(name=name, defaults={"slug": name.lower()[:20]
                                                                .replace(" ", "-")})


def _mapped_preview(client, program, rows):
    page = upload(client, "menteeapplication", program, csv_file(GOOGLE_FORM_HEADERS, rows))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Say which field each column" in html  # its own headers: mapped once
    return submit_mapping(client, "menteeapplication", html, GOOGLE_FORM_MAPPING)


def test_the_dry_run_shows_each_planted_error_at_its_cell_and_writes_nothing(
        organizer_client, program, areas_seeded):
    rows = [google_form_row(1),
            google_form_row(2, **{"Your time zone": "GMT+1"}),
            google_form_row(3, **{"How many hours per week can you commit?": "lots",
                                  "Which research areas interest you?": "Astrology"}),
            google_form_row(4, **{"Email address": "not-an-address"})]
    page = _mapped_preview(organizer_client, program, rows)
    html = page.content.decode()
    labels = header_labels(html)
    table = [cells(row) for row in preview_rows(html)]
    assert [row[0] for row in table] == ["2", "3", "4", "5"]  # the file's lines
    assert table[0][1] == "New"

    def cell(line, label):
        return table[line - 2][labels.index(label)]

    assert "is not a time zone's name" in cell(3, "Time zone")
    assert "“lots” is not a number" in cell(4, "Hours per week")
    assert "Unknown: Astrology" in cell(4, "Research areas")
    assert "not an email address" in cell(5, "Email")
    assert "error" not in cell(3, "Hours per week").lower()  # only where it is
    assert "Nothing was written" in html and "Confirm the import" not in html
    assert not MenteeApplication.objects.filter(email__endswith="@uni.example").exists()
    # The mapping was kept for next time.
    source = ImportSource.objects.get(program=program, kind="menteeapplication")
    assert source.columns["Your time zone"] == "timezone"


def test_a_clean_file_imports_on_confirm_emails_nobody_and_twice_changes_nothing(
        organizer_client, program, areas_seeded):
    rows = [google_form_row(n) for n in range(1, 6)]
    before_messages = Message.objects.count()
    page = _mapped_preview(organizer_client, program, rows)
    html = page.content.decode()
    assert "This was a dry run" in html
    assert not MenteeApplication.objects.filter(email__endswith="@uni.example").exists()
    done = confirm(organizer_client, "menteeapplication", html)
    assert done.status_code == 302
    imported = MenteeApplication.objects.filter(email__endswith="@uni.example")
    assert imported.count() == 5
    first = imported.get(email="ann1@uni.example")
    assert first.submitted_at.date().isoformat() == "2025-03-02"  # the form's own date
    assert first.occupation == "masters" and first.hours_per_week == 8
    assert sorted(a.name for a in first.research_areas.all()) == [
        "Agent foundations", "Mechanistic interpretability"]
    assert first.user.email == "ann1@uni.example"
    assert Message.objects.count() == before_messages  # nobody was emailed

    # The same file again: the saved mapping finds itself, every row is already here.
    stamps = dict(imported.values_list("pk", "updated_at"))
    again = upload(organizer_client, "menteeapplication", program,
                   csv_file(GOOGLE_FORM_HEADERS, rows))
    html = again.content.decode()
    assert "Say which field each column" not in html
    assert [cells(r)[1] for r in preview_rows(html)] == ["Already here"] * 5
    confirm(organizer_client, "menteeapplication", html)
    assert dict(imported.values_list("pk", "updated_at")) == stamps
    assert MenteeApplication.objects.filter(email__endswith="@uni.example").count() == 5


def test_decisions_in_the_file_go_through_the_decision_and_email_only_when_asked(
        organizer_client, program, areas_seeded):
    headers = [*GOOGLE_FORM_HEADERS, "Status"]
    rows = [[*google_form_row(1), "Accepted"], [*google_form_row(2), "declined"]]
    page = upload(organizer_client, "menteeapplication", program, csv_file(headers, rows),
                  notify="on")
    page = submit_mapping(organizer_client, "menteeapplication", page.content.decode(),
                          [*GOOGLE_FORM_MAPPING, "status"])
    assert "will be emailed" in page.content.decode()
    confirm(organizer_client, "menteeapplication", page.content.decode())
    accepted = MenteeApplication.objects.get(email="ann1@uni.example")
    assert accepted.status == ApplicationStatus.ACCEPTED
    assert Mentee.objects.filter(program=program, user=accepted.user).exists()
    kinds = sorted(Message.objects.filter(recipient__endswith="@uni.example")
                   .values_list("kind", flat=True))
    assert kinds == ["application-received", "application-received", "decision", "decision"]


def test_a_changed_answer_updates_the_application_without_a_duplicate(
        organizer_client, program, areas_seeded):
    page = _mapped_preview(organizer_client, program, [google_form_row(1)])
    confirm(organizer_client, "menteeapplication", page.content.decode())
    changed = [google_form_row(1, **{"How many hours per week can you commit?": "12"})]
    page = upload(organizer_client, "menteeapplication", program,
                  csv_file(GOOGLE_FORM_HEADERS, changed))
    assert [cells(r)[1] for r in preview_rows(page.content.decode())] == ["Update"]
    confirm(organizer_client, "menteeapplication", page.content.decode())
    assert MenteeApplication.objects.get(email="ann1@uni.example").hours_per_week == 12


def test_the_mapping_must_fill_the_required_fields(organizer_client, program):
    page = upload(organizer_client, "menteeapplication", program,
                  csv_file(GOOGLE_FORM_HEADERS, [google_form_row(1)]))
    keys = ["", *GOOGLE_FORM_MAPPING[1:]]
    keys[1] = ""  # the email column left out
    page = submit_mapping(organizer_client, "menteeapplication", page.content.decode(), keys)
    assert "No column fills: Email" in page.content.decode()
    assert not ImportSource.objects.exists()


def test_a_file_that_is_no_table_is_refused_at_the_field(organizer_client, program):
    from django.core.files.uploadedfile import SimpleUploadedFile
    page = upload(organizer_client, "menteeapplication", program,
                  SimpleUploadedFile("x.xlsx", b"not a workbook"))
    assert "could not be read as a table" in page.content.decode()


def test_organizers_get_import_for_add_and_others_get_403(client, organizer_client, program):
    add = organizer_client.get("/admin/matching/menteeapplication/add/")
    assert add.status_code == 302 and add.url == import_url("menteeapplication")
    assert organizer_client.get(import_url("menteeapplication")).status_code == 200
    client.force_login(UserFactory(is_staff=True))  # staff without the organizer role
    assert client.get(import_url("menteeapplication")).status_code == 403
    assert client.get("/admin/matching/menteeapplication/add/").status_code == 403


def test_an_organizers_address_is_refused_at_its_cell_before_anything_is_written(
        organizer_client, organizer, program, areas_seeded):
    rows = [google_form_row(1), google_form_row(2, **{"Email address": organizer.email})]
    html = _mapped_preview(organizer_client, program, rows).content.decode()
    labels = header_labels(html)
    table = [cells(row) for row in preview_rows(html)]
    assert table[0][1] == "New"
    assert "organizer's account" in table[1][labels.index("Email")]
    assert "Confirm the import" not in html
