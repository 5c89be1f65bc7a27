"""Organizers' admin for mentorships: columns, filters, hand matching through the
service, status moves only through the services, fixed query counts, and who may see it."""

import calendar
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.models import (
    LIVE_STATUSES,
    FinalProject,
    MeetingLog,
    Mentee,
    Mentor,
    Mentorship,
    MentorshipStatus,
)
from matching.services.mentorships import (
    default_end_date,
    meeting_log,
    mentorship_create,
    terms_record,
)

from .factories import (
    MeetingLogFactory,
    MenteeFactory,
    MentorFactory,
    MentorshipFactory,
    ProgramFactory,
    UserFactory,
)
from .helpers import today

User = get_user_model()

CHANGELIST = reverse("admin:matching_mentorship_changelist")
ADD = reverse("admin:matching_mentorship_add")
MOVE = reverse("admin:matching_mentorship_move")


def days_ago(n):
    return today() - timedelta(days=n)


def person(name, program, role="mentee", **kwargs):
    """An accepted mentor or mentee called `name`."""
    email = name.lower().replace(" ", ".") + "@example.org"
    factory = MentorFactory if role == "mentor" else MenteeFactory
    return factory(program=program, user__name=name, user__email=email, **kwargs)


def pair(program, mentor_name, mentee_name, *, capacity=3, **kwargs):
    mentor = (Mentor.objects.filter(user__name=mentor_name).first()
              or person(mentor_name, program, "mentor", capacity=capacity))
    mentee = person(mentee_name, program)
    return MentorshipFactory(program=program, mentor=mentor, mentee=mentee, **kwargs)


def rows(client, query=""):
    """The (mentor, mentee) names listed on the changelist for a query string."""
    response = client.get(CHANGELIST + query)
    assert response.status_code == 200
    return {(_name(m.mentor), _name(m.mentee)) for m in response.context["cl"].result_list}


def _name(participant):
    return participant.user.name


def mentees_listed(client, query=""):
    return {mentee for _, mentee in rows(client, query)}


# --- the list --------------------------------------------------------------------------


def test_the_list_shows_meeting_statistics_and_terms(organizer_client, program):
    m = pair(program, "Amara Okafor", "Ana Costa", start_date=days_ago(40),
             terms_recorded_at=timezone.now())
    MeetingLogFactory(mentorship=m, date=days_ago(30), minutes=60)
    MeetingLogFactory(mentorship=m, date=days_ago(16), minutes=45, on_track="partly")
    MeetingLogFactory(mentorship=m, date=days_ago(2), minutes=30, on_track="no")
    pair(program, "Amara Okafor", "Ben Carter", start_date=days_ago(3))

    response = organizer_client.get(CHANGELIST)
    page = response.content.decode()
    listed = {r.mentee.user.name: r for r in response.context["cl"].result_list}
    assert listed["Ana Costa"].meetings_count == 3
    assert listed["Ana Costa"].meetings_minutes == 135
    assert listed["Ana Costa"].last_meeting_on == days_ago(2)
    assert listed["Ben Carter"].meetings_count == 0
    assert "2.2" in page  # 135 minutes = 2.25 mentor-hours, one decimal
    assert "Amara Okafor" in page and "Ben Carter" in page
    assert 'alt="True"' in page and 'alt="False"' in page  # terms recorded or not
    assert "By hand" in page and "Active" in page


def test_search_by_name_and_email(organizer_client, program):
    pair(program, "Amara Okafor", "Ana Costa")
    pair(program, "Jonas Becker", "Ben Carter")
    assert mentees_listed(organizer_client, "?q=okafor") == {"Ana Costa"}
    assert mentees_listed(organizer_client, "?q=ben.carter@example") == {"Ben Carter"}


# --- filters ---------------------------------------------------------------------------


