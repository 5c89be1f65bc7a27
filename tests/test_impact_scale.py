"""The dashboard runs a fixed number of queries whatever the data: the same for an empty
program, a small one and 10,000 completed mentorships with answered surveys, and stays
fast at that size."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.models import MeetingLog, Mentee, MenteeApplication, Mentor, Mentorship
from surveys.models import Answer, Invitation, Question, Response, SurveyKind, SurveyTemplate

from .factories import ProgramFactory
from .surveys_helpers import answer, completed, invitation

pytestmark = pytest.mark.django_db

User = get_user_model()

# The session, the organizer and their group; programs, applications, mentees, meeting
# minutes, invitations (counted once for response rates and the people asked), answers,
# baseline pairs, stipends; whether the organizer runs every program and which
# (matching/scoping.py), asked once a request.
QUERIES = 24


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url)
    assert page.status_code == 200
    return len(ctx.captured_queries)


def bulk_world(program, n: int) -> None:
    """`n` completed mentorships with a meeting each, answered mentee and mentor finals
    (and baselines for a third of them), written in bulk."""
    now = timezone.now()
    today = timezone.localdate()
    users = User.objects.bulk_create(
        [User(email=f"bulk{i}@scale.example.org", password="!") for i in range(n + 50)],
        batch_size=2000)
    mentor_users, mentee_users = users[:50], users[50:]
    mentors = Mentor.objects.bulk_create(
        [Mentor(program=program, user=u, capacity=20) for u in mentor_users])
    apps = MenteeApplication.objects.bulk_create([
        MenteeApplication(program=program, user=u, name="x", email=u.email, timezone="UTC",
                          occupation="masters", hours_per_week=8, goals="x",
                          fulltime_intent="yes", status="accepted")
        for u in mentee_users], batch_size=2000)
    mentees = Mentee.objects.bulk_create(
        [Mentee(program=program, user=u, application=a)
         for u, a in zip(mentee_users, apps, strict=True)], batch_size=2000)
    start = today - timedelta(days=150)
    ships = Mentorship.objects.bulk_create([
        Mentorship(program=program, mentor=mentors[i % 50], mentee=mentee, status="completed",
                   source="match", start_date=start, ended_on=today - timedelta(days=3))
        for i, mentee in enumerate(mentees)], batch_size=2000)
    MeetingLog.objects.bulk_create(
        [MeetingLog(mentorship=m, date=start, minutes=30 + i % 60, on_track="yes")
         for i, m in enumerate(ships)], batch_size=2000)

    templates = {t.kind: t for t in SurveyTemplate.objects.filter(is_current=True,
                                                                 program__isnull=True)}
    questions = {(q.template.kind, q.key): q for q in
                 Question.objects.select_related("template").filter(
                     template__in=templates.values())}
    plan = {
        SurveyKind.MENTEE_FINAL: ["delta_p_fulltime", "months_saved", "recommend",
                                  "self_depth", "mentor_rating"],
        SurveyKind.MENTOR_FINAL: ["worth_it", "mentor_again", "mentee_depth"],
        SurveyKind.MENTEE_BASELINE: ["self_depth"],
    }
    for kind, keys in plan.items():
        chosen = ships if kind != SurveyKind.MENTEE_BASELINE else ships[::3]
        invitations = Invitation.objects.bulk_create([
            Invitation(kind=kind, template=templates[kind], mentorship=m,
                       person_id=m.mentee.user_id if kind != SurveyKind.MENTOR_FINAL
                       else m.mentor.user_id,
                       nonce="x", sent_at=now, expires_at=now + timedelta(days=30))
            for m in chosen], batch_size=2000)
        responses = Response.objects.bulk_create(
            [Response(invitation=inv, template=templates[kind], submitted_at=now,
                      program=program, mentor_id=inv.mentorship.mentor_id,
                      months_after=inv.months_after)
             for inv in invitations], batch_size=2000)
        rows = []
        for i, response in enumerate(responses):
            for key in keys:
                q = questions[(kind, key)]
                if q.type == "single_choice":
                    value = {"text": q.choice_list()[i % len(q.choice_list())][0]}
                else:
                    low = 0 if q.type == "scale_0_10" else 1
                    value = {"number": Decimal(low + (i * 7 + len(key)) % (10 - low + 1))}
                rows.append(Answer(response=response, question=q, **value))
        Answer.objects.bulk_create(rows, batch_size=5000)


def test_the_same_queries_for_no_data_some_data_and_10000_mentorships(organizer_client):
    url = reverse("impact_dashboard")
    empty = queries_for(organizer_client, url)

    program = ProgramFactory(name="Small")
    for i in range(6):
        m = completed(program, minutes=[45])
        answer(invitation(m, SurveyKind.MENTEE_BASELINE))
        answer(invitation(m), recommend=str(4 + i))
        answer(invitation(m, SurveyKind.MENTOR_FINAL))
    small = queries_for(organizer_client, url)
    per_program = queries_for(organizer_client, f"{url}?program={program.slug}")
    csv_small = queries_for(organizer_client, reverse("impact_export", args=["all"]))

    big = ProgramFactory(name="Big")
    bulk_world(big, 10_000)
    assert Mentorship.objects.filter(status="completed").count() == 10_006
    # How long it takes is bench/bench_impact.py's to print, not a test's to assert.
    large = queries_for(organizer_client, url)
    assert large == small == QUERIES
    # With nothing to read, a query may be skipped (on PostgreSQL one is), never added.
    assert empty <= QUERIES
    assert queries_for(organizer_client, f"{url}?program={big.slug}") == per_program
    assert queries_for(organizer_client, reverse("impact_export", args=["all"])) == csv_small

    page = organizer_client.get(url, {"program": big.slug}).content.decode()
    assert "n = 10000" in page
