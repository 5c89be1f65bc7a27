import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from matching.models import Mentee, MenteeApplication, Mentor, MentorApplication

User = get_user_model()


def _counts():
    return (User.objects.count(), MenteeApplication.objects.count(),
            MentorApplication.objects.count(), Mentee.objects.count(),
            Mentor.objects.count())


def test_it_builds_a_believable_program_and_running_again_changes_nothing(db, capsys):
    call_command("seed_demo", force=True)
    first = _counts()
    statuses = set(MenteeApplication.objects.values_list("status", flat=True))
    assert statuses == {"pending", "accepted", "waitlisted", "declined", "redirected"}
    assert MenteeApplication.objects.filter(flagged_low_hours=True).exists()
    assert Mentor.objects.filter(is_active=True).count() >= 5
    # Mentors span several research agendas.
    assert MentorApplication.objects.values("research_areas").distinct().count() >= 8
    out = capsys.readouterr().out
    assert "organizer@example.org / demo-organizer-2026" in out

    call_command("seed_demo", force=True)
    assert _counts() == first


def test_the_demo_organizer_can_sign_in_to_the_admin(client, db):
    call_command("seed_demo", force=True)
    response = client.post("/accounts/login/?next=/admin/",
                           {"login": "organizer@example.org",
                            "password": "demo-organizer-2026"})
    assert response.status_code == 302
    page = client.get("/admin/matching/menteeapplication/")
    assert page.status_code == 200
    assert b"Ana Costa" in page.content


def test_it_builds_large_data_sets_in_bulk(db, django_assert_max_num_queries):
    call_command("seed_demo", force=True)
    before = _counts()
    with django_assert_max_num_queries(150):
        call_command("seed_demo", force=True, mentees=300, mentors=40)
    users, mentee_apps, mentor_apps, mentees, mentors = _counts()
    assert mentee_apps - before[1] == 300
    assert mentor_apps - before[2] == 40
    assert mentors - before[4] == 40
    assert 0 < mentees - before[3] < 300  # only the accepted ones are ready to match

    call_command("seed_demo", force=True, mentees=300, mentors=40)
    assert _counts() == (users, mentee_apps, mentor_apps, mentees, mentors)


def test_it_refuses_to_run_on_a_production_configuration(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="published password"):
        call_command("seed_demo")
