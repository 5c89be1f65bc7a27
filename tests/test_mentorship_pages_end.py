"""A mentorship's final project, ending and pausing, from its participants' pages."""


import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from matching.models import (
    FinalProject,
    MentorshipStatus,
)
from matching.services import mentorships as services
from matching.tokens import invitation_token

from .factories import (
    MeetingLogFactory,
    MentorshipFactory,
)
from .helpers import text, today

User = get_user_model()


# --- Final project -----------------------------------------------------------------------

def test_the_mentee_records_the_project_and_the_mentor_gives_feedback(client, mentorship):
    url = reverse("final_project", args=[mentorship.pk])
    client.force_login(mentorship.mentee.user)
    assert "Mentor's feedback" not in text(client.get(url))
    response = client.post(url, {"kind": "distillation", "title": "Superposition, distilled",
                                 "url": "lesswrong.com/posts/x", "is_public": "on",
                                 "mentor_feedback": "I wrote my own feedback"})
    assert response.status_code == 302
    project = FinalProject.objects.get()
    assert project.url == "https://lesswrong.com/posts/x"
    assert project.is_public and not project.is_published
    assert project.mentor_feedback == ""  # not the mentee's to write

    client.force_login(mentorship.mentor.user)
    response = client.post(url, {"kind": "distillation", "title": "Superposition, distilled",
                                 "url": project.url, "is_public": "on", "is_published": "on",
                                 "mentor_feedback": "Clear and careful."})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.is_published and project.mentor_feedback == "Clear and careful."

    client.force_login(mentorship.mentee.user)
    html = text(client.get(url))
    assert "Clear and careful." in html
    html = text(client.get(reverse("mentorship_detail", args=[mentorship.pk])))
    assert "Superposition, distilled" in html and "Clear and careful." in html

    # The mentee editing their project keeps the mentor's feedback.
    client.post(url, {"kind": "blog_post", "title": "New title", "url": ""})
    project.refresh_from_db()
    assert project.title == "New title" and project.mentor_feedback == "Clear and careful."


def test_a_bad_project_is_explained_and_kept(mentee_client, mentorship):
    response = mentee_client.post(reverse("final_project", args=[mentorship.pk]),
                                  {"kind": "", "title": "Kept title", "url": "not a link"})
    assert response.status_code == 400
    html = text(response)
    assert "Pick the kind of project." in html
    assert "That doesn't look like a link" in html
    assert 'value="Kept title"' in html
    assert not FinalProject.objects.exists()


def test_the_project_can_still_be_recorded_after_the_final_call(mentee_client, mentorship):
    services.mentorship_complete(mentorship=mentorship, next_steps=["job"])
    detail = text(mentee_client.get(reverse("mentorship_detail", args=[mentorship.pk])))
    assert "Record the final project" in detail
    page = text(mentee_client.get(reverse("final_project", args=[mentorship.pk])))
    assert "the project can still be recorded or updated until" in page
    response = mentee_client.post(reverse("final_project", args=[mentorship.pk]),
                                  {"kind": "blog_post", "title": "Posted a week later"})
    assert response.status_code == 302
    assert FinalProject.objects.get().title == "Posted a week later"


def test_the_project_cannot_change_after_an_early_end(mentee_client, mentorship):
    services.mentorship_end_early(mentorship=mentorship, reason="fit")
    response = mentee_client.post(reverse("final_project", args=[mentorship.pk]),
                                  {"kind": "other", "title": "Late"})
    assert response.status_code == 400
    assert "can no longer be changed" in text(response)
    assert not FinalProject.objects.exists()


# --- Ending, pausing ---------------------------------------------------------------------

def test_complete_with_next_steps(mentor_client, mentorship):
    response = mentor_client.post(reverse("mentorship_end", args=[mentorship.pk]), {
        "action": "complete", "complete-next_steps": ["job", "program"],
        "complete-notes": "MATS next", "complete-ended_on": today().isoformat(),
    }, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mentorship_detail", args=[mentorship.pk])
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.COMPLETED
    assert mentorship.next_steps == ["job", "program"]
    assert mentorship.next_steps_notes == "MATS next"
    assert "The mentorship is completed" in text(response)


def test_end_early_with_a_reason(mentee_client, mentorship):
    response = mentee_client.post(reverse("mentorship_end", args=[mentorship.pk]), {
        "action": "early", "early-reason": "mentee_time", "early-notes": "New job",
        "early-ended_on": today().isoformat(),
    })
    assert response.status_code == 302
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ENDED_EARLY
    assert (mentorship.end_reason, mentorship.end_notes) == ("mentee_time", "New job")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "complete", "complete-notes": "kept"}, "Pick at least one next step"),
        ({"action": "complete", "complete-next_steps": ["none", "job"],
          "complete-notes": "kept"}, "can't go with other next steps"),
        ({"action": "complete", "complete-next_steps": ["job"], "complete-notes": "kept",
          "complete-ended_on": "FUTURE"}, "The end date cannot be in the future."),
        ({"action": "early", "early-notes": "kept"}, "Pick the reason closest"),
    ],
)
def test_bad_endings_are_explained_and_nothing_changes(mentor_client, mentorship, data,
                                                       message):
    data.setdefault(f"{'complete' if data['action'] == 'complete' else 'early'}-ended_on",
                    today().isoformat())
    data = {k: (today() + timedelta(days=3)).isoformat() if v == "FUTURE" else v
            for k, v in data.items()}
    response = mentor_client.post(reverse("mentorship_end", args=[mentorship.pk]), data)
    assert response.status_code == 400
    html = text(response)
    assert message in html and "mm-error-summary" in html
    assert "kept</textarea>" in html
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE


def test_pause_and_resume(mentee_client, mentorship):
    url = reverse("mentorship_pause", args=[mentorship.pk])
    response = mentee_client.post(url, {"action": "pause"}, follow=True)
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.PAUSED
    assert "The mentorship is paused" in text(response)
    mentee_client.post(url, {"action": "resume"})
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE
    response = mentee_client.post(url, {"action": "resume"}, follow=True)
    assert "Only a paused mentorship can be resumed." in text(response)


def test_the_mentor_withdraws_an_invitation(client, grace):
    m = services.mentorship_invite(mentor=grace, name="Bob", email="bob@example.org",
                                   start_date=today())
    client.force_login(grace.user)
    response = client.post(reverse("mentorship_withdraw", args=[m.pk]), follow=True)
    m.refresh_from_db()
    assert m.status == MentorshipStatus.DECLINED
    assert "is withdrawn" in text(response)
    # The link in Bob's email now says so.
    response = client.get(reverse("invitation", args=[invitation_token(m.pk)]))
    assert "This invitation is closed" in text(response)


def test_the_mentee_sees_the_newest_meetings_on_the_dashboard(client, program):
    m = MentorshipFactory(program=program, start_date=today() - timedelta(days=60))
    for n in range(7):
        MeetingLogFactory(mentorship=m, date=today() - timedelta(days=7 * n), minutes=30 + n,
                          note=f"note {n}")
    client.force_login(m.mentee.user)
    page = text(client.get(reverse("dashboard")))
    assert "7 meetings" in page
    shown = re.findall(r"note (\d)", page)
    assert shown == ["0", "1", "2", "3", "4"]  # the five newest, newest first
    assert "All 7 meetings" in page
