"""Every organizer page, dashboard and export of a 10x program: time, size and queries.

    .venv/bin/python bench/bench_admin_scale.py \\
        --database-url postgres://postgres@127.0.0.1:5432/mm_bench_scale

Builds the program at ``--scale`` (10: 10,000 applications, 2,000 mentorships, 40,000
meetings and the rest in proportion, see bench/scale_data.py) in that database, and the
same program at ``--base-scale`` (1) in a second one (its name plus ``_1x``), unless they
were built before (``--rebuild`` builds them again). Then, signed in as a superuser (an
organizer and payments officer too) with Django's test Client, in a Django with
production settings (DEBUG off, no page cache), it requests:

- for every ModelAdmin in ``admin.site._registry``: its changelist, a search (``?q=``,
  where it has search fields), its first list filter's first choice, and the change page
  of its largest object (the one with the most rows in its first inline, else the last);
- the matching run's page (first page, a later page, a pair explained by name) and its
  status URL;
- the participants' dashboards (the busiest mentor's and a mentee's, a mentorship's page,
  the stipend list), the impact dashboard, and the privacy data export;
- every CSV export: each impact figure, the mentee and mentor application exports (all
  rows), a payout CSV export and a batch's CSV downloaded again (both inside a
  transaction rolled back, since they write their audit rows).

Each request is made once to warm up, then ``--repeat`` times; the table gives the server
time (the request through every middleware, in this process: the fastest of the repeats,
and their median), the CPU time of this process, the response size and the queries
(CaptureQueriesContext). The same requests at the base scale show few rows (10 a page,
5 a list on the run page, the smallest object and the least busy participants), so that
a query made per row shows there as fewer queries: the ``queries`` verdict is PASS when
the 10x count is no higher. The time verdict is PASS when the fastest repeat is under
300 ms (500 ms and 300 KB for the run page): on a shared machine other processes only
ever add time. A streamed export is timed until its last byte. Everything is measured
in this run; nothing is cached.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 300
RUN_PAGE_MS = 500
RUN_PAGE_BYTES = 300 * 1024
SEARCH = "mentee42"


def environment(database_url: str) -> dict[str, str]:
    """Production settings (DEBUG off, HTTPS, real keys) on this database, with tasks
    in-process, email in memory and no page cache or Redis."""
    # The bank details of a build are read by later runs: a fixed key, for synthetic data.
    key = base64.urlsafe_b64encode(hashlib.sha256(b"bench_admin_scale").digest()).decode()
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0",
           "SECRET_KEY": "bench-admin-scale-" + hashlib.sha256(database_url.encode()).hexdigest(),
           "ALLOWED_HOSTS": "testserver", "FIELD_ENCRYPTION_KEYS": key,
           "REDIS_URL": "", "CELERY_TASK_ALWAYS_EAGER": "1", "LOG_LEVEL": "ERROR",
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
           "DJANGO_SETTINGS_MODULE": "mm_program.settings", "PYTHONPATH": str(ROOT)}
    env.pop("MM_TESTING", None)
    return env


def relaunch(script: str, database_url: str) -> None:
    """Start `script` again with "--child", inside the environment() of `database_url`
    (Django reads its settings from the environment). Never returns."""
    os.execve(sys.executable,  # noqa: S606 - the same script, no shell
              [sys.executable, script, *sys.argv[1:], "--child"], environment(database_url))


def sibling(url: str, suffix: str) -> str:
    """The URL of a second database next to `url`: its name with `suffix`."""
    if url.startswith("sqlite:"):
        path = Path(url.split(":///", 1)[1])
        return f"sqlite:///{path.with_name(path.stem + suffix + path.suffix)}"
    base, name = url.rsplit("/", 1)
    return f"{base}/{name}{suffix}"


def drop_database(url: str) -> None:
    if url.startswith("sqlite:"):
        Path(url.split(":///", 1)[1]).unlink(missing_ok=True)
        return
    import psycopg2
    from psycopg2 import sql

    base, name = url.rsplit("/", 1)
    conn = psycopg2.connect(base + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))
    conn.close()


def child(mode: str, url: str, scale: float, out: Path, repeat: int,
          few: bool = False) -> None:
    args = [sys.executable, __file__, "--child", mode, "--database-url", url,
            "--scale", str(scale), "--out", str(out), "--repeat", str(repeat)]
    args += ["--few"] if few else []
    subprocess.run(args, cwd=ROOT, env=environment(url), check=True)


# --------------------------------------------------------------------------- children


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    import warnings

    import django

    # Whitenoise's note that collectstatic has not run: files are not served here.
    warnings.filterwarnings("ignore", message="No directory at")

    django.setup()


MARKER = "bench_admin_scale"


def built_scale() -> float | None:
    from django.db import connection

    if MARKER not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT scale FROM {MARKER}")  # noqa: S608 - a constant
        row = cursor.fetchone()
    return row[0] if row else None


def build_child(scale: float, out: Path) -> None:
    """Migrate and fill the database, unless it already holds this scale."""
    if str(ROOT / "bench") not in sys.path:
        sys.path.insert(0, str(ROOT / "bench"))
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if built_scale() == scale:
        out.write_text(json.dumps({"built": False}))
        return
    import scale_data

    started = time.monotonic()
    made = scale_data.build(scale)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} (scale real)")
        cursor.execute(f"DELETE FROM {MARKER}")  # noqa: S608 - a constant
        cursor.execute(f"INSERT INTO {MARKER} VALUES (%s)", [scale])  # noqa: S608
    out.write_text(json.dumps({"built": True, "seconds": time.monotonic() - started,
                               "made": {k: str(v) for k, v in made.items()}}))


class Bench:
    """Requests through the test Client, each timed and its queries counted."""

    def __init__(self, client, repeat: int):
        self.client = client
        self.repeat = repeat
        self.rows: list[dict] = []

    def _once(self, method: str, url: str, data: dict | None, rollback: bool):
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            started, cpu = time.perf_counter(), time.process_time()
            if rollback:  # a request that writes (an audit row): leave no trace
                with transaction.atomic():
                    response = self._send(method, url, data)
                    transaction.set_rollback(True)
            else:
                response = self._send(method, url, data)
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        return response, elapsed, cpu, len(queries)

    def _send(self, method, url, data):
        send = self.client.post if method == "POST" else self.client.get
        # HTTPS, as behind the proxy (SECURE_SSL_REDIRECT would answer 301 otherwise).
        response = send(url, data or {}, secure=True)
        # A streamed export is produced while it is read: read it inside the timing.
        response.body = (b"".join(response.streaming_content) if response.streaming
                         else response.content)
        return response

    def measure(self, group: str, name: str, url: str, *, method: str = "GET",
                data: dict | None = None, rollback: bool = False, kind: str = "page",
                key: str | None = None):
        self._once(method, url, data, rollback)  # warm-up: templates, the first query plans
        times, cpus, response, queries = [], [], None, 0
        for _ in range(self.repeat):
            response, elapsed, cpu, queries = self._once(method, url, data, rollback)
            times.append(elapsed)
            cpus.append(cpu)
        self.rows.append({
            "group": group, "name": name, "url": url, "method": method, "kind": kind,
            # What names the same request at another scale (whose counts differ).
            "key": f"{group}: {key or name.split(' (')[0]}",
            "status": response.status_code, "ms": 1000 * min(times),
            "median_ms": 1000 * statistics.median(times),
            "cpu_ms": 1000 * statistics.median(cpus),
            "bytes": len(response.body), "queries": queries,
        })
        return response


def _inline_heaviest(model_admin, request, few: bool):
    """The object with the most rows in the admin's first inline (the fewest, but one,
    with `few`), else the last one."""
    from django.db.models import Count
    from django.forms.models import _get_foreign_key

    queryset = model_admin.get_queryset(request)
    for inline in model_admin.get_inline_instances(request, None)[:1]:
        fk = _get_foreign_key(model_admin.model, inline.model, fk_name=inline.fk_name)
        top = (inline.model._default_manager.values(fk.name).annotate(n=Count("pk"))
               .order_by("n" if few else "-n", fk.name).first())
        if top:
            return queryset.filter(pk=top[fk.name]).first()
    return queryset.order_by("-pk").first()


def _first_filter_choice(response) -> str | None:
    changelist = response.context_data["cl"] if hasattr(response, "context_data") else None
    if changelist is None:
        return None
    for spec in changelist.filter_specs:
        for choice in spec.choices(changelist):
            if not choice.get("selected") and choice.get("query_string", "?") != "?":
                return choice["query_string"]
    return None


def admin_pages(bench: Bench, superuser, few: bool) -> None:
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import NoReverseMatch, reverse

    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model, model_admin in sorted(admin.site._registry.items(),
                                     key=lambda item: item[0]._meta.label):
        opts = model._meta
        name = f"{opts.app_label}.{opts.object_name}"
        if not model_admin.has_view_or_change_permission(request):
            continue
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = bench.measure(name, "changelist", changelist)
        if model_admin.get_search_fields(request):
            bench.measure(name, "search", f"{changelist}?q={SEARCH}")
        choice = _first_filter_choice(response)
        if choice:
            bench.measure(name, f"filter {choice[1:60]}", changelist + choice, key="filter")
        obj = _inline_heaviest(model_admin, request, few)
        if obj is not None:
            try:
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change",
                              args=[obj.pk])
            except NoReverseMatch:
                continue
            bench.measure(name, "change page", url)


def run_pages(bench: Bench) -> None:
    from django.urls import reverse

    from matching.models import MatchingRun

    run = MatchingRun.objects.filter(mode="").defer("inputs", "unmatched").latest()
    page = reverse("admin:matching_matchingrun_change", args=[run.pk])
    mentee = run.proposals.select_related("mentee__user").order_by("pk").first()
    bench.measure("run page", "first page", page, kind="run")
    bench.measure("run page", "page 5 of each list",
                  f"{page}?proposals=5&unmatched=5&load=5&rules=2", kind="run")
    if mentee is not None:
        bench.measure("run page", "a pair explained by name",
                      f"{page}?mentee={mentee.mentee.user.email}&mentor="
                      f"{mentee.mentor.user.email}#explain", kind="run")
    bench.measure("run page", "status (JSON)",
                  reverse("admin:matching_matchingrun_status", args=[run.pk]))


def participant_pages(bench: Bench, client_for, few: bool) -> None:
    """The busiest participants' pages (with `few`, the least busy who have any)."""
    from django.db.models import Count

    from matching.models import Mentor, Mentorship
    from payments.models import StipendRequest

    most = "n" if few else "-n"
    mentor = (Mentor.objects.annotate(n=Count("mentorships")).filter(n__gt=0)
              .order_by(most, "pk").select_related("user").first())
    busiest = (Mentorship.objects.filter(status="active").annotate(n=Count("meetings"))
               .filter(n__gt=0).order_by(most, "pk")
               .select_related("mentee__user", "mentor__user").first())
    payee = (StipendRequest.objects.values("payee").annotate(n=Count("pk"))
             .order_by(most, "payee").first())
    as_mentor = Bench(client_for(mentor.user), bench.repeat)
    as_mentor.measure("participants", f"mentor dashboard ({mentor.n} mentorships)",
                      "/dashboard/")
    as_mentee = Bench(client_for(busiest.mentee.user), bench.repeat)
    as_mentee.measure("participants", "mentee dashboard", "/dashboard/")
    as_mentee.measure("participants", f"mentorship page ({busiest.n} meetings)",
                      f"/mentorships/{busiest.pk}/")
    # The data export of the mentee with the most (fewest) meetings among those who
    # answered a survey: Django makes no query for a prefetch of nothing, so a person
    # without answers would show two queries fewer at 1x for a reason other than rows.
    answered = (Mentorship.objects.filter(status="active",
                                          mentee__user__survey_invitations__response__isnull=False)
                .annotate(n=Count("meetings", distinct=True)).filter(n__gt=0)
                .order_by(most, "pk").select_related("mentee__user").first())
    as_answerer = Bench(client_for((answered or busiest).mentee.user), bench.repeat)
    as_answerer.measure("participants", "privacy: download my data", "/privacy/my-data.json",
                        kind="export")
    bench.rows += as_mentor.rows + as_mentee.rows + as_answerer.rows
    if payee:
        from django.contrib.auth import get_user_model

        as_payee = Bench(client_for(get_user_model().objects.get(pk=payee["payee"])),
                         bench.repeat)
        as_payee.measure("participants", f"stipend list ({payee['n']} requests)",
                         "/stipends/")
        bench.rows += as_payee.rows