def test_no_meeting_in_the_last_three_weeks(organizer_client, program):
    met_long_ago = pair(program, "M1", "Met long ago", start_date=days_ago(60))
    MeetingLogFactory(mentorship=met_long_ago, date=days_ago(25))
    pair(program, "M1", "Never met, old", start_date=days_ago(30))
    met_recently = pair(program, "M1", "Met recently", start_date=days_ago(60))
    MeetingLogFactory(mentorship=met_recently, date=days_ago(40))
    MeetingLogFactory(mentorship=met_recently, date=days_ago(5))
    pair(program, "M1", "Never met, new", start_date=days_ago(10))
    pair(program, "M1", "Started exactly 3 weeks ago", start_date=days_ago(21))
    pair(program, "M1", "Started 20 days ago", start_date=days_ago(20))
    pair(program, "M2", "Paused", start_date=days_ago(60), status="paused")
    pair(program, "M2", "Completed", start_date=days_ago(200), status="completed",
         ended_on=days_ago(90))

    # Counted like the mentor's meeting nudge: 21 days without a meeting is quiet.
    assert mentees_listed(organizer_client, "?quiet=yes") == {
        "Met long ago", "Never met, old", "Started exactly 3 weeks ago"}


def test_terms_not_recorded(organizer_client, program):
    pair(program, "M1", "Active, no terms")
    pair(program, "M1", "Paused, no terms", status="paused")
    pair(program, "M1", "Active, terms", terms_recorded_at=timezone.now())
    pair(program, "M2", "Invited", status="invited")
    pair(program, "M2", "Ended", status="ended_early", end_reason="fit",
         ended_on=today())

    assert mentees_listed(organizer_client, "?terms=missing") == {
        "Active, no terms", "Paused, no terms"}
    assert mentees_listed(organizer_client, "?terms=recorded") == {"Active, terms"}


def test_ending_this_month(organizer_client, program):
    first = today().replace(day=1)
    last = today().replace(day=calendar.monthrange(today().year, today().month)[1])
    next_month = last + timedelta(days=1)
    for name, end, status in [
        ("Ends on the first", first, "active"),
        ("Ends on the last", last, "paused"),
        ("Ends next month", next_month, "active"),
        ("Ended last month", first - timedelta(days=1), "active"),
        ("Completed this month", last, "completed"),
    ]:
        pair(program, "M1", name, start_date=end - timedelta(days=100), planned_end_date=end,
             status=status, ended_on=today() if status == "completed" else None)
    pair(program, "M1", "No planned end")

    assert mentees_listed(organizer_client, "?ending=month") == {
        "Ends on the first", "Ends on the last"}
    overdue = {"Ended last month"} | ({"Ends on the first"} if first < today() else set())
    assert mentees_listed(organizer_client, "?ending=overdue") == overdue


def test_mentor_at_capacity(organizer_client, program):
    # Full: capacity 1, one active (their ended mentorship does not count and isn't listed).
    pair(program, "Full mentor", "Of full mentor", capacity=1)
    pair(program, "Full mentor", "Ended with full mentor", status="completed",
         ended_on=today())
    # Full with an invitation and a paused mentorship: both hold a place.
    pair(program, "Full of waiting", "Invited one", capacity=2, status="invited")
    pair(program, "Full of waiting", "Paused one", status="paused")
    # Free: capacity 3, one active, and one completed.
    pair(program, "Free mentor", "Of free mentor", capacity=3)
    pair(program, "Free mentor", "Done with free mentor", status="completed",
         ended_on=today())

    assert mentees_listed(organizer_client, "?capacity=full") == {
        "Of full mentor", "Invited one", "Paused one"}
    assert mentees_listed(organizer_client, "?capacity=free") == {"Of free mentor"}

    # Lowering a mentor's capacity below their load keeps them listed as full.
    Mentor.objects.filter(user__name="Free mentor").update(capacity=1)
    assert "Of free mentor" in mentees_listed(organizer_client, "?capacity=full")


def test_status_source_and_program_filters(organizer_client, program):
    other = ProgramFactory()
    pair(program, "M1", "Active")
    pair(program, "M1", "Paused", status="paused", source="match")
    pair(other, "M9", "Elsewhere")
    assert mentees_listed(organizer_client, "?status__exact=paused") == {"Paused"}
    assert mentees_listed(organizer_client, "?source__exact=match") == {"Paused"}
    assert mentees_listed(organizer_client, f"?program__id__exact={other.pk}") == {
        "Elsewhere"}


# --- a fixed number of queries ---------------------------------------------------------

STATUSES = ["active", "active", "paused", "invited", "completed", "ended_early", "declined"]


