"""The impact dashboard at 10,000 completed and 2,000 early-ended mentorships with
follow-ups: time and queries.

    .venv/bin/python bench/bench_impact.py                      # on SQLite
    .venv/bin/python bench/bench_impact.py --database-url postgres://postgres@127.0.0.1:5432/mm_bench_impact
    .venv/bin/python bench/bench_impact.py --no-raw     # the dashboard and figures CSV only

Builds two programs in bulk, unless they are there: a large one (``--completed`` and
``--early`` mentorships, each with a meeting; mentee and mentor finals for the completed,
both exit surveys for the early ended, 6- and 12-month follow-ups for all, about 80% of
each answered) and a small one (1/100 of it). Then, in a Django with production settings
(DEBUG off), signed in as an organizer with the test Client, it requests the dashboard
(all programs, and the large one alone), the all-figures CSV and the raw answers CSV once
to warm up and ``--repeat`` times. The ``queries`` verdict is PASS when the large count
equals the small one (a fixed number of queries), the time verdict when the fastest
repeat is under 500 ms (the issue's target for the dashboard; the raw export streams
every answer and is only reported, and ``--no-raw`` leaves it out: it takes seconds to a
minute). On a shared machine other processes only add time: the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
TARGET_MS = 500


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--completed", type=int, default=10_000)
    parser.add_argument("--early", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-raw", action="store_true",
                        help="leave out the raw answers CSV (every answer, one row each)")
    parser.add_argument("--database-url", default="sqlite:///" + str(
        Path(tempfile.gettempdir()) / "mm_bench_impact.sqlite3"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.child:
        from bench_admin_scale import relaunch

        relaunch(__file__, args.database_url)
    return run(args)


def run(args) -> int:
    from bench_admin_scale import setup_django

    setup_django()
    from django.core.management import call_command
    from django.test.utils import override_settings

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    small = build("bench-impact-small", args.completed // 100, args.early // 100)
    large = build("bench-impact-large", args.completed, args.early)
    print(f"Built (or found) both programs in {time.monotonic() - started:.1f} s")
    analyze()
    with override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }):
        rows = {label: measure(program, args.repeat, raw=not args.no_raw)
                for label, program in (("small", small), ("large", large))}
    print(f"Load average (1, 5, 15 min): {', '.join(f'{n:.1f}' for n in os.getloadavg())}")
    failed = False
    print(f"\n{'page':<22}{'queries small':>14}{'large':>7}{'ms (min)':>10}{'median':>8}"
          f"{'target':>8}{'ratio':>7}  verdict")
    for name, (queries, fastest, median) in rows["large"].items():
        small_queries = rows["small"][name][0]
        timed = not name.startswith("raw")
        ok = queries == small_queries and (fastest < TARGET_MS or not timed)
        failed |= not ok
        target = f"{TARGET_MS}" if timed else "-"
        ratio = f"{fastest / TARGET_MS:.2f}" if timed else "-"
        print(f"{name:<22}{small_queries:>14}{queries:>7}{fastest:>10.0f}{median:>8.0f}"
              f"{target:>8}{ratio:>7}  {'PASS' if ok else 'FAIL'}")
    return 1 if failed else 0


def analyze() -> None:
    """On PostgreSQL, fresh planner statistics, as autovacuum keeps them on a real
    database: without them it plans the grouped queries for tables it thinks empty."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def build(slug: str, completed: int, early: int):
    """The program `slug` with its mentorships, surveys and answers, written in bulk."""

    from django.db import transaction

    from matching.models import (
        Program,
    )

    program = Program.objects.filter(slug=slug).first()
    if program is not None:
        return program
    with transaction.atomic():  # all or nothing: a failed build is not found next time
        return _build(slug, completed, early)