def organizer_exports(bench: Bench) -> None:
    from django.contrib.admin import helpers
    from django.urls import reverse

    from matching.models import Program
    from payments.models import PayoutBatch, StipendRequest
    from surveys.impact.export import FIGURES

    bench.measure("impact", "dashboard", "/organizers/impact/")
    program = Program.objects.order_by("created_at", "pk").first()
    bench.measure("impact", "dashboard, one program",
                  f"/organizers/impact/?program={program.slug}")
    for figure in [*FIGURES, "all"]:
        bench.measure("impact", f"{figure}.csv", f"/organizers/impact/{figure}.csv",
                      kind="export")
    for model in ("menteeapplication", "mentorapplication"):
        bench.measure("exports", f"{model} CSV (every row)",
                      reverse(f"admin:matching_{model}_changelist"), method="POST",
                      data={"action": "export_csv", "select_across": "1", "index": "0",
                            helpers.ACTION_CHECKBOX_NAME: ["0"]}, kind="export")
    approved = list(StipendRequest.objects.filter(status="approved", batch__isnull=True)
                    .values_list("pk", flat=True)[:40])
    if approved:
        bench.measure("exports", f"payout CSV ({len(approved)} requests, rolled back)",
                      reverse("admin:payments_stipendrequest_changelist"), method="POST",
                      data={"action": "export_payout", "index": "0",
                            helpers.ACTION_CHECKBOX_NAME: approved},
                      rollback=True, kind="export")
    batch = PayoutBatch.objects.order_by("pk").first()
    if batch:
        bench.measure("exports", "batch CSV downloaded again (rolled back)",
                      reverse("admin:payments_payoutbatch_csv", args=[batch.pk]),
                      method="POST", rollback=True, kind="export")


