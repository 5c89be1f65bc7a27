"""The admin index an organizer opens: the program's own sections first, in the order of
the work, and none of the scheduler's internals (superusers still reach them)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

BEAT_MODELS = ("clockedschedule", "crontabschedule", "solarschedule", "intervalschedule",
               "periodictask")


def index(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return response.context["app_list"]


def test_the_program_comes_first_in_the_order_of_the_work(organizer_client):
    app_list = index(organizer_client)
    assert [app["app_label"] for app in app_list][:3] == ["matching", "payments", "surveys"]
    models = [m["object_name"] for m in app_list[0]["models"]]
    # Triage, then matching, then the mentorships it makes; settings last.
    assert models[:4] == ["MenteeApplication", "MentorApplication", "MatchingRun",
                          "Mentorship"]
    assert models.index("Program") > models.index("Mentee")


def test_an_organizer_sees_none_of_the_scheduler(organizer_client):
    labels = [app["app_label"] for app in index(organizer_client)]
    assert "django_celery_beat" not in labels
    body = organizer_client.get(reverse("admin:index")).content.decode()
    assert "Crontabs" not in body and "Clocked" not in body


@pytest.mark.parametrize("model", BEAT_MODELS)
def test_an_organizer_cannot_open_the_scheduler_by_its_address(organizer_client, model):
    url = reverse(f"admin:django_celery_beat_{model}_changelist")
    assert organizer_client.get(url).status_code == 403


def test_a_superuser_still_reaches_the_scheduler_after_the_program(admin_client):
    app_list = index(admin_client)
    labels = [app["app_label"] for app in app_list]
    assert labels.index("django_celery_beat") > labels.index("surveys")
    assert admin_client.get(
        reverse("admin:django_celery_beat_periodictask_changelist")).status_code == 200