def _build(slug: str, completed: int, early: int):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from matching.models import (
        MeetingLog,
        Mentee,
        MenteeApplication,
        Mentor,
        Mentorship,
        Program,
    )
    from surveys.models import Invitation, SurveyKind, SurveyTemplate

    program = Program.objects.create(name=slug, slug=slug)
    User = get_user_model()  # noqa: N806 - a model class
    n = completed + early
    mentor_count = max(2, n // 60)
    users = User.objects.bulk_create(
        [User(email=f"{slug}-{i}@bench.example.org", name=f"Person {i}",
              password="!")  # noqa: S106 - Django's mark of an unusable password
         for i in range(n + mentor_count)], batch_size=2000)
    mentors = Mentor.objects.bulk_create(
        [Mentor(program=program, user=u, capacity=10) for u in users[:mentor_count]])
    apps = MenteeApplication.objects.bulk_create([
        MenteeApplication(program=program, user=u, name="x", email=u.email, timezone="UTC",
                          occupation="masters", hours_per_week=8, goals="x",
                          fulltime_intent="yes", status="accepted")
        for u in users[mentor_count:]], batch_size=2000)
    mentees = Mentee.objects.bulk_create(
        [Mentee(program=program, user=a.user, application=a) for a in apps], batch_size=2000)
    today = timezone.localdate()
    ships = Mentorship.objects.bulk_create([
        Mentorship(program=program, mentor=mentors[i % mentor_count], mentee=mentee,
                   status="completed" if i < completed else "ended_early",
                   end_reason="" if i < completed else "mentee_time", source="match",
                   start_date=today - timedelta(days=560 - i % 300),
                   ended_on=today - timedelta(days=420 - i % 300))
        for i, mentee in enumerate(mentees)], batch_size=2000)
    MeetingLog.objects.bulk_create(
        [MeetingLog(mentorship=m, date=m.start_date, minutes=30 + i % 60, on_track="yes")
         for i, m in enumerate(ships)], batch_size=2000)
    templates = {t.kind: t for t in SurveyTemplate.objects.filter(is_current=True,
                                                                 program__isnull=True)}
    now = timezone.now()
    plan = []  # (mentorship, kind, months after, is mentor)
    for m in ships:
        ends = ((SurveyKind.MENTEE_FINAL, SurveyKind.MENTOR_FINAL)
                if m.status == "completed" else (SurveyKind.MENTEE_EXIT, SurveyKind.MENTOR_EXIT))
        plan += [(m, ends[0], 0, False), (m, ends[1], 0, True),
                 (m, SurveyKind.MENTEE_FOLLOWUP, 6, False),
                 (m, SurveyKind.MENTEE_FOLLOWUP, 12, False)]
    invitations = Invitation.objects.bulk_create([
        Invitation(kind=kind, template=templates[kind], mentorship=m, months_after=months,
                   person_id=m.mentor.user_id if is_mentor else m.mentee.user_id,
                   nonce="x", sent_at=now, expires_at=now + timedelta(days=30))
        for m, kind, months, is_mentor in plan], batch_size=2000)
    answer_all(invitations, templates, random.Random(slug))  # noqa: S311 - bench data
    return program


def answer_all(invitations, templates, rng) -> None:
    """About 80% of the invitations answered, every question with a valid value."""
    from django.utils import timezone

    from surveys import question_types
    from surveys.models import Answer, Response

    now = timezone.now()
    questions = {kind: list(t.questions.all()) for kind, t in templates.items()}
    chosen = [inv for inv in invitations if rng.random() < 0.8]
    responses = Response.objects.bulk_create(
        [Response(invitation=inv, template=templates[inv.kind], submitted_at=now,
                  program_id=inv.mentorship.program_id,
                  mentor_id=inv.mentorship.mentor_id, months_after=inv.months_after)
         for inv in chosen], batch_size=2000)
    rows = []
    for response, inv in zip(responses, chosen, strict=True):
        for q in questions[inv.kind]:
            qtype = question_types.of(q)
            if qtype.stored_in == "number":
                low = getattr(qtype, "low", 0)
                value = {"number": low + rng.randint(0, 10)}
            elif qtype.stored_in == "choices":
                value = {"choices": [rng.choice(q.choice_list())[0]]}
            elif q.choice_list():
                value = {"text": rng.choice(q.choice_list())[0]}
            else:
                value = {"text": rng.choice(["", "Useful calls.", "More structure."])}
            rows.append(Answer(response=response, question=q, **value))
        if len(rows) > 20_000:
            Answer.objects.bulk_create(rows, batch_size=5000)
            rows = []
    Answer.objects.bulk_create(rows, batch_size=5000)


def measure(program, repeat: int, *, raw: bool = True) -> dict[str, tuple[int, float, float]]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    organizer = get_user_model().objects.filter(is_superuser=True).first()
    if organizer is None:
        organizer = get_user_model().objects.create_superuser(
            email="bench-impact@example.org", password=None)
    pages = {
        "dashboard, one program": f"/organizers/impact/?program={program.slug}",
        "figures CSV": f"/organizers/impact/all.csv?program={program.slug}",
    }
    if raw:
        pages["raw answers CSV"] = f"/organizers/impact/raw-answers.csv?program={program.slug}"
    client = Client()
    client.force_login(organizer)
    results = {}
    for name, url in pages.items():
        warm = client.get(url, secure=True)  # production redirects plain HTTP
        assert warm.status_code == 200, (url, warm.status_code)
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, secure=True)
                if response.streaming:
                    for _chunk in response.streaming_content:
                        pass
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
        results[name] = (len(queries), min(times), statistics.median(times))
    return results


if __name__ == "__main__":
    sys.exit(main())