def bulk_mentorships(program, n, *, tag):
    """`n` mentorships in every status, half with meetings, in a handful of queries."""
    side = int(n ** 0.5) + 1
    # Each mentor takes a run of consecutive rows, short enough that the mentees in it
    # differ (one live mentorship per pair) and the live ones fit a capacity of 20.
    run = min(side, len(STATUSES))
    n_mentors = -(-n // run)
    users = User.objects.bulk_create(
        [User(email=f"{tag}-mentor{i}@bulk.example.org", name=f"Mentor {tag}{i}",
              password="!") for i in range(n_mentors)]
        + [User(email=f"{tag}-mentee{i}@bulk.example.org", name=f"Mentee {tag}{i}",
                password="!") for i in range(side)]
    )
    statuses = [STATUSES[k % len(STATUSES)] for k in range(n)]
    live = [0] * n_mentors
    for k, status in enumerate(statuses):
        live[k // run] += status in LIVE_STATUSES
    # Capacities vary (some mentors full, some not), never below what the rows take:
    # the database refuses a live mentorship beyond the mentor's capacity.
    mentors = Mentor.objects.bulk_create(
        [Mentor(program=program, user=u, capacity=max(live[i], 1 + i % 20))
         for i, u in enumerate(users[:n_mentors])])
    mentees = Mentee.objects.bulk_create([Mentee(program=program, user=u)
                                          for u in users[n_mentors:]])
    start = today() - timedelta(days=400)
    rows_ = []
    for k in range(n):
        status = statuses[k]
        begun = start + timedelta(days=k % 390)
        rows_.append(Mentorship(
            program=program, mentor=mentors[k // run], mentee=mentees[k % side],
            status=status, source=["match", "organizer", "mentor_row"][k % 3],
            start_date=begun, planned_end_date=begun + timedelta(days=90),
            terms_recorded_at=timezone.now() if k % 2 else None,
            ended_on=today() if status in ("completed", "ended_early") else None,
            end_reason="fit" if status == "ended_early" else "",
        ))
    created = Mentorship.objects.bulk_create(rows_, batch_size=2000)
    MeetingLog.objects.bulk_create(
        [MeetingLog(mentorship=m, date=m.start_date + timedelta(days=d), minutes=30 + d,
                    on_track="yes") for m in created[::2] for d in (3, 17)],
        batch_size=5000,
    )
    return created


QUERIES = ["", "?_facets=True", "?quiet=yes", "?terms=missing", "?ending=month", "?capacity=full",
           "?capacity=free&status__exact=active", "?q=mentee", "?o=8.-9"]


def changelist_queries(client, query, warm=True):
    if warm:
        client.get(CHANGELIST + query)  # keep first-use caches (content types…) out
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(CHANGELIST + query)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_changelist_runs_the_same_queries_for_3_or_60_mentorships(
    organizer_client, program
):
    bulk_mentorships(program, 3, tag="a")
    few = {q: changelist_queries(organizer_client, q) for q in QUERIES}
    bulk_mentorships(program, 57, tag="b")
    assert Mentorship.objects.count() == 60
    many = {q: changelist_queries(organizer_client, q) for q in QUERIES}
    assert many == few


def test_the_changelist_stays_flat_with_10000_mentorships(
    organizer_client, program
):
    bulk_mentorships(program, 3, tag="a")
    few = {q: changelist_queries(organizer_client, q) for q in QUERIES}
    bulk_mentorships(program, 10_000, tag="b")
    many = {q: changelist_queries(organizer_client, q, warm=False) for q in QUERIES}
    assert many == few


def test_the_meeting_and_final_project_lists_run_fixed_queries(organizer_client, program):
    def count(url):
        organizer_client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert organizer_client.get(url).status_code == 200
        return len(ctx.captured_queries)

    meetings = reverse("admin:matching_meetinglog_changelist")
    projects = reverse("admin:matching_finalproject_changelist")
    created = bulk_mentorships(program, 4, tag="a")
    FinalProject.objects.create(mentorship=created[0], kind="blog_post", title="T0")
    before = count(meetings), count(projects)
    created = bulk_mentorships(program, 40, tag="b")
    FinalProject.objects.bulk_create([
        FinalProject(mentorship=m, kind="software", title=f"T{m.pk}") for m in created])
    assert (count(meetings), count(projects)) == before


# --- hand matching ---------------------------------------------------------------------


def add(client, mentor, mentee, notes="", start=None):
    return client.post(ADD, {
        "mentor": mentor.pk, "mentee": mentee.pk,
        "start_date": (start or today()).isoformat(), "organizer_notes": notes,
    })


def test_hand_matching_goes_through_the_service(
    organizer_client, organizer, program, django_capture_on_commit_callbacks
):
    mentor = person("Amara Okafor", program, "mentor", capacity=2)
    mentee = person("Ana Costa", program)
    with django_capture_on_commit_callbacks() as callbacks:
        response = add(organizer_client, mentor, mentee, notes="PRIVATE: asked for Amara",
                       start=days_ago(2))
    assert response.status_code == 302, response.context["adminform"].form.errors
    m = Mentorship.objects.get()
    assert (m.mentor, m.mentee, m.program) == (mentor, mentee, program)
    assert m.status == MentorshipStatus.ACTIVE
    assert m.source == "organizer"
    assert m.created_by == organizer
    assert m.start_date == days_ago(2)
    assert m.planned_end_date == default_end_date(program, days_ago(2))
    assert m.organizer_notes == "PRIVATE: asked for Amara"
    assert m.introduced_at is not None
    assert callbacks  # the introduction email is queued for after the commit
    assert LogEntry.objects.filter(object_id=str(m.pk), user=organizer).exists()

    page = organizer_client.get(response.url, follow=True).content.decode()
    assert "are being emailed an introduction" in page


def test_the_add_form_asks_only_for_the_pair_the_date_and_notes(organizer_client, program):
    page = organizer_client.get(ADD)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert list(form.fields) == ["mentor", "mentee", "start_date", "organizer_notes"]


def test_the_add_form_finds_people_by_name(organizer_client, program):
    person("Amara Okafor", program, "mentor")
    person("Rahul Mehta", program)
    url = reverse("admin:autocomplete")
    found = organizer_client.get(url, {
        "app_label": "matching", "model_name": "mentorship", "field_name": "mentee",
        "term": "rah"}).json()["results"]
    assert [r["text"] for r in found] == [f"Rahul Mehta (mentee, {program})"]
    found = organizer_client.get(url, {
        "app_label": "matching", "model_name": "mentorship", "field_name": "mentor",
        "term": "okafor"}).json()["results"]
    assert len(found) == 1


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("full", "Amara Okafor is at capacity (1 of 1 mentee)."),
        ("mentored", "Ana Costa is already mentored by Jonas Becker."),
        ("same_pair", "Amara Okafor and Ana Costa already have a mentorship."),
        ("programs", "The mentor and the mentee are in different programs."),
        ("inactive", "Amara Okafor is not an active mentor."),
    ],
)
def test_hand_matching_refusals_are_form_errors_and_save_nothing(
    organizer_client, program, case, message
):
    mentor = person("Amara Okafor", program, "mentor", capacity=1,
                    is_active=case != "inactive")
    mentee = person("Ana Costa", program if case != "programs" else ProgramFactory())
    if case == "full":
        mentorship_create(mentor=mentor, mentee=person("Ben Carter", program),
                          source="match")
    elif case == "mentored":
        mentorship_create(mentor=person("Jonas Becker", program, "mentor"), mentee=mentee,
                          source="match")
    elif case == "same_pair":
        Mentor.objects.filter(pk=mentor.pk).update(capacity=2)
        mentorship_create(mentor=mentor, mentee=mentee, source="mentor_row")
    before = Mentorship.objects.count()

    response = add(organizer_client, mentor, mentee, notes="should not be kept")
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [message]
    assert message in response.content.decode()
    assert Mentorship.objects.count() == before
    assert not Mentorship.objects.filter(organizer_notes="should not be kept").exists()


def test_hand_matching_respects_capacity_until_a_place_frees_up(organizer_client, program):
    mentor = person("Amara Okafor", program, "mentor", capacity=2)
    first, second, third = (person(n, program) for n in ("Ana", "Ben", "Chen"))
    assert add(organizer_client, mentor, first).status_code == 302
    assert add(organizer_client, mentor, second).status_code == 302
    refused = add(organizer_client, mentor, third)
    assert "at capacity (2 of 2 mentees)" in refused.content.decode()
    assert Mentorship.objects.filter(mentor=mentor).count() == 2

    ending = Mentorship.objects.get(mentee=first)
    organizer_client.post(f"{MOVE}?to=end_early&ids={ending.pk}",
                          {"reason": "mentee_time", "notes": "", "ended_on": today()})
    assert add(organizer_client, mentor, third).status_code == 302
    assert Mentorship.objects.filter(mentor=mentor).live().count() == 2


# --- meetings and final projects -------------------------------------------------------


def test_the_meeting_list_filters_by_on_track(organizer_client, program, organizer):
    m = pair(program, "Amara Okafor", "Ana Costa", start_date=days_ago(30))
    terms_record(mentorship=m, by=m.mentor.user, focus_areas=[], focus="SAEs")
    meeting_log(mentorship=m, by=m.mentor.user, minutes=45, on_track="yes",
                meeting_date=days_ago(20), note="Good start")
    meeting_log(mentorship=m, by=m.mentor.user, minutes=30, on_track="no",
                meeting_date=days_ago(6), note="Lost a week to exams")
    url = reverse("admin:matching_meetinglog_changelist")
    page = organizer_client.get(url).content.decode()
    assert "Good start" in page and "Lost a week to exams" in page
    page = organizer_client.get(url + "?on_track__exact=no").content.decode()
    assert "Lost a week to exams" in page and "Good start" not in page
    assert organizer_client.get(reverse("admin:matching_meetinglog_add")).status_code == 403


def test_the_final_project_list(organizer_client, program):
    m = pair(program, "Amara Okafor", "Ana Costa")
    FinalProject.objects.create(mentorship=m, kind="distillation", title="Superposition, "
                                "distilled", url="https://example.org/superposition",
                                is_public=True, is_published=True)
    page = organizer_client.get(reverse("admin:matching_finalproject_changelist"))
    content = page.content.decode()
    assert "Superposition, distilled" in content
    assert "Distillation" in content
    assert 'href="https://example.org/superposition"' in content
    assert "Ana Costa" in content


# --- who can see it --------------------------------------------------------------------

PAGES = [
    CHANGELIST,
    ADD,
    MOVE + "?to=pause&ids=1",
    reverse("admin:matching_meetinglog_changelist"),
    reverse("admin:matching_finalproject_changelist"),
]


@pytest.mark.parametrize("url", PAGES)
def test_staff_without_the_organizer_role_cannot_see_mentorships(client, program, url):
    m = pair(program, "Amara Okafor", "Ana Costa", organizer_notes="PRIVATE")
    client.force_login(UserFactory(is_staff=True))
    response = client.get(url.replace("ids=1", f"ids={m.pk}"))
    assert response.status_code == 403
    assert b"Ana Costa" not in response.content


@pytest.mark.parametrize("url", PAGES)
def test_participants_cannot_see_mentorships(client, program, url):
    m = pair(program, "Amara Okafor", "Ana Costa", organizer_notes="PRIVATE")
    client.force_login(m.mentor.user)  # even the mentor of the pair
    response = client.get(url.replace("ids=1", f"ids={m.pk}"), follow=True)
    assert response.status_code == 403
    assert b"PRIVATE" not in response.content


def test_a_participant_cannot_move_a_mentorship(client, program):
    m = pair(program, "Amara Okafor", "Ana Costa")
    client.force_login(m.mentee.user)
    assert client.post(f"{MOVE}?to=pause&ids={m.pk}", follow=True).status_code == 403
    m.refresh_from_db()
    assert m.status == "active"


def test_lowering_a_capacity_below_the_load_warns_and_ends_nobody(organizer_client, program):
    mentor = person("Amara Okafor", program, "mentor", capacity=2)
    for name in ("Ana", "Ben"):
        add(organizer_client, mentor, person(name, program))
    page = organizer_client.post(
        reverse("admin:matching_mentor_change", args=[mentor.pk]),
        {"program": program.pk, "user": mentor.user_id, "application": mentor.application_id,
         "capacity": 1, "is_active": "on"},
        follow=True,
    )
    assert "has 2 live mentorships, more than the new capacity of 1" in page.content.decode()
    mentor.refresh_from_db()
    assert mentor.capacity == 1
    assert Mentorship.objects.filter(mentor=mentor).live().count() == 2
    refused = add(organizer_client, mentor, person("Chen", program))
    assert "at capacity" in refused.content.decode()
