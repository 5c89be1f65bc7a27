"""Mentorships in admin: status moves go through the services (pause, resume, end early,
complete, withdraw), one row or many."""


from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.models import (
    FinalProject,
    Mentorship,
)
from matching.services.mentorships import (
    mentorship_complete,
    mentorship_invite,
)

from .factories import (
    MeetingLogFactory,
)
from .helpers import today
from .test_mentorship_admin import (
    add,
    days_ago,
    pair,
    person,
)

User = get_user_model()

CHANGELIST = reverse("admin:matching_mentorship_changelist")
ADD = reverse("admin:matching_mentorship_add")
MOVE = reverse("admin:matching_mentorship_move")


# --- status moves only through the services --------------------------------------------


def change_url(m):
    return reverse("admin:matching_mentorship_change", args=[m.pk])


def test_status_is_read_only_and_only_the_notes_save(organizer_client, program):
    m = pair(program, "Amara Okafor", "Ana Costa")
    page = organizer_client.get(change_url(m))
    form = page.context["adminform"].form
    assert list(form.fields) == ["organizer_notes"]
    content = page.content.decode()
    assert "The status changes only with the buttons" in content
    for label in ("Pause", "End early…", "Complete…"):
        assert label in content
    assert "Resume" not in content

    response = organizer_client.post(change_url(m), {
        "status": "completed", "mentor": 999, "organizer_notes": "Check in at week 6.",
        **_empty_inlines(),
    })
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == "active"
    assert m.organizer_notes == "Check in at week 6."


def _empty_inlines():
    return {
        f"{prefix}-{key}": value
        for prefix in ("meetings", "final_project")
        for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"),
                           ("MIN_NUM_FORMS", "0"), ("MAX_NUM_FORMS", "1000"))
    }


def test_the_change_page_shows_meetings_and_the_final_project(organizer_client, program):
    m = pair(program, "Amara Okafor", "Ana Costa", start_date=days_ago(30))
    MeetingLogFactory(mentorship=m, date=days_ago(10), minutes=50, on_track="partly",
                      note="Stuck on the SAE training loop")
    FinalProject.objects.create(mentorship=m, kind="blog_post", title="Toy models, again",
                                url="https://example.org/post", mentor_feedback="Crisp.")
    page = organizer_client.get(change_url(m)).content.decode()
    assert "1 meeting, 0.8 mentor-hours, the last on" in page
    assert "Stuck on the SAE training loop" in page
    assert "Toy models, again" in page and "Crisp." in page


def test_pause_and_resume_actions(organizer_client, organizer, program):
    active = pair(program, "Amara Okafor", "Ana Costa")
    done = pair(program, "Amara Okafor", "Ben Carter", status="completed", ended_on=today())
    response = organizer_client.post(
        CHANGELIST, {"action": "pause", "_selected_action": [active.pk, done.pk]},
        follow=True)
    page = response.content.decode()
    assert "1 mentorship paused." in page
    assert "it cannot become paused" in page  # the completed one is refused, by name
    active.refresh_from_db()
    done.refresh_from_db()
    assert (active.status, done.status) == ("paused", "completed")
    assert LogEntry.objects.filter(object_id=str(active.pk), user=organizer).exists()

    organizer_client.post(CHANGELIST, {"action": "resume", "_selected_action": [active.pk]})
    active.refresh_from_db()
    assert active.status == "active"