def _few_rows_a_page() -> None:
    """Pages of 10 rows in every changelist, and of 5 in the run page's lists."""
    from django.contrib import admin

    from matching.admin import runs

    for model_admin in admin.site._registry.values():
        model_admin.list_per_page = 10
    runs.PROPOSALS_PER_PAGE = runs.ROWS_PER_PAGE = 5


def measure_child(out: Path, repeat: int, few: bool) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.test.utils import override_settings

    sys.path.insert(0, str(ROOT / "bench"))
    import scale_data

    def client_for(user):
        client = Client()
        client.force_login(user)
        return client

    superuser = get_user_model().objects.get(email=scale_data.SUPERUSER_EMAIL)
    # Static URLs without collectstatic's manifest (an in-process client serves no files).
    with override_settings(STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }):
        if few:
            _few_rows_a_page()
        bench = Bench(client_for(superuser), repeat)
        admin_pages(bench, superuser, few)
        run_pages(bench)
        participant_pages(bench, client_for, few)
        organizer_exports(bench)
    out.write_text(json.dumps(bench.rows))


# --------------------------------------------------------------------------- report


def report(rows: list[dict], base_rows: list[dict], scale: float, base_scale: float) -> None:
    base = {r["key"]: r for r in base_rows}
    print(f"{'page':<58}{'status':>7}{'ms':>7}{'median':>7}{'cpu':>6}{'KB':>8}{'queries':>8}"
          f"{'few':>5}  time  queries")
    for row in rows:
        before = base.get(row["key"])
        limit = RUN_PAGE_MS if row["kind"] == "run" else TARGET_MS
        fast = row["status"] < 400 and row["ms"] < limit
        if row["kind"] == "run" and row["bytes"] > RUN_PAGE_BYTES:
            fast = False
        steady = before is None or row["queries"] <= before["queries"]
        label = f"{row['group']}: {row['name']}"
        print(f"{label[:57]:<58}{row['status']:>7}{row['ms']:>7.0f}{row['median_ms']:>7.0f}"
              f"{row['cpu_ms']:>6.0f}{row['bytes'] / 1024:>8.1f}{row['queries']:>8}"
              f"{before['queries'] if before else '—':>5}  "
              f"{'PASS' if fast else 'FAIL'}  {'PASS' if steady else 'GROWS'}")
    slow = [r for r in rows if r["ms"] >= (RUN_PAGE_MS if r["kind"] == "run" else TARGET_MS)]
    grows = [r for r in rows if (b := base.get(r["key"])) and r["queries"] > b["queries"]]
    print(f"\n{len(rows)} requests at {scale:g}x: {len(slow)} at or over their time target "
          f"({TARGET_MS} ms; the run page {RUN_PAGE_MS} ms and {RUN_PAGE_BYTES // 1024} KB), "
          f"{len(grows)} with more queries than with few rows ({base_scale:g}x, 10 rows a "
          "page, the smallest objects, the least busy participants).")
    print("ms: the fastest of the timed requests (other work on the machine only adds "
          "time); median: their median; cpu: this process's CPU time (the database's is "
          f"not in it). Load average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True,
                        help="the 10x database (PostgreSQL, or sqlite:/// for a try-out); "
                             "the base scale's is the same name with _1x")
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--base-scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=3, help="timed requests per page")
    parser.add_argument("--rebuild", action="store_true",
                        help="drop and build both databases again")
    parser.add_argument("--child", choices=["build", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--few", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        setup_django()
        if args.child == "build":
            build_child(args.scale, args.out)
        else:
            measure_child(args.out, args.repeat, args.few)
        return 0

    sys.path.insert(0, str(ROOT))
    from bench.harness import ensure_database

    workdir = Path(tempfile.mkdtemp(prefix="bench-admin-scale-"))
    results = {}
    for url, scale, few in ((args.database_url, args.scale, False),
                            (sibling(args.database_url, "_1x"), args.base_scale, True)):
        if args.rebuild:
            drop_database(url)
        if url.startswith("postgres"):
            ensure_database(url)
        out = workdir / f"build-{scale:g}.json"
        started = time.monotonic()
        child("build", url, scale, out, args.repeat)
        built = json.loads(out.read_text())
        what = (f"built in {built['seconds']:.0f} s: {built['made']}" if built["built"]
                else "already built")
        print(f"{scale:g}x: {url.rsplit('/', 1)[1]} {what}", flush=True)
        out = workdir / f"measure-{scale:g}.json"
        started = time.monotonic()
        child("measure", url, scale, out, args.repeat, few)
        results[scale] = json.loads(out.read_text())
        print(f"{scale:g}x: {len(results[scale])} requests measured in "
              f"{time.monotonic() - started:.0f} s", flush=True)
    print()
    report(results[args.scale], results[args.base_scale], args.scale, args.base_scale)
    # Slow pages are the table's to show; a server error is a bug.
    errors = [r for rows in results.values() for r in rows if r["status"] >= 500]
    for row in errors:
        print(f"server error {row['status']}: {row['method']} {row['url']}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
