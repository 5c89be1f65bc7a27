"""Several programs in one install (issue 20): each program's public page, its dates, the
home page's list of open programs, and decision texts a program can make its own."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from matching.models import DecisionEmail, MenteeApplication, Program
from matching.services.applications import application_decide

from .cohort_helpers import cohort_program
from .factories import MenteeApplicationFactory, ProgramFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_a_rolling_programs_page_says_how_it_runs_and_links_both_forms(client, program):
    Program.objects.filter(pk=program.pk).update(
        description="Mentors and mentees.\n\nMore at https://example.org/about",
        starts_on=TODAY - timedelta(days=30), ends_on=TODAY + timedelta(days=300),
        contact_email="team@example.org")
    program.refresh_from_db()
    page = client.get(reverse("program_page", args=[program.slug])).content.decode()
    assert program.name in page
    assert "Rolling admissions: apply any time until" in page
    assert 'href="https://example.org/about"' in page
    assert f'href="{program.get_mentee_form_url()}"' in page
    assert f'href="{program.get_mentor_form_url()}"' in page
    assert "mailto:team@example.org" in page
    assert f"{program.starts_on:%-d %b %Y} – {program.ends_on:%-d %b %Y}" in page
    Program.objects.filter(pk=program.pk).update(ends_on=None)
    page = client.get(reverse("program_page", args=[program.slug])).content.decode()
    assert f"Running since {program.starts_on:%-d %b %Y}" in page


def test_a_cohort_programs_page_leads_to_its_mentors(client, db):
    cohort = cohort_program(mentors=1)
    page = client.get(reverse("program_page", args=[cohort.program.slug])).content.decode()
    assert "One cohort: apply by" in page
    assert f'href="{reverse("cohort_listing", args=[cohort.program.slug])}"' in page
    assert cohort.program.get_mentee_form_url() not in page


def test_a_program_past_its_last_day_takes_no_applications(client, program, mentee_data):
    Program.objects.filter(pk=program.pk).update(ends_on=TODAY - timedelta(days=1))
    program.refresh_from_db()
    assert not program.accepts_applications and program.has_ended
    assert not Program.objects.open().filter(pk=program.pk).exists()
    page = client.get(reverse("program_page", args=[program.slug])).content.decode()
    assert "Applications are closed: the program ended on" in page
    assert program.get_mentee_form_url() not in page
    response = client.post(program.get_mentee_form_url(), mentee_data)
    assert not MenteeApplication.objects.filter(program=program).exists(), response.status_code


def test_an_unknown_program_is_not_found(client, db):
    assert client.get(reverse("program_page", args=["no-such-program"])).status_code == 404


def test_the_last_day_cannot_come_before_the_first(organizer_client, program):
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(starts_on=TODAY,
                                                     ends_on=TODAY - timedelta(days=1))
    url = reverse("admin:matching_program_change", args=[program.pk])
    form = organizer_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(name="Renamed by mistake", starts_on="2027-03-01", ends_on="2027-02-01")
    response = organizer_client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The last day comes before the first" in page
    assert 'value="Renamed by mistake"' in page  # what was typed stays
    program.refresh_from_db()
    assert program.name != "Renamed by mistake" and program.ends_on is None


def test_the_home_page_lists_the_open_programs_once_there_are_several(client, program):
    assert "Programs taking applications" not in client.get("/").content.decode()
    other = ProgramFactory(name="Second Program", tagline="A second way in")
    ProgramFactory(name="Closed Program", is_open=False)
    ProgramFactory(name="Ended Program", ends_on=TODAY - timedelta(days=2))
    page = client.get("/").content.decode()
    assert "Programs taking applications" in page
    assert f'href="{other.get_absolute_url()}"' in page and "A second way in" in page
    assert "Closed Program" not in page and "Ended Program" not in page


def test_a_program_can_have_its_own_decision_text(program, organizer,
                                                   django_capture_on_commit_callbacks):
    other = ProgramFactory(name="Cohort Two")
    DecisionEmail.objects.create(program=other, decision="declined",
                                 subject="About {{ program }}",
                                 body="The cohort is full, {{ name }}.")
    mine = MenteeApplicationFactory(program=other, name="Own Text")
    shared = MenteeApplicationFactory(program=program, name="Shared Text")
    with django_capture_on_commit_callbacks(execute=True):
        for application in (mine, shared):
            application_decide(application=application, decision="declined",
                               decided_by=organizer)
    by_name = {email.to[0]: email for email in mail.outbox}
    own = by_name[mine.email]
    assert own.subject == "About Cohort Two"
    assert own.body.startswith("The cohort is full, Own Text.")
    assert by_name[shared.email].subject != "About Cohort Two"
    shared_text = DecisionEmail.objects.for_decision("declined")
    assert shared_text.program is None
    assert DecisionEmail.objects.for_decision("declined", program=other).program == other


def test_one_text_per_decision_and_program(program):
    DecisionEmail.objects.create(program=program, decision="accepted", subject="a", body="b")
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionEmail.objects.create(program=program, decision="accepted", subject="c",
                                     body="d")
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionEmail.objects.create(decision="accepted", subject="c", body="d")
