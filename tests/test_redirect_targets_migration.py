"""The upgrade to per-program redirect lists (matching 0024): each program gets the four
targets that were fixed until then, and a redirected application, and its history, point
at their own program's copy, with the same name and page as before."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

BEFORE = [("matching", "0023_program_organizers")]
AFTER = [("matching", "0024_redirect_targets_per_program")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def back_to_the_latest():
    """Going back to 0023 unapplies every later migration (other apps' too): whatever
    happens, the database ends at the latest of every app, as the next tests need."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_redirected_applications_keep_their_program_and_page():
    old = migrate(BEFORE)
    Program = old.get_model("matching", "Program")
    User = get_user_model()  # the accounts table as it is now (its migrations stay)
    Application = old.get_model("matching", "MenteeApplication")
    History = old.get_model("matching", "HistoricalMenteeApplication")
    first = Program.objects.create(name="First", slug="first")
    second = Program.objects.create(name="Second", slug="second")
    made = {}
    for program, code in ((first, "mats"), (second, "other"), (second, "")):
        user = User.objects.create(email=f"{program.slug}-{code}@example.org")
        made[(program.slug, code)] = Application.objects.create(
            program=program, user_id=user.pk, name="A", email=user.email, timezone="UTC",
            status="redirected" if code else "pending", redirect_to=code,
            hours_per_week=5)
    mats = made[("first", "mats")]
    History.objects.create(id=mats.pk, program_id=first.pk, user_id=mats.user_id, name="A",
                           email=mats.email, timezone="UTC", status="redirected",
                           redirect_to="mats", hours_per_week=5, history_type="~",
                           history_date="2026-01-01T00:00Z", submitted_at=mats.submitted_at,
                           updated_at=mats.updated_at)

    new = migrate(AFTER)
    Target = new.get_model("matching", "RedirectTarget")
    Application = new.get_model("matching", "MenteeApplication")
    History = new.get_model("matching", "HistoricalMenteeApplication")
    for program in (first, second):
        assert list(Target.objects.filter(program_id=program.pk)
                    .order_by("position").values_list("short_name", flat=True)) == [
            "AGISF", "MATS", "AI Safety Camp", "another program"]
    moved = Application.objects.get(pk=mats.pk).redirect_to
    assert (moved.program_id, moved.name, moved.url) == (
        first.pk, "MATS (ML Alignment & Theory Scholars)", "https://www.matsprogram.org/")
    other = Application.objects.get(pk=made[("second", "other")].pk).redirect_to
    assert (other.program_id, other.url) == (second.pk, "")
    assert Application.objects.get(pk=made[("second", "")].pk).redirect_to is None
    assert History.objects.get(id=mats.pk).redirect_to_id == moved.pk
