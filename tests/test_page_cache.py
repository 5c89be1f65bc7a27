"""Whole pages kept until the next database write (mm_program/page_cache.py)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship, MentorshipStatus, Program
from matching.views import default_program
from mm_program import page_cache

from .factories import MenteeFactory, MentorFactory, MentorshipFactory, ProgramFactory

DASHBOARD = reverse("dashboard")
FORM = reverse("apply", args=["mentee"])
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def grace(program):
    return MentorFactory(program=program, capacity=3, user__name="Grace Hopper")


@pytest.fixture
def row(grace, program):
    return MentorshipFactory(program=program, mentor=grace,
                             mentee=MenteeFactory(program=program, user__name="Ada Lovelace"))


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_kept_dashboard_is_served_until_a_write_then_shows_it(client, grace, row):
    client.force_login(grace.user)
    first, rendering = _get(client, DASHBOARD)
    again, kept = _get(client, DASHBOARD)
    # The same page but for the CSRF tokens, which are masked anew on every response.
    assert TOKEN.sub("", again) == TOKEN.sub("", first) and "Ada Lovelace" in again
    # From the cache: the session and the user, nothing the page shows.
    assert kept == 2 < rendering

    # QuerySet.update() sends no model signal; the write is still seen.
    Mentorship.objects.filter(pk=row.pk).update(status=MentorshipStatus.PAUSED)
    paused, _ = _get(client, DASHBOARD)
    assert "Paused" in paused and paused != first

    # Raw SQL too.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE mm_program_user SET name = %s WHERE id = %s",
                       ["Ada King", row.mentee.user_id])
    renamed, _ = _get(client, DASHBOARD)
    assert "Ada King" in renamed and "Ada Lovelace" not in renamed


def test_each_person_gets_their_own_dashboard(client, program, grace, row):
    other = MentorFactory(program=program, user__name="Katherine Johnson")
    client.force_login(grace.user)
    _get(client, DASHBOARD)
    client.force_login(other.user)
    page, _ = _get(client, DASHBOARD)
    assert "Katherine" in page and "Ada Lovelace" not in page


def test_a_new_day_renders_the_page_afresh(client, grace, row):
    client.force_login(grace.user)
    _get(client, DASHBOARD)
    with time_machine.travel(timezone.now() + timedelta(days=1)):
        _, queries = _get(client, DASHBOARD)
    assert queries > 2


def test_every_visitor_gets_their_own_csrf_token_on_a_kept_form(program, mentee_data):
    first = Client(enforce_csrf_checks=True)
    second = Client(enforce_csrf_checks=True)
    page_one = first.get(FORM).content.decode()
    page_two = second.get(FORM).content.decode()
    token_one, token_two = TOKEN.search(page_one)[1], TOKEN.search(page_two)[1]
    assert not token_one.startswith("csrf") and not token_two.startswith("csrf")
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    # The second visitor's page came from the cache; its token is theirs, and works.
    response = second.post(FORM, {**mentee_data, "csrfmiddlewaretoken": token_two})
    assert response.status_code == 302
    # The other visitor's token doesn't.
    third = Client(enforce_csrf_checks=True)
    third.get(FORM)
    assert third.post(FORM, {**mentee_data, "email": "x@example.org",
                             "csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_a_page_with_messages_to_show_is_rendered_for_that_request(client, grace, row):
    client.force_login(grace.user)
    _get(client, DASHBOARD)
    prefix = f"log-{row.pk}-"
    response = client.post(reverse("meeting_log", args=[row.pk]), {
        prefix + "date": timezone.localdate().isoformat(), prefix + "minutes": "30",
        prefix + "on_track": "yes", "back": "dashboard"}, follow=True)
    page = response.content.decode()
    assert "Meeting of" in page and "logged (30 min)" in page
    later, _ = _get(client, DASHBOARD)
    assert "logged (30 min)" not in later


@pytest.mark.django_db(transaction=True)
def test_writes_in_a_transaction_make_pages_stale_when_it_commits(settings, program):
    settings.PAGE_CACHE_BUMP_EACH_WRITE = False  # production's behaviour
    before = page_cache.generation()
    with transaction.atomic():
        ProgramFactory()
        assert page_cache.generation() == before
    after = page_cache.generation()
    assert after != before

    with pytest.raises(RuntimeError), transaction.atomic():
        ProgramFactory()
        raise RuntimeError
    assert page_cache.generation() == after  # nothing was written after all

    Program.objects.filter(pk=program.pk).update(tagline="Autocommit")
    assert page_cache.generation() != after


def test_writes_no_kept_page_reads_leave_pages_alone(client, grace):
    before = page_cache.generation()
    session = client.session
    session["anything"] = "saved"
    session.save()
    assert Session.objects.exists()
    assert page_cache.generation() == before
    # Nor do the email log's and beat's writes, which background work makes all the time.
    with connection.cursor() as cursor:
        cursor.execute('UPDATE "mm_program_message" SET attempts = attempts WHERE id = -1')
        cursor.execute('UPDATE "django_celery_beat_periodictask" SET total_run_count = '
                       'total_run_count WHERE id = -1')
    assert page_cache.generation() == before
    with connection.cursor() as cursor:  # while any other table's do
        cursor.execute('UPDATE "matching_program" SET name = name WHERE id = -1')
    assert page_cache.generation() != before
    before = page_cache.generation()
    client.force_login(grace.user)  # also records the user's last sign-in
    assert page_cache.generation() != before


def test_an_unreachable_cache_only_costs_speed(settings, client, grace, row):
    client.force_login(grace.user)
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": "redis://127.0.0.1:9/0"}}
    page, _ = _get(client, DASHBOARD)
    assert "Ada Lovelace" in page
    Mentorship.objects.filter(pk=row.pk).update(status=MentorshipStatus.PAUSED)
    assert "Paused" in _get(client, DASHBOARD)[0]
    # The clean-up after each test empties the cache: give it one it can reach.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_without_the_page_cache_every_page_is_rendered(settings, client, grace, row):
    settings.PAGE_CACHE = False
    cache.clear()  # what the fixtures' writes marked
    client.force_login(grace.user)
    _get(client, DASHBOARD)
    assert _get(client, DASHBOARD)[1] > 2
    Mentorship.objects.filter(pk=row.pk).update(status=MentorshipStatus.PAUSED)
    assert not [key for key in cache._cache if "page-cache:" in key]  # LocMem's own dict


def test_kept_values_are_copies(program):
    first = page_cache.cached_value("programs-test", lambda: list(Program.objects.all()))
    first[0].name = "Changed in one request"
    second = page_cache.cached_value("programs-test", lambda: [])
    assert second[0].name == program.name


def test_the_default_program_closes_at_its_deadline_without_a_write(program):
    Program.objects.filter(pk=program.pk).update(is_open=False)
    cohort = ProgramFactory(admission=Program.Admission.COHORT,
                            deadline=timezone.now() + timedelta(hours=1))
    newest = ProgramFactory(is_open=False)
    assert default_program() == cohort
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert default_program() == newest


def test_the_kept_pages_read_none_of_the_tables_whose_writes_are_ignored(client, settings, db):
    """Writes to IGNORED_TABLES leave kept pages alone, which is right only while no kept
    page or value reads them: render each one afresh and look at every query."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from matching.demo_data import DEMO_MENTEE, DEMO_MENTOR, ORGANIZER_EMAIL, email_for

    call_command("seed_demo", force=True, stdout=__import__("io").StringIO())
    settings.PAGE_CACHE = False
    User = get_user_model()
    pages = [(None, reverse("home")), (None, FORM), (None, reverse("apply", args=["mentor"])),
             (email_for(DEMO_MENTOR), DASHBOARD), (email_for(DEMO_MENTEE), DASHBOARD),
             (ORGANIZER_EMAIL, reverse("impact_dashboard"))]
    read = []
    for email, url in pages:
        client.logout()
        if email:
            client.force_login(User.objects.get(email=email))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        read += [query["sql"] for query in queries.captured_queries]
    assert len(read) > 20
    # The session is read to know who asks, which each page's key holds; nothing on a
    # page comes from it.
    for table in set(page_cache.IGNORED_TABLES) - {'"django_session"'}:
        assert not [sql for sql in read if table in sql], table
    assert any('"mm_program_user"' in sql for sql in read)  # the check can see tables


