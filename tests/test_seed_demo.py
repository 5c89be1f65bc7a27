from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.cohort_demo import SLUG as COHORT_SLUG
from matching.models import (
    LIVE_STATUSES,
    FinalProject,
    MeetingLog,
    Mentee,
    MenteeApplication,
    Mentor,
    MentorApplication,
    Mentorship,
    MentorshipSource,
    MentorshipStatus,
)

from .demo_once import demo_once

User = get_user_model()


def _counts():
    return (User.objects.count(), MenteeApplication.objects.count(),
            MentorApplication.objects.count(), Mentee.objects.count(),
            Mentor.objects.count(), Mentorship.objects.count(), MeetingLog.objects.count())


def test_it_builds_a_believable_program_and_running_again_changes_nothing(db, capsys):
    call_command("seed_demo", force=True)
    first = _counts()
    statuses = set(MenteeApplication.objects.values_list("status", flat=True))
    assert statuses == {"pending", "accepted", "waitlisted", "declined", "redirected"}
    assert MenteeApplication.objects.filter(flagged_low_hours=True).exists()
    assert Mentor.objects.filter(is_active=True).count() >= 5
    # Mentors span several research agendas.
    assert MentorApplication.objects.values("research_areas").distinct().count() >= 8
    out = capsys.readouterr().out
    assert "organizer@example.org / demo-organizer-2026" in out

    call_command("seed_demo", force=True)
    assert _counts() == first


def test_it_builds_large_data_sets_in_bulk(db):
    call_command("seed_demo", force=True)
    before = _counts()
    # A re-run of the demo alone costs a fixed number of queries; the bulk part adds at
    # most 150 more for 340 people, so it is written in bulk, not row by row.
    with CaptureQueriesContext(connection) as demo_only:
        call_command("seed_demo", force=True)
    with CaptureQueriesContext(connection) as with_bulk:
        call_command("seed_demo", force=True, mentees=300, mentors=40)
    assert len(with_bulk) - len(demo_only) <= 150
    users, mentee_apps, mentor_apps, mentees, mentors, *_ = _counts()
    assert mentee_apps - before[1] == 300
    assert mentor_apps - before[2] == 40
    assert mentors - before[4] == 40
    assert 0 < mentees - before[3] < 300  # only the accepted ones are ready to match

    call_command("seed_demo", force=True, mentees=300, mentors=40)
    assert _counts()[:5] == (users, mentee_apps, mentor_apps, mentees, mentors)


def test_the_summary_says_who_to_sign_in_as(db, capsys):
    call_command("seed_demo", force=True)
    out = capsys.readouterr().out
    assert "amara.okafor@example.org / demo-organizer-2026" in out
    assert "ana.costa@example.org / demo-organizer-2026" in out
    assert "accepted mentees without a mentor" in out


