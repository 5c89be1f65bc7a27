"""Every page is rendered for its request: a write shows on the next visit, whoever made
it and however (a model save, ``QuerySet.update()``, raw SQL), and the open program is
decided at each request."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship, MentorshipStatus, Program
from matching.views.apply import default_program

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


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_dashboard_shows_each_write_on_the_next_visit(client, grace, row):
    client.force_login(grace.user)
    first = _page(client, DASHBOARD)
    assert "Ada Lovelace" in first

    Mentorship.objects.filter(pk=row.pk).update(status=MentorshipStatus.PAUSED)
    assert "Paused" in _page(client, DASHBOARD)

    with connection.cursor() as cursor:
        cursor.execute("UPDATE mm_program_user SET name = %s WHERE id = %s",
                       ["Ada King", row.mentee.user_id])
    renamed = _page(client, DASHBOARD)
    assert "Ada King" in renamed and "Ada Lovelace" not in renamed


def test_every_visitor_gets_their_own_csrf_token(program, mentee_data):
    first = Client(enforce_csrf_checks=True)
    second = Client(enforce_csrf_checks=True)
    token_one = TOKEN.search(_page(first, FORM))[1]
    token_two = TOKEN.search(_page(second, FORM))[1]
    assert token_one != token_two
    assert second.cookies["csrftoken"].value != first.cookies["csrftoken"].value
    response = second.post(FORM, {**mentee_data, "csrfmiddlewaretoken": token_two})
    assert response.status_code == 302
    third = Client(enforce_csrf_checks=True)
    third.get(FORM)
    assert third.post(FORM, {**mentee_data, "email": "x@example.org",
                             "csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_a_saved_forms_message_is_shown_once(client, grace, row):
    client.force_login(grace.user)
    prefix = f"log-{row.pk}-"
    response = client.post(reverse("meeting_log", args=[row.pk]), {
        prefix + "date": timezone.localdate().isoformat(), prefix + "minutes": "30",
        prefix + "on_track": "yes", "back": "dashboard"}, follow=True)
    page = response.content.decode()
    assert "Meeting of" in page and "logged (30 min)" in page
    assert "logged (30 min)" not in _page(client, DASHBOARD)


def test_the_default_program_closes_at_its_deadline_without_a_write(program):
    Program.objects.filter(pk=program.pk).update(is_open=False)
    cohort = ProgramFactory(admission=Program.Admission.COHORT,
                            deadline=timezone.now() + timedelta(hours=1))
    newest = ProgramFactory(is_open=False)
    assert default_program() == cohort
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        assert default_program() == newest