class _RefusesWrites:
    """A cache that answers reads but refuses writes, as a Redis in MISCONF does."""

    def __init__(self, real):
        self.real = real

    def get(self, *args, **kwargs):
        return self.real.get(*args, **kwargs)

    def set(self, *args, **kwargs):
        raise ConnectionError("MISCONF Redis is configured to save RDB snapshots")

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_a_write_the_cache_refused_to_announce_stops_this_process_using_it(
        monkeypatch, client, grace, row):
    client.force_login(grace.user)
    first, _ = _get(client, DASHBOARD)
    assert "Paused" not in first
    monkeypatch.setattr(page_cache, "cache", _RefusesWrites(cache))
    Mentorship.objects.filter(pk=row.pk).update(status=MentorshipStatus.PAUSED)
    page, queries = _get(client, DASHBOARD)
    assert "Paused" in page and queries > 2  # rendered afresh, not the kept page
    # Once the cache takes writes again, the owed announcement is made first.
    monkeypatch.setattr(page_cache, "cache", cache)
    monkeypatch.setattr(page_cache, "_state", {"down_until": 0.0, "owed_bump": True})
    before = cache.get(page_cache.GENERATION_KEY)
    page, _ = _get(client, DASHBOARD)
    assert "Paused" in page and cache.get(page_cache.GENERATION_KEY) != before


@pytest.mark.django_db(transaction=True)
def test_nothing_read_in_a_transaction_that_wrote_is_kept(settings, program):
    settings.PAGE_CACHE_BUMP_EACH_WRITE = False  # production's behaviour
    from matching.views import _programs

    with pytest.raises(RuntimeError), transaction.atomic():
        ProgramFactory(slug="rolled-back")
        assert "rolled-back" in [p.slug for p in _programs()]
        raise RuntimeError
    assert "rolled-back" not in [p.slug for p in _programs()]


@pytest.mark.django_db(transaction=True)
def test_a_failing_on_commit_callback_does_not_stop_the_announcement(settings, program):
    settings.PAGE_CACHE_BUMP_EACH_WRITE = False
    before = page_cache.generation()

    def fails():
        raise ZeroDivisionError

    with transaction.atomic():
        transaction.on_commit(fails, robust=True)
        ProgramFactory()
    assert page_cache.generation() != before


def test_a_kept_copy_lives_no_longer_than_the_page_it_copies(client, grace, row, settings):
    client.force_login(grace.user)
    _get(client, DASHBOARD)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.PAGE_CACHE_SECONDS
                                                       + 1)):
        _, queries = _get(client, DASHBOARD)
    assert queries > 2
