"""Phases and the filter: the current phase is derived from dates, the mentor records
continue/stop for their own scholars only, a stop ends the mentorship the early way, and
organizers see who is undecided."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from matching.models import EndReason, FilterDecision, MentorshipStatus, Phase
from matching.services import cohort_phases as phases
from matching.services.cohort_phases import current_phase
from mm_program import reminders
from surveys.models import Invitation, SurveyKind

from .helpers import signed_in, text, today

pytestmark = pytest.mark.django_db


def test_a_mentorship_is_in_the_phase_whose_dates_hold_today(phased):
    s = phased
    assert current_phase(s.program) == s.training
    assert current_phase(s.program, today() + timedelta(days=4)) == s.research
    assert current_phase(s.program, today() + timedelta(days=61)) is None
    # Moving the dates moves everyone: nothing was stored on the mentorships.
    Phase.objects.filter(pk=s.training.pk).update(ends_on=today() - timedelta(days=1))
    assert current_phase(s.program) is None


def test_overlapping_phases_are_refused_in_words(phased):
    s = phased
    clash = Phase(program=s.program, name="Extra", starts_on=s.training.ends_on,
                  ends_on=s.research.starts_on)
    with pytest.raises(ValidationError, match="overlap"):
        clash.full_clean()


def test_a_mentor_can_only_record_the_filter_for_their_own_scholars(phased):
    s = phased
    other_scholar = s.mentorships[2]  # mentor 1's
    with pytest.raises(PermissionDenied):
        phases.filter_record(phase=s.training, mentorship=other_scholar,
                                       outcome="stop", reason="no", by=s.mentors[0].user)
    # Through the page: the other mentor's scholar is not found, and nothing changes.
    response = signed_in(s.mentors[0].user).post(
        reverse("cohort_filter", args=[s.program.slug]),
        {"mentorship": other_scholar.pk, f"m{other_scholar.pk}-outcome": "stop",
         f"m{other_scholar.pk}-reason": "Not mine"})
    assert response.status_code == 404
    other_scholar.refresh_from_db()
    assert other_scholar.status == MentorshipStatus.ACTIVE
    assert not FilterDecision.objects.exists()
    # Nor is the other mentor's scholar listed on the page.
    page = text(signed_in(s.mentors[0].user).get(reverse("cohort_filter",
                                                          args=[s.program.slug])))
    assert "Scholar Ada" in page and "Scholar Cy" not in page


def test_stop_ends_the_mentorship_through_the_early_end_path(
        phased, django_capture_on_commit_callbacks):
    s = phased
    ada = s.mentorships[0]
    client = signed_in(s.mentors[0].user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cohort_filter", args=[s.program.slug]), {
            "mentorship": ada.pk, f"m{ada.pk}-outcome": "stop",
            f"m{ada.pk}-reason": "The research sprint didn't go well."})
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.status == MentorshipStatus.ENDED_EARLY
    assert ada.end_reason == EndReason.FILTERED
    assert "research sprint" in ada.end_notes and ada.ended_by == s.mentors[0].user
    # What follows an early end follows: both exit surveys go out.
    assert sorted(Invitation.objects.filter(mentorship=ada).values_list("kind", flat=True)) \
        == [SurveyKind.MENTEE_EXIT, SurveyKind.MENTOR_EXIT]
    # Final: the stop can't be turned into a continue.
    with pytest.raises(ValidationError, match="already"):
        phases.filter_record(phase=s.training, mentorship=ada, outcome="continue",
                             reason="Changed my mind", by=s.mentors[0].user)


def test_a_refused_decision_keeps_what_was_typed(phased):
    s = phased
    bo = s.mentorships[1]
    response = signed_in(s.mentors[0].user).post(
        reverse("cohort_filter", args=[s.program.slug]),
        {"mentorship": bo.pk, f"m{bo.pk}-outcome": "continue", f"m{bo.pk}-reason": "  "})
    assert response.status_code == 400
    page = text(response)
    assert "Say why" in page and "wasn't saved" in page
    html = response.content.decode()
    assert f'name="m{bo.pk}-outcome" value="continue"' in html
    assert html.count("checked") == 1  # the typed choice, kept
    assert not FilterDecision.objects.exists()


def test_a_continue_can_change_until_the_phase_ends_then_the_filter_closes(phased):
    s = phased
    bo = s.mentorships[1]
    mentor = s.mentors[0].user
    phases.filter_record(phase=s.training, mentorship=bo, outcome="continue",
                         reason="Strong sprint.", by=mentor)
    decision = phases.filter_record(phase=s.training, mentorship=bo, outcome="continue",
                                    reason="Strong sprint, clear plan.", by=mentor)
    assert FilterDecision.objects.get().reason == decision.reason
    with pytest.raises(ValidationError, match="closed"):
        phases.filter_record(phase=s.training, mentorship=bo, outcome="stop", reason="x",
                             by=mentor, today=s.training.ends_on + timedelta(days=1))
    with pytest.raises(ValidationError, match="doesn't end with a filter"):
        phases.filter_record(phase=s.research, mentorship=bo, outcome="stop", reason="x",
                             by=mentor, today=s.research.starts_on)


def test_organizers_see_who_is_undecided(phased, organizer):
    s = phased
    phases.filter_record(phase=s.training, mentorship=s.mentorships[1], outcome="continue",
                         reason="Good.", by=s.mentors[0].user)
    assert {m.pk for m in phases.undecided(s.training)} == {s.mentorships[0].pk,
                                                            s.mentorships[2].pk}
    page = signed_in(organizer).get(reverse("cohort_phases", args=[s.program.slug]))
    assert page.status_code == 200
    body = text(page)
    assert "<strong>2</strong> undecided" in body and "Scholar Ada" in body and "Scholar Cy" in body
    # A mentor is refused the organizers' page.
    assert signed_in(s.mentors[0].user).get(
        reverse("cohort_phases", args=[s.program.slug])).status_code == 403


def test_undecided_mentors_are_reminded_once_near_the_end(phased):
    s = phased
    phases.filter_record(phase=s.training, mentorship=s.mentorships[2], outcome="continue",
                         reason="Good.", by=s.mentors[1].user)
    early = [d for d in reminders.due_items(s.training.ends_on - timedelta(days=10))
             if d.kind == "phase-filter"]
    assert early == []
    due = [d for d in reminders.due_items() if d.kind == "phase-filter"]
    assert [d.user for d in due] == [s.mentors[0].user]
    assert due[0].context["scholars"] == ["Scholar Ada", "Scholar Bo"]
    assert reminders.scan().queued >= 1
    again = reminders.scan()
    assert not [p for p in again.previews if p["kind"] == "phase-filter"]
    assert again.existing >= 1
