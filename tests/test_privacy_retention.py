"""The retention job: declined and redirected applications are anonymised once
RETENTION_REJECTED_MONTHS have passed since the decision; nothing else, and only once."""

from datetime import UTC, datetime

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django_celery_beat.models import PeriodicTask

from matching.models import MenteeApplication, MentorApplication
from matching.program_demo import seed_redirect_targets
from matching.services.applications import application_decide
from mm_program.models import Erasure, Message
from mm_program.privacy.retention import months_before, retention_run
from mm_program.tasks import apply_retention
from surveys.impact import queries
from surveys.impact.figures import Figures

from .factories import MenteeApplicationFactory, MenteeFactory, MentorApplicationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("deliver_at_once")]

NOW = datetime(2027, 6, 15, 12, 0, tzinfo=UTC)
THIRTEEN_MONTHS_AGO = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
ELEVEN_MONTHS_AGO = datetime(2026, 7, 20, 9, 0, tzinfo=UTC)


def decided(factory, when, decision, organizer, **kw):
    """An application submitted and decided (with its email) at `when`."""
    with time_machine.travel(when, tick=False):
        app = factory(**kw)
        mats = seed_redirect_targets(app.program)["MATS"]
        application_decide(application=app, decision=decision, decided_by=organizer,
                           redirect_to=mats if decision == "redirected" else None,
                           message=f"Thanks for applying, {app.name}.")
    app.refresh_from_db()
    return app


@pytest.fixture
def apps(program, organizer):
    liam = decided(MenteeApplicationFactory, THIRTEEN_MONTHS_AGO, "declined", organizer,
                   program=program, user__name="Liam O'Brien",
                   user__email="liam@example.org", goals="Curious about AI policy.",
                   organizer_notes="Not a fit this round.")
    maya = decided(MentorApplicationFactory, THIRTEEN_MONTHS_AGO, "redirected", organizer,
                   program=program, user__name="Maya Cohen", user__email="maya@example.org",
                   style_notes="Hands-on.")
    recent = decided(MenteeApplicationFactory, ELEVEN_MONTHS_AGO, "declined", organizer,
                     program=program, user__email="recent@example.org")
    accepted = decided(MenteeApplicationFactory, THIRTEEN_MONTHS_AGO, "accepted",
                       organizer, program=program, user__email="kept@example.org")
    with time_machine.travel(THIRTEEN_MONTHS_AGO, tick=False):
        pending = MenteeApplicationFactory(program=program, user__email="wait@example.org")
    return {"liam": liam, "maya": maya, "recent": recent, "accepted": accepted,
            "pending": pending}


def state(app):
    app.refresh_from_db()
    return app.name, app.email


def test_months_before_clips_the_day():
    assert months_before(datetime(2027, 3, 31, tzinfo=UTC), 1).day == 28
    assert months_before(NOW, 12) == datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
    assert months_before(NOW, 18).year == 2025


def test_only_turned_away_applications_past_the_period_are_anonymised(apps, settings):
    assert settings.RETENTION_REJECTED_MONTHS == 12
    untouched = {key: state(apps[key]) for key in ("recent", "accepted", "pending")}

    with time_machine.travel(NOW, tick=False):
        result = retention_run()

    assert (result.applications, result.people) == (2, 2)
    liam = MenteeApplication.objects.get(pk=apps["liam"].pk)
    assert (liam.name, liam.goals, liam.organizer_notes, liam.decision_message) == (
        "(erased)", "", "", "")
    assert liam.email.endswith("@invalid.example")
    # What the funnel counts stays.
    assert (liam.status, liam.occupation, liam.hours_per_week) == ("declined", "masters", 8)
    maya = MentorApplication.objects.get(pk=apps["maya"].pk)
    assert (maya.name, maya.style_notes, maya.redirect_to.name) == (
        "(erased)", "", "MATS (ML Alignment & Theory Scholars)")
    assert {key: state(apps[key]) for key in untouched} == untouched


