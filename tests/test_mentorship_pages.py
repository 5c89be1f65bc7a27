"""The participants' side of a mentorship: dashboard spreadsheet, mentorship page, terms,
meetings, final project and ending (a self-found mentee and the invitation page are in
test_mentorship_invitations.py)."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import (
    FinalProject,
    MeetingLog,
    Mentorship,
)
from matching.services import mentorships as services

from .factories import (
    MeetingLogFactory,
    MenteeFactory,
    MentorFactory,
    MentorshipFactory,
    ResearchAreaFactory,
    UserFactory,
)
from .helpers import day, log_data, sheet_row, text, today

User = get_user_model()


# --- Dashboard ---------------------------------------------------------------------------

def test_the_mentor_sees_one_row_per_mentee_with_a_one_line_meeting_form(
    mentor_client, mentorship
):
    MeetingLogFactory(mentorship=mentorship, date=today() - timedelta(days=3), minutes=90)
    html = text(mentor_client.get(reverse("dashboard")))
    assert "Your mentees" in html
    assert "1 of 3</strong> places taken" in html
    row = sheet_row(html, mentorship)
    assert "Ada Lovelace" in row and "ada@example.org" in row
    assert "Active" in row
    assert day(today() - timedelta(days=3)) in row
    assert ">1<" in row  # meetings so far
    assert "1.5" in row  # hours so far
    assert "Record the first call's terms" in row
    # The one-liner: today and the agreed minutes are already filled in.
    assert f'name="log-{mentorship.pk}-date" value="{today().isoformat()}"' in html
    assert f'name="log-{mentorship.pk}-minutes" value="30"' in html
    assert f'action="{reverse("meeting_log", args=[mentorship.pk])}"' in html
    # ...and the self-found mentee row.
    assert f'action="{reverse("mentee_add", args=[mentorship.mentor.pk])}"' in html
    assert "Add a mentee you found yourself" in html


def test_live_mentorships_come_first_then_ended_ones(program, grace, mentor_client):
    ended = MentorshipFactory(program=program, mentor=grace, status="completed",
                              start_date=today() - timedelta(days=200),
                              ended_on=today() - timedelta(days=10))
    live = MentorshipFactory(program=program, mentor=grace,
                             start_date=today() - timedelta(days=300))
    html = text(mentor_client.get(reverse("dashboard")))
    assert html.index(f'id="mentorship-{live.pk}"') < html.index(f'id="mentorship-{ended.pk}"')
    # An ended row has no meeting form, and no longer takes a place.
    assert f"log-{ended.pk}-date" not in html
    assert "1 of 3</strong> places taken" in html


def test_a_mentor_without_mentees_is_told_what_to_do(mentor_client):
    html = text(mentor_client.get(reverse("dashboard")))
    assert "No mentees yet." in html
    assert "0 of 3</strong> places taken" in html


def test_a_full_mentor_is_told_their_places_are_taken(program, mentor_client, grace):
    for _ in range(3):
        MentorshipFactory(program=program, mentor=grace)
    html = text(mentor_client.get(reverse("dashboard")))
    assert "3 of 3</strong> places taken" in html
    assert "All 3 of your places are taken" in html


def test_the_mentee_sees_their_mentor_terms_meetings_and_project(mentee_client, mentorship,
                                                                  areas):
    services.terms_record(mentorship=mentorship, by=mentorship.mentor.user,
                          focus_areas=areas[:1], focus="Distil a mech interp paper",
                          hours_per_week=8, meeting_every_weeks=2, meeting_minutes=45,
                          planned_end_date=today() + timedelta(days=60), needs_stipend=True)
    MeetingLogFactory(mentorship=mentorship, date=today() - timedelta(days=1), minutes=45)
    FinalProject.objects.create(mentorship=mentorship, kind="blog_post", title="My post",
                                url="https://example.org/post")
    html = text(mentee_client.get(reverse("dashboard")))
    assert "Your mentorship" in html
    assert "Grace Hopper" in html and "mailto:grace@example.org" in html
    assert "Distil a mech interp paper" in html
    assert areas[0].name in html
    assert "8 h a week" in html and "45-minute meeting every 2 weeks" in html
    assert "1 meeting, 0.8 h" in html
    assert "My post" in html and "https://example.org/post" in html
    assert reverse("mentorship_detail", args=[mentorship.pk]) in html
    assert "Stipend requests" in html


def test_a_mentee_waiting_for_a_match_is_reassured(mentee_client, ada):
    html = text(mentee_client.get(reverse("dashboard")))
    assert "finding the mentor who fits you best" in html


def test_an_invited_person_with_an_account_can_confirm_from_their_dashboard(client, grace):
    bob = UserFactory(email="bob@example.org")  # an applicant, say: a verified address
    services.mentorship_invite(mentor=grace, name="Bob", email="bob@example.org",
                               start_date=today())
    client.force_login(bob)
    html = text(client.get(reverse("dashboard")))
    assert "Grace Hopper invited you to be their mentee" in html
    assert "/invitation/" in html
    client.force_login(UserFactory(email="someone@example.org"))
    assert "/invitation/" not in text(client.get(reverse("dashboard")))


def test_a_person_can_be_mentor_and_mentee(program, client, mentorship, grace):
    other_mentor = MentorFactory(program=program, user__name="Alan Turing")
    as_mentee = MenteeFactory(program=program, user=grace.user)
    MentorshipFactory(program=program, mentor=other_mentor, mentee=as_mentee)
    client.force_login(grace.user)
    html = text(client.get(reverse("dashboard")))
    assert "Your mentees" in html and "Ada Lovelace" in html
    assert "Your mentorship" in html and "Alan Turing" in html


def test_the_applications_list_stays(client, program):
    from .factories import MenteeApplicationFactory

    app = MenteeApplicationFactory(program=program)
    client.force_login(app.user)
    html = text(client.get(reverse("dashboard")))
    assert "Your applications" in html and "Pending review" in html


def _people(program, *, mentees, meetings, prefix):
    """A mentor with `mentees` mentorships of `meetings` meetings each, who is also a mentee
    of someone else with `meetings` meetings."""
    mentor = MentorFactory(program=program, capacity=20, user__email=f"{prefix}@example.org")
    area = ResearchAreaFactory()
    for _ in range(mentees):
        m = MentorshipFactory(program=program, mentor=mentor,
                              start_date=today() - timedelta(days=60))
        m.focus_areas.add(area)
        for n in range(meetings):
            MeetingLogFactory(mentorship=m, date=today() - timedelta(days=n))
        FinalProject.objects.create(mentorship=m, kind="other", title="P")
    as_mentee = MenteeFactory(program=program, user=mentor.user)
    m = MentorshipFactory(program=program, mentee=as_mentee,
                          start_date=today() - timedelta(days=60))
    m.focus_areas.add(area)
    for n in range(meetings):
        MeetingLogFactory(mentorship=m, date=today() - timedelta(days=n))
    return mentor.user


def test_the_dashboard_runs_a_fixed_number_of_queries(client, program,
                                                      django_assert_num_queries):
    small = _people(program, mentees=2, meetings=1, prefix="small")
    large = _people(program, mentees=20, meetings=10, prefix="large")

    client.force_login(small)
    with CaptureQueriesContext(connection) as small_queries:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    count = len(small_queries)
    # 19 reads for a mentor who is also a mentee: each role's stipend block is its own query
    # (the mentee's, and once the grant phases of their programs: payments.hooks),
    # the cohort block (matching.cohort_dashboard) asks once for their cohort roles, the
    # phases block (matching.cohort_phase_dashboard) once for their filters, milestones
    # and gradings, the announcements they got once (matching.announcement_dashboard),
    # the mentor's own survey figures once; the applications table shows no research
    # areas, so reads none. The session's renewal is saved with the sign-in
    # (mm_program.sessions), not on this page.
    assert count == 19, [q["sql"] for q in small_queries]

    client.force_login(large)
    with django_assert_num_queries(count):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert text(response).count('class="mm-log-form"') == 20


def test_organizer_notes_are_never_shown(mentorship, client):
    Mentorship.objects.filter(pk=mentorship.pk).update(organizer_notes="PRIVATE ORGANIZER NOTE")
    for user in (mentorship.mentor.user, mentorship.mentee.user):
        client.force_login(user)
        for url in (reverse("dashboard"),
                    reverse("mentorship_detail", args=[mentorship.pk]),
                    reverse("mentorship_terms", args=[mentorship.pk]),
                    reverse("final_project", args=[mentorship.pk]),
                    reverse("mentorship_end", args=[mentorship.pk])):
            assert b"PRIVATE ORGANIZER NOTE" not in client.get(url).content


# --- Logging a meeting -------------------------------------------------------------------

def test_a_mentor_logs_a_meeting_in_one_line_from_the_dashboard(mentor_client, mentorship):
    response = mentor_client.post(reverse("meeting_log", args=[mentorship.pk]),
                                  log_data(mentorship, note="Good progress"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    log = MeetingLog.objects.get()
    assert (log.date, log.minutes, log.on_track, log.note) == (today(), 30, "yes",
                                                              "Good progress")
    assert log.logged_by == mentorship.mentor.user
    html = text(response)
    assert f"Meeting of {day(today())} logged (30 min)" in html
    assert ">1<" in sheet_row(html, mentorship)


def test_a_mentee_can_log_a_meeting_on_the_mentorship_page(mentee_client, mentorship):
    url = reverse("mentorship_detail", args=[mentorship.pk])
    html = text(mentee_client.get(url))
    assert "if they haven't logged one, you can log it here" in html
    data = log_data(mentorship, on_track="partly")
    data["back"] = "detail"
    response = mentee_client.post(reverse("meeting_log", args=[mentorship.pk]), data)
    assert response.status_code == 302 and response.url == url
    assert MeetingLog.objects.get().logged_by == mentorship.mentee.user


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"date": "FUTURE"}, "date", "A meeting you are logging can't be in the future."),
        ({"date": "BEFORE"}, "date", "That is before the mentorship started"),
        ({"minutes": "0"}, "minutes", "Enter how many minutes you met: at least 1."),
        ({"minutes": "-5"}, "minutes", "Enter how many minutes you met: at least 1."),
        ({"minutes": "481"}, "minutes", "Enter at most 480."),
        ({"minutes": "half an hour"}, "minutes", "Enter a whole number of minutes"),
        ({"on_track": ""}, "on_track", "Is the mentee on track?"),
    ],
)
def test_a_bad_line_comes_back_in_its_row_with_what_was_typed(
    mentor_client, mentorship, overrides, field, message
):
    other = MentorshipFactory(program=mentorship.program, mentor=mentorship.mentor)
    dates = {"FUTURE": (today() + timedelta(days=1)).isoformat(),
             "BEFORE": (mentorship.start_date - timedelta(days=1)).isoformat()}
    overrides = {k: dates.get(v, v) for k, v in overrides.items()}
    data = log_data(mentorship, note="Typed note", **overrides)
    response = mentor_client.post(reverse("meeting_log", args=[mentorship.pk]), data)

    assert response.status_code == 400
    assert MeetingLog.objects.count() == 0
    html = text(response)
    assert "mm-error-summary" in html and message in html
    row_form = _log_form(html, mentorship)
    assert message in row_form
    assert f'id="id_log-{mentorship.pk}-{field}_error"' in row_form
    assert 'value="Typed note"' in row_form
    for value in overrides.values():
        if value:
            assert f'value="{value}"' in row_form
    # The other rows are untouched and unbound.
    assert "is-invalid" not in _log_form(html, other)


def _log_form(html, m):
    match = re.search(
        rf'<form method="post" action="{reverse("meeting_log", args=[m.pk])}".*?</form>',
        html, re.S)
    assert match
    return match.group(0)


def test_a_meeting_on_a_completed_mentorship_is_refused(mentor_client, mentorship):
    services.mentorship_complete(mentorship=mentorship, next_steps=["job"])
    data = log_data(mentorship)
    data["back"] = "detail"
    response = mentor_client.post(reverse("meeting_log", args=[mentorship.pk]), data)
    assert response.status_code == 400
    assert "This mentorship is completed: meetings can no longer be logged." in \
        text(response)
    assert MeetingLog.objects.count() == 0


def test_a_bad_line_on_the_mentorship_page_comes_back_there(mentor_client, mentorship):
    data = log_data(mentorship, minutes="999")
    data["back"] = "detail"
    response = mentor_client.post(reverse("meeting_log", args=[mentorship.pk]), data)
    assert response.status_code == 400
    html = text(response)
    assert "The meeting wasn't logged" in html
    assert "Your mentorship with Ada Lovelace" in html
    assert 'value="999"' in html


# --- Mentorship page ---------------------------------------------------------------------

def test_the_mentorship_page_shows_status_dates_terms_prompt_and_meetings(
    mentor_client, mentorship
):
    MeetingLogFactory(mentorship=mentorship, date=today() - timedelta(days=2), note="Read RLHF")
    html = text(mentor_client.get(reverse("mentorship_detail", args=[mentorship.pk])))
    assert "Your mentorship with Ada Lovelace" in html
    assert "Active" in html
    assert f"started {day(mentorship.start_date)}" in html
    assert f"planned end {day(mentorship.planned_end_date)}" in html
    assert "Record the first call's terms" in html
    assert f'action="{reverse("mentorship_terms", args=[mentorship.pk])}"' in html
    assert "Read RLHF" in html
    assert "Pause" in html and "Complete with next steps" in html and "End early" in html


def test_an_ended_mentorship_shows_how_it_ended_and_no_forms(mentee_client, mentorship):
    services.mentorship_complete(mentorship=mentorship, next_steps=["phd", "grant"],
                                 notes="Apply to Oxford")
    html = text(mentee_client.get(reverse("mentorship_detail", args=[mentorship.pk])))
    assert "Completed" in html
    assert "A PhD" in html and "A grant" in html and "Apply to Oxford" in html
    assert "Log meeting" not in html
    assert "End early" not in html


# --- Terms -------------------------------------------------------------------------------

def test_the_terms_form_starts_from_the_program_defaults(mentee_client, mentorship):
    html = text(mentee_client.get(reverse("mentorship_terms", args=[mentorship.pk])))
    assert 'name="meeting_minutes" value="30"' in html
    assert 'name="meeting_every_weeks" value="2"' in html
    assert f'name="planned_end_date" value="{mentorship.planned_end_date.isoformat()}"' in html
    assert 'name="hours_per_week" value="8"' in html  # from the mentee's application
    assert "Suggested: 30–60 minutes." in html
    assert "Suggested: every 2 weeks" in html
    assert "Suggested: 3–5 months" in html
    assert "at least 5 hours a week" in html


def test_either_side_records_the_terms(mentee_client, mentorship, areas):
    end = today() + timedelta(days=90)
    response = mentee_client.post(reverse("mentorship_terms", args=[mentorship.pk]), {
        "focus_areas": [areas[0].pk, areas[1].pk], "focus": "Replicate a paper",
        "hours_per_week": "10", "meeting_every_weeks": "3", "meeting_minutes": "45",
        "planned_end_date": end.isoformat(), "needs_stipend": "on",
    }, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mentorship_detail", args=[mentorship.pk])
    mentorship.refresh_from_db()
    assert mentorship.terms_recorded
    assert mentorship.terms_recorded_by == mentorship.mentee.user
    assert (mentorship.hours_per_week, mentorship.meeting_every_weeks,
            mentorship.meeting_minutes, mentorship.planned_end_date,
            mentorship.needs_stipend, mentorship.focus) == (10, 3, 45, end, True,
                                                           "Replicate a paper")
    assert set(mentorship.focus_areas.all()) == {areas[0], areas[1]}
    html = text(response)
    assert "The terms are recorded" in html
    assert "45 minutes every 3 weeks" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("planned_end_date", "START", "The planned end must be after the start"),
        ("hours_per_week", "0", "Enter at least 1 hour a week."),
        ("meeting_minutes", "900", "Enter at most 480 minutes"),
        ("meeting_every_weeks", "", "Enter how often you meet, in weeks."),
    ],
)
def test_bad_terms_are_explained_and_kept(mentor_client, mentorship, field, value, message):
    if value == "START":
        value = mentorship.start_date.isoformat()
    data = {"hours_per_week": "8", "meeting_every_weeks": "2", "meeting_minutes": "30",
            "planned_end_date": (today() + timedelta(days=60)).isoformat(),
            "focus": "Kept focus", field: value}
    response = mentor_client.post(reverse("mentorship_terms", args=[mentorship.pk]), data)
    assert response.status_code == 400
    html = text(response)
    assert message in html and "mm-error-summary" in html
    assert 'value="Kept focus"' in html
    mentorship.refresh_from_db()
    assert not mentorship.terms_recorded


def test_terms_cannot_be_recorded_before_the_mentee_confirms(client, grace):
    m = services.mentorship_invite(mentor=grace, name="Bob", email="bob@example.org",
                                   start_date=today())
    client.force_login(grace.user)
    response = client.post(reverse("mentorship_terms", args=[m.pk]), {
        "hours_per_week": "8", "meeting_every_weeks": "2", "meeting_minutes": "30",
        "planned_end_date": (today() + timedelta(days=60)).isoformat()})
    assert "its terms can't be changed now" in text(response)
    m.refresh_from_db()
    assert not m.terms_recorded


