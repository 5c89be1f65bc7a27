"""Who may reach a mentorship's pages: its mentor and its mentee, nobody else.

Every URL is tried by other participants (a mentor and a mentee of other mentorships, an
organizer) and by an anonymous visitor: the others get 404, as if the mentorship did not
exist, and the visitor is sent to sign in. Nothing changes either way.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse

from matching.models import FinalProject, MeetingLog, Mentorship, MentorshipStatus
from matching.services import mentorships as services
from matching.tokens import invitation_token, update_token

from .factories import MenteeFactory, MentorFactory, MentorshipFactory, UserFactory
from .helpers import today

User = get_user_model()


@pytest.fixture
def world(program):
    """Grace mentors Ada (active) and has invited Bob; Alan mentors Cleo."""
    grace = MentorFactory(program=program, capacity=5, user__name="Grace Hopper",
                          user__email="grace@example.org")
    ada = MenteeFactory(program=program, user__name="Ada Lovelace",
                        user__email="ada@example.org")
    m = services.mentorship_create(mentor=grace, mentee=ada, source="organizer",
                                   start_date=today() - timedelta(days=20))
    invited = services.mentorship_invite(mentor=grace, name="Bob Secret",
                                         email="bob@example.org", start_date=today())
    alan = MentorFactory(program=program, user__name="Alan Turing")
    cleo = MenteeFactory(program=program, user__name="Cleo Other")
    MentorshipFactory(program=program, mentor=alan, mentee=cleo)
    return {"grace": grace, "ada": ada, "m": m, "invited": invited, "alan": alan,
            "cleo": cleo}


def requests_for(world):
    """(method, url, data) for every page and action of a mentorship."""
    m, invited, grace = world["m"], world["invited"], world["grace"]
    pk = m.pk
    end = (today() + timedelta(days=60)).isoformat()
    return {
        "detail": ("get", reverse("mentorship_detail", args=[pk]), None),
        "terms (page)": ("get", reverse("mentorship_terms", args=[pk]), None),
        "terms (save)": ("post", reverse("mentorship_terms", args=[pk]), {
            "hours_per_week": "8", "meeting_every_weeks": "2", "meeting_minutes": "30",
            "planned_end_date": end}),
        "project (page)": ("get", reverse("final_project", args=[pk]), None),
        "project (save)": ("post", reverse("final_project", args=[pk]), {
            "kind": "other", "title": "Hijacked", "mentor_feedback": "Hijacked"}),
        "end (page)": ("get", reverse("mentorship_end", args=[pk]), None),
        "end (complete)": ("post", reverse("mentorship_end", args=[pk]), {
            "action": "complete", "complete-next_steps": ["job"],
            "complete-ended_on": today().isoformat()}),
        "end (early)": ("post", reverse("mentorship_end", args=[pk]), {
            "action": "early", "early-reason": "fit", "early-ended_on": today().isoformat()}),
        "meeting log": ("post", reverse("meeting_log", args=[pk]), {
            "back": "dashboard", f"log-{pk}-date": today().isoformat(),
            f"log-{pk}-minutes": "30", f"log-{pk}-on_track": "yes"}),
        "pause": ("post", reverse("mentorship_pause", args=[pk]), {"action": "pause"}),
        "withdraw": ("post", reverse("mentorship_withdraw", args=[invited.pk]), {}),
        "add mentee": ("post", reverse("mentee_add", args=[grace.pk]), {
            f"add-{grace.pk}-name": "Eve", f"add-{grace.pk}-email": "eve@example.org",
            f"add-{grace.pk}-start_date": today().isoformat()}),
    }


REQUESTS = ["detail", "terms (page)", "terms (save)", "project (page)", "project (save)",
            "end (page)", "end (complete)", "end (early)", "meeting log", "pause",
            "withdraw", "add mentee"]


def snapshot():
    return {
        "mentorships": list(Mentorship.objects.order_by("pk").values_list(
            "pk", "status", "terms_recorded_at", "updated_at")),
        "meetings": MeetingLog.objects.count(),
        "projects": FinalProject.objects.count(),
        "users": User.objects.count(),
    }


def send(client, method, url, data):
    return client.get(url) if method == "get" else client.post(url, data)


@pytest.mark.parametrize("request_name", REQUESTS)
@pytest.mark.parametrize("intruder", ["another mentor", "another mentee", "organizer"])
def test_other_people_get_not_found_and_change_nothing(client, world, organizer,
                                                       request_name, intruder):
    user = {"another mentor": world["alan"].user, "another mentee": world["cleo"].user,
            "organizer": organizer}[intruder]
    method, url, data = requests_for(world)[request_name]
    before = snapshot()
    client.force_login(user)
    response = send(client, method, url, data)
    assert response.status_code == 404
    page = response.content.decode()
    for private in ("Ada Lovelace", "ada@example.org", "Bob Secret", "Grace Hopper"):
        assert private not in page
    assert snapshot() == before


@pytest.mark.parametrize("request_name", REQUESTS)
def test_anonymous_visitors_are_sent_to_sign_in(client, world, request_name):
    method, url, data = requests_for(world)[request_name]
    before = snapshot()
    response = send(client, method, url, data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "next=" in response.url
    assert snapshot() == before


@pytest.mark.parametrize("who", ["mentor", "mentee"])
def test_the_two_participants_reach_every_page(client, world, who):
    client.force_login(world["grace"].user if who == "mentor" else world["ada"].user)
    requests = requests_for(world)
    for name in ("detail", "terms (page)", "project (page)", "end (page)"):
        method, url, _ = requests[name]
        assert send(client, method, url, None).status_code == 200, name


def test_only_the_mentor_withdraws_an_invitation(client, world):
    invited = world["invited"]
    # The invited person (they decline instead): not a party until they accept.
    client.force_login(UserFactory(email=invited.invited_email))
    response = client.post(reverse("mentorship_withdraw", args=[invited.pk]))
    assert response.status_code == 404
    invited.refresh_from_db()
    assert invited.status == MentorshipStatus.INVITED


def test_only_the_mentor_writes_feedback(client, world):
    m = world["m"]
    client.force_login(world["ada"].user)
    response = client.post(reverse("final_project", args=[m.pk]), {
        "kind": "other", "title": "Mine", "mentor_feedback": "Praise from myself"})
    assert response.status_code == 302
    assert FinalProject.objects.get().mentor_feedback == ""


def test_a_mentee_cannot_add_mentees_on_their_mentors_row(client, world):
    grace = world["grace"]
    client.force_login(world["ada"].user)
    before = snapshot()
    response = client.post(reverse("mentee_add", args=[grace.pk]), {
        f"add-{grace.pk}-name": "Eve", f"add-{grace.pk}-email": "eve@example.org",
        f"add-{grace.pk}-start_date": today().isoformat()})
    assert response.status_code == 404
    assert snapshot() == before


def test_the_dashboard_shows_only_ones_own_mentorships(client, world):
    client.force_login(world["alan"].user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Cleo Other" in page
    for private in ("Ada Lovelace", "Bob Secret", "Grace Hopper"):
        assert private not in page


@pytest.mark.parametrize("intruder", ["anonymous", "another mentor"])
def test_altered_or_borrowed_invitation_tokens_are_refused(client, world, intruder):
    """The invitation link needs no sign-in: the signed token is the proof, so a token
    that was altered, or signed for another purpose, opens nothing."""
    if intruder == "another mentor":
        client.force_login(world["alan"].user)
    invited = world["invited"]
    real = invitation_token(invited.pk)
    for token in (real[:-2] + ("AA" if not real.endswith("AA") else "BB"),
                  update_token(invited.pk),
                  signing.dumps(invited.pk),
                  "not-a-token"):
        url = reverse("invitation", args=[token])
        response = client.get(url)
        assert response.status_code == 404
        assert "Bob Secret" not in response.content.decode()
        response = client.post(url, {"name": "Mallory", "timezone": "UTC", "goals": "x"})
        assert response.status_code == 404
        response = client.post(url, {"decline": "1"})
        assert response.status_code == 404
    invited.refresh_from_db()
    assert invited.status == MentorshipStatus.INVITED
    assert invited.mentee is None and invited.invited_name == "Bob Secret"