def test_the_emails_about_them_and_their_accounts_go_too(apps):
    with time_machine.travel(NOW, tick=False):
        retention_run()
    liam = apps["liam"].user
    liam.refresh_from_db()
    assert (liam.is_active, liam.name) == (False, "(erased)")
    assert not EmailAddress.objects.filter(user=liam).exists()
    assert Message.objects.filter(user=liam).exists()
    assert not Message.objects.filter(recipient="liam@example.org").exists()
    assert not Message.objects.filter(body_text__contains="O'Brien").exists()
    assert not Message.objects.filter(body_html__contains="O&#x27;Brien").exists()
    assert Message.objects.filter(body_text__contains="Thanks for applying").exists()
    # The people whose applications are not due keep theirs.
    recent = apps["recent"].user
    recent.refresh_from_db()
    assert recent.is_active and recent.email == "recent@example.org"


def test_someone_who_joined_elsewhere_keeps_their_account(apps, program):
    # Liam was declined here, then accepted as a mentee in another program.
    MenteeFactory(user=apps["liam"].user)
    with time_machine.travel(NOW, tick=False):
        result = retention_run()
    assert (result.applications, result.people) == (2, 1)
    assert state(apps["liam"])[0] == "(erased)"
    liam = apps["liam"].user
    liam.refresh_from_db()
    assert liam.is_active and liam.email == "liam@example.org"
    record = Erasure.objects.get(about=f"matching.menteeapplication:{apps['liam'].pk}")
    assert (record.scope, record.trigger, record.performed_by) == ("application",
                                                                  "retention", None)


def test_it_is_due_twelve_months_after_the_decision_not_a_day_earlier(apps):
    with time_machine.travel(datetime(2027, 5, 9, 12, 0, tzinfo=UTC), tick=False):
        assert retention_run().applications == 0
    assert state(apps["liam"])[1] == "liam@example.org"
    with time_machine.travel(datetime(2027, 5, 10, 10, 0, tzinfo=UTC), tick=False):
        assert retention_run().applications == 2
    assert state(apps["liam"])[0] == "(erased)"


def test_running_it_again_changes_nothing(apps):
    with time_machine.travel(NOW, tick=False):
        retention_run()
        records = Erasure.objects.count()
        again = retention_run()
    assert (again.applications, again.people) == (0, 0)
    assert Erasure.objects.count() == records


def test_the_impact_funnel_does_not_move(apps):
    before = Figures(queries.load()).all()["funnel"]
    with time_machine.travel(NOW, tick=False):
        retention_run()
    assert Figures(queries.load()).all()["funnel"] == before


def test_the_period_is_a_setting_and_zero_switches_it_off(apps, settings):
    settings.RETENTION_REJECTED_MONTHS = 0
    with time_machine.travel(NOW, tick=False):
        assert retention_run().applications == 0
    settings.RETENTION_REJECTED_MONTHS = 6
    with time_machine.travel(NOW, tick=False):
        assert retention_run().applications == 3  # the eleven-months-old one too


def test_the_dry_run_counts_and_changes_nothing(apps, capsys):
    with time_machine.travel(NOW, tick=False):
        call_command("apply_retention", "--dry-run")
    assert "2 applications declined or redirected over 12 months ago would be anonymised" \
        in capsys.readouterr().out
    assert state(apps["liam"])[1] == "liam@example.org"
    assert not Erasure.objects.exists()


def test_beat_runs_it_daily_through_the_task(apps):
    task = PeriodicTask.objects.get(name="Apply the retention period")
    assert (task.task, task.enabled) == ("mm_program.tasks.apply_retention", True)
    assert (task.crontab.hour, task.crontab.minute) == ("3", "30")
    with time_machine.travel(NOW, tick=False):
        assert apply_retention.delay().get() == {"months": 12, "applications": 2,
                                                 "people": 2}
