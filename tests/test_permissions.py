import pytest
from django.urls import reverse

from .factories import MenteeApplicationFactory, UserFactory

ADMIN_PAGES = [
    "/admin/",
    reverse("admin:matching_menteeapplication_changelist"),
    reverse("admin:matching_mentorapplication_changelist"),
    reverse("admin:matching_menteeapplication_decide") + "?ids=1",
    reverse("admin:mm_program_user_changelist"),
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, organizer, program, url):
    MenteeApplicationFactory(program=program, name="Zelda Applicant")
    response = client.get(url, follow=True)
    final_url = response.redirect_chain[-1][0]
    assert final_url.startswith(reverse("account_login"))
    assert response.status_code == 200
    assert b"Zelda Applicant" not in response.content
    assert b"Olivia" not in response.content


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_participants_cannot_reach_the_organizer_area(client, db, url):
    client.force_login(UserFactory())
    assert client.get(url, follow=True).status_code == 403


def test_a_participant_cannot_post_a_decision(client, program):
    application = MenteeApplicationFactory(program=program)
    client.force_login(UserFactory())
    response = client.post(
        reverse("admin:matching_menteeapplication_decide") + f"?ids={application.pk}",
        {"decision": "accepted"},
        follow=True,
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == "pending"


def test_staff_without_the_organizer_role_cannot_triage(client, program):
    application = MenteeApplicationFactory(program=program)
    client.force_login(UserFactory(is_staff=True))
    changelist = reverse("admin:matching_menteeapplication_changelist")
    assert client.get(changelist).status_code == 403
    response = client.post(
        reverse("admin:matching_menteeapplication_decide") + f"?ids={application.pk}",
        {"decision": "accepted"},
    )
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == "pending"


def test_organizers_cannot_administer_users(organizer_client):
    response = organizer_client.get(reverse("admin:mm_program_user_changelist"))
    assert response.status_code == 403


def test_the_admin_login_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_dashboard_needs_sign_in(client, db):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_person_sees_only_their_own_applications(client, program):
    mine = MenteeApplicationFactory(program=program, goals="MY OWN GOALS")
    theirs = MenteeApplicationFactory(program=program, name="Somebody Else")
    client.force_login(mine.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert program.name in page
    assert "Pending review" in page
    assert mine.user.name.split()[0] in page
    assert theirs.name not in page
    assert theirs.email not in page


def test_organizer_notes_never_reach_the_applicants_page(client, program):
    mine = MenteeApplicationFactory(program=program, status="declined",
                                    organizer_notes="PRIVATE NOTE",
                                    decision_message="Please apply again next year.")
    client.force_login(mine.user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Please apply again next year." in page
    assert "PRIVATE NOTE" not in page


def test_the_thanks_page_shows_nothing_without_a_submission(client, db):
    response = client.get(reverse("apply_thanks", args=["mentee"]))
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_unknown_roles_are_not_found(client, program):
    assert client.get("/apply/organizer/").status_code == 404
    assert client.get("/apply/organizer/thanks/").status_code == 404
