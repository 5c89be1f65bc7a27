"""A cohort program's selection pages and matching at scale: time and queries.

    .venv/bin/python bench/bench_cohort.py                      # 5,000 x 50 on SQLite
    .venv/bin/python bench/bench_cohort.py --database-url postgres://postgres@127.0.0.1:5432/mm_bench_cohort

Builds a cohort (``matching/cohort_scale.py``, the same builder as
``seed_demo --cohort-applicants N --cohort-mentors M``) at ``--applicants`` x ``--mentors``
and a small one (``--small``, 1/25 of each) in the same database, unless they are there.
Then, in a Django with production settings (DEBUG off, no page cache), signed in with the
test Client, it requests each page once to warm up and ``--repeat`` times: the busiest
mentor's review page, an applicant as that mentor sees them, the extra reviewer's list,
the public listing, the organizers' slot allocation and the matching comparison. The
``queries`` verdict is PASS when the large cohort's count is no higher than the small
one's (no query per row), the time verdict when the fastest repeat is under 300 ms (the
matching page, which solves both modes, under 5 s). It also prints each mode's people
placed, total score, blocking pairs and solve time. On a shared machine other processes
only add time.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
TARGET_MS = {"matching": 5000}
DEFAULT_MS = 300


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applicants", type=int, default=5000)
    parser.add_argument("--mentors", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default="sqlite:///" + str(
        Path(tempfile.gettempdir()) / "mm_bench_cohort.sqlite3"))
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

    call_command("migrate", verbosity=0)
    from matching.cohort_scale import seed_cohort_bulk

    started = time.monotonic()
    small = seed_cohort_bulk(applicants=max(1, args.applicants // 25),
                             mentors=max(1, args.mentors // 25), slug="bench-small")
    large = seed_cohort_bulk(applicants=args.applicants, mentors=args.mentors,
                             slug="bench-large")
    print(f"Built (or found) both cohorts in {time.monotonic() - started:.1f} s")
    from django.test.utils import override_settings

    rows = {}
    # Static URLs without collectstatic's manifest (an in-process client serves no files).
    with override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }):
        for label, program in (("small", small), ("large", large)):
            rows[label] = measure(program, args.repeat)
    failed = False
    print(f"\n{'page':<12}{'queries small':>14}{'large':>7}{'ms (min)':>10}{'median':>8}"
          f"{'target':>8}{'ratio':>7}  verdict")
    for name, (queries, fastest, median) in rows["large"].items():
        small_queries = rows["small"][name][0]
        target = TARGET_MS.get(name, DEFAULT_MS)
        ok = queries <= small_queries and fastest < target
        failed |= not ok
        print(f"{name:<12}{small_queries:>14}{queries:>7}{fastest:>10.0f}{median:>8.0f}"
              f"{target:>8}{fastest / target:>7.2f}  {'PASS' if ok else 'FAIL'}")
    modes(large)
    return 1 if failed else 0


def measure(program, repeat: int) -> dict[str, tuple[int, float, float]]:
    import statistics

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from matching.models import Mentor, Reviewer

    slug = program.slug
    mentor = (Mentor.objects.filter(program=program).annotate(n=Count("choices"))
              .order_by("-n", "pk").select_related("user").first())
    application_id = mentor.choices.order_by("pk").values_list("application_id",
                                                                flat=True).first()
    reviewer = Reviewer.objects.filter(cohort__program=program).first().user
    organizer = get_user_model().objects.filter(is_superuser=True).first()
    if organizer is None:
        organizer = get_user_model().objects.create_superuser(
            email="bench-cohort@example.org", password=None)
    pages = {
        "mentor": (mentor.user, f"/cohorts/{slug}/mentor/"),
        "applicant": (mentor.user, f"/cohorts/{slug}/applicants/{application_id}/"),
        "reviewer": (reviewer, f"/cohorts/{slug}/review/"),
        "listing": (None, f"/cohorts/{slug}/"),
        "allocation": (organizer, f"/organizers/cohorts/{slug}/slots/"),
        "matching": (organizer, f"/organizers/cohorts/{slug}/matching/"),
    }
    results = {}
    for name, (user, url) in pages.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        warm = client.get(url, secure=True)  # production redirects plain HTTP
        assert warm.status_code == 200, (url, warm.status_code)
        times = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, secure=True)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, url
        results[name] = (len(queries), min(times), statistics.median(times))
    return results


def modes(program) -> None:
    from matching.services.cohort_matching import cohort_compare

    started = time.perf_counter()
    comparison = cohort_compare(cohort=program.cohort)
    seconds = time.perf_counter() - started
    print(f"\nMatching {program.name}: {len(comparison.pairs)} possible pairs, "
          f"{comparison.applicants} applicants with one, {sum(comparison.slots.values())} "
          f"slots; both modes in {seconds:.2f} s")
    for mode in comparison.modes.values():
        print(f"  {mode.mode:<8} placed {mode.placed_count:>5}  total {mode.total:>10.1f}  "
              f"blocking pairs {len(mode.blocking)}")


if __name__ == "__main__":
    sys.exit(main())