def test_ending_early_needs_a_reason(organizer_client, program,
                                     django_capture_on_commit_callbacks):
    m = pair(program, "Amara Okafor", "Ana Costa", start_date=days_ago(50))
    response = organizer_client.post(
        CHANGELIST, {"action": "end_early", "_selected_action": [m.pk]})
    assert response.status_code == 302
    assert response.url == f"{MOVE}?to=end_early&ids={m.pk}"
    assert "Why did it end early?" in organizer_client.get(response.url).content.decode()

    refused = organizer_client.post(response.url, {"reason": "", "ended_on": today()})
    assert refused.status_code == 200
    assert "This field is required." in refused.content.decode()
    m.refresh_from_db()
    assert m.status == "active"

    with django_capture_on_commit_callbacks() as callbacks:
        done = organizer_client.post(response.url, {
            "reason": "mentee_time", "notes": "New job.", "ended_on": days_ago(1)})
    assert done.status_code == 302 and done.url == change_url(m)
    m.refresh_from_db()
    assert (m.status, m.end_reason, m.end_notes, m.ended_on) == (
        "ended_early", "mentee_time", "New job.", days_ago(1))
    assert callbacks  # mentorship_ended, for the survey


def test_completing_records_the_next_steps(organizer_client, program):
    m = pair(program, "Amara Okafor", "Ana Costa", start_date=days_ago(100))
    url = f"{MOVE}?to=complete&ids={m.pk}"
    response = organizer_client.post(url, {
        "next_steps": ["phd", "grant"], "notes": "Applying to MATS too.",
        "ended_on": today()})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.status == "completed"
    assert m.next_steps == ["phd", "grant"]
    page = organizer_client.get(change_url(m)).content.decode()
    assert "A PhD, A grant" in page
    assert "Pause" not in page and "Complete…" not in page


def test_nothing_for_now_goes_alone_in_admin_and_in_the_service(organizer_client, program):
    m = pair(program, "Amara Okafor", "Ana Costa", start_date=days_ago(100))
    response = organizer_client.post(f"{MOVE}?to=complete&ids={m.pk}", {
        "next_steps": ["none", "job"], "notes": "kept", "ended_on": today()}, follow=True)
    assert "can&#x27;t go with other next steps" in response.content.decode()
    with pytest.raises(ValidationError, match="can't go with other next steps"):
        mentorship_complete(mentorship=m, next_steps=["none", "phd"])
    m.refresh_from_db()
    assert m.status == "active" and m.next_steps == []


def test_an_end_date_in_the_future_is_refused_by_the_service(organizer_client, program):
    m = pair(program, "Amara Okafor", "Ana Costa")
    response = organizer_client.post(f"{MOVE}?to=complete&ids={m.pk}",
                                     {"ended_on": today() + timedelta(days=3)}, follow=True)
    assert "The end date cannot be in the future." in response.content.decode()
    m.refresh_from_db()
    assert m.status == "active"


def test_withdrawing_an_invitation_frees_the_place(organizer_client, program):
    mentor = person("Amara Okafor", program, "mentor", capacity=1)
    invited = mentorship_invite(mentor=mentor, name="Rosa", email="rosa@example.org",
                                start_date=today())
    page = organizer_client.get(change_url(invited)).content.decode()
    assert "Withdraw invitation" in page
    organizer_client.post(f"{MOVE}?to=withdraw&ids={invited.pk}")
    invited.refresh_from_db()
    assert invited.status == "declined"
    assert add(organizer_client, mentor, person("Ana", program)).status_code == 302


def test_a_move_page_lists_what_cannot_move(organizer_client, program):
    paused = pair(program, "Amara Okafor", "Ana Costa", status="paused")
    active = pair(program, "Amara Okafor", "Ben Carter")
    page = organizer_client.get(f"{MOVE}?to=resume&ids={paused.pk},{active.pk}")
    content = page.content.decode()
    assert "cannot be resumed" in content
    assert page.context["movable_count"] == 1
    organizer_client.post(f"{MOVE}?to=resume&ids={paused.pk},{active.pk}")
    paused.refresh_from_db()
    active.refresh_from_db()
    assert (paused.status, active.status) == ("active", "active")


def test_mentorships_cannot_be_deleted_in_admin(organizer_client, program):
    m = pair(program, "Amara Okafor", "Ana Costa")
    url = reverse("admin:matching_mentorship_delete", args=[m.pk])
    assert organizer_client.post(url, {"post": "yes"}).status_code == 403
    assert Mentorship.objects.filter(pk=m.pk).exists()