def test_it_refuses_to_run_on_a_production_configuration(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published password"):
        call_command("seed_demo")


# --- mentorships at every stage --------------------------------------------------------
# The demo is seeded once for the tests below (tests/demo_once.py); the tests above seed
# it themselves, from an empty database, so they have to come first.


def _mentorship_state():
    return (
        sorted(Mentorship.objects.values_list("pk", "status", "updated_at")),
        MeetingLog.objects.count(), FinalProject.objects.count(),
        sorted(MenteeApplication.objects.values_list("pk", "updated_at")),
        sorted(MentorApplication.objects.values_list("pk", "updated_at")),
    )


_demo_seeded_once = demo_once()


@pytest.fixture
def seeded(_demo_seeded_once, db):
    """The demo as `seed_demo` leaves it, seeded once for the module (tests/demo_once.py)."""


def test_the_demo_organizer_can_sign_in_to_the_admin(client, seeded):
    response = client.post("/accounts/login/?next=/admin/",
                           {"login": "organizer@example.org",
                            "password": "demo-organizer-2026"})
    assert response.status_code == 302
    page = client.get("/admin/matching/menteeapplication/")
    assert page.status_code == 200
    assert b"Ana Costa" in page.content


def test_every_mentorship_status_is_there_with_meetings(seeded):
    assert set(Mentorship.objects.values_list("status", flat=True)) == set(
        MentorshipStatus.values)
    assert set(Mentorship.objects.values_list("source", flat=True)) == set(
        MentorshipSource.values)
    assert set(MeetingLog.objects.values_list("on_track", flat=True)) == {"yes", "partly",
                                                                         "no"}
    assert MeetingLog.objects.exclude(note="").count() >= 5
    # Meetings sit in the past, inside their mentorship.
    today = timezone.localdate()
    for log in MeetingLog.objects.select_related("mentorship"):
        assert log.mentorship.start_date <= log.date <= today
    # Every running or ended mentorship has had meetings, except the ones just started
    # (the cohort's scholar who accepted their offer today).
    for m in Mentorship.objects.exclude(status__in=["invited", "declined"]).exclude(
            program__slug=COHORT_SLUG):
        assert m.meetings.exists(), m


def test_each_stage_an_organizer_filters_for_is_there(seeded):
    today = timezone.localdate()
    stats = Mentorship.objects.with_meeting_stats()
    active = stats.filter(status="active")
    assert active.filter(terms_recorded_at__isnull=True).exists()
    assert active.filter(terms_recorded_at__isnull=False, meetings_count__gte=4).exists()
    assert active.filter(last_meeting_on__lt=today - timedelta(days=21)).exists()
    assert active.filter(planned_end_date__year=today.year,
                         planned_end_date__month=today.month).exists()
    # The demo's own completed story (the alumni cohort behind the impact figures has
    # no final projects).
    completed = Mentorship.objects.get(status="completed", final_project__isnull=False)
    assert completed.next_steps and completed.ended_on < today
    assert completed.final_project.mentor_feedback
    assert completed.final_project.url and completed.final_project.is_published
    # The demo's own early end (the early leavers behind the exit-survey figures have no
    # notes).
    ended = (Mentorship.objects.filter(status="ended_early").exclude(end_notes="")
             .exclude(end_reason="filtered").get())  # not the cohort's filter stop
    assert ended.end_reason and ended.end_notes
    invited = Mentorship.objects.get(status="invited")
    assert invited.source == "mentor_row"
    assert invited.mentee is None and invited.invited_name and invited.invited_email
    # One mentor is full, so the "Mentor at capacity" filter shows something.
    full = Mentor.objects.annotate(
        live=Count("mentorships", filter=Q(mentorships__status__in=LIVE_STATUSES))
    ).filter(live__gte=F("capacity"))
    assert full.exists()


def test_matching_runs_have_people_to_match(seeded):
    taken = Mentorship.objects.exclude(status="declined").filter(
        mentee__isnull=False).values("mentee_id")
    waiting = Mentee.objects.filter(application__status="accepted").exclude(pk__in=taken)
    assert waiting.count() >= 4
    free = Mentor.objects.filter(is_active=True).annotate(
        live=Count("mentorships", filter=Q(mentorships__status__in=LIVE_STATUSES))
    ).filter(live__lt=F("capacity"))
    assert free.count() >= 4
    # Profiles give a matching run reasons to show.
    mentee_apps = MenteeApplication.objects.filter(status="accepted")
    assert mentee_apps.exclude(preferred_involvement="").count() >= 5
    assert mentee_apps.exclude(preferred_control="").count() >= 5
    assert mentee_apps.filter(preferred_mentors__isnull=False).distinct().count() >= 4
    assert mentee_apps.exclude(conflicts="").exists()
    mentor_apps = MentorApplication.objects.all()
    assert mentor_apps.exclude(excluded_stages=[]).count() >= 2
    assert mentor_apps.exclude(conflicts="").exists()
    assert mentor_apps.filter(listed_for_applicants=True).exists()
    assert mentor_apps.filter(listed_for_applicants=False).exists()
    zones = set(MentorApplication.objects.values_list("timezone", flat=True)) | set(
        mentee_apps.values_list("timezone", flat=True))
    assert "Asia/Kolkata" in zones
    assert {z.split("/")[0] for z in zones} >= {"Europe", "America", "Asia"}


def test_the_demo_mentor_has_mentorships_of_several_kinds(seeded, client):
    mentor = Mentor.objects.get(user__email="amara.okafor@example.org",
                                program__slug="mentors-and-mentees")
    assert set(mentor.mentorships.values_list("status", flat=True)) >= {
        "invited", "active", "completed"}
    assert client.login(email="amara.okafor@example.org", password="demo-organizer-2026")
    assert client.login(email="ana.costa@example.org", password="demo-organizer-2026")


def test_running_it_again_changes_no_mentorship(seeded):
    before = _mentorship_state()
    call_command("seed_demo", force=True)
    assert _mentorship_state() == before


def test_the_organizer_sees_the_demo_mentorships_in_admin(seeded, client):
    client.login(email="organizer@example.org", password="demo-organizer-2026")
    page = client.get(reverse("admin:matching_mentorship_changelist") + "?quiet=yes")
    assert page.status_code == 200
    assert b"Chen Wei" in page.content


def test_every_demo_mentee_applied_before_their_mentorship_began(seeded):
    for m in Mentorship.objects.exclude(mentee__application=None).select_related(
            "mentee__application"):
        application = m.mentee.application
        assert application.submitted_at.date() < m.start_date, m
        assert application.decided_at is None or application.decided_at.date() <= m.start_date
