"""The database itself keeps a mentor within capacity (a trigger, on SQLite and
PostgreSQL), whoever writes the row: the services explain a refusal in words, the
trigger is the rule behind them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from matching.models import Mentorship, MentorshipSource
from matching.services import mentorships as services

from .matching_helpers import accepted_mentee, accepted_mentor

pytestmark = pytest.mark.django_db


def raw(mentor, mentee, status="active"):
    ended = status in ("completed", "ended_early")
    return Mentorship.objects.create(
        program=mentor.program, mentor=mentor, mentee=mentee,
        source=MentorshipSource.ORGANIZER, status=status,
        ended_on=timezone.localdate() if ended else None,
        end_reason="fit" if status == "ended_early" else "")


@pytest.fixture
def full_mentor(program):
    mentor = accepted_mentor(program, "Full Mentor", capacity=1)
    raw(mentor, accepted_mentee(program, "Taken Mentee"))
    return mentor


def test_it_refuses_a_live_row_beyond_capacity(program, full_mentor):
    for status in ("invited", "active", "paused"):
        with pytest.raises(IntegrityError, match="mentorship_mentor_capacity"), \
                transaction.atomic():
            raw(full_mentor, accepted_mentee(program, f"One too many {status}"), status)
    assert Mentorship.objects.filter(mentor=full_mentor).count() == 1


def test_ended_rows_take_no_place(program, full_mentor):
    for status in ("completed", "ended_early", "declined"):
        raw(full_mentor, accepted_mentee(program, f"Past {status}"), status)
    assert Mentorship.objects.filter(mentor=full_mentor).count() == 4


def test_a_bulk_update_cannot_bring_an_ended_row_back_over_capacity(program, full_mentor):
    old = raw(full_mentor, accepted_mentee(program, "Old Mentee"), "completed")
    with pytest.raises(IntegrityError, match="mentorship_mentor_capacity"), \
            transaction.atomic():
        Mentorship.objects.filter(pk=old.pk).update(status="active")
    old.refresh_from_db()
    assert old.status == "completed"


def test_moves_between_live_statuses_are_not_counted_twice(program, full_mentor):
    live = Mentorship.objects.get(mentor=full_mentor)
    Mentorship.objects.filter(pk=live.pk).update(status="paused")
    Mentorship.objects.filter(pk=live.pk).update(status="active")
    live.refresh_from_db()
    assert live.status == "active"


def test_moving_a_row_to_a_full_mentor_is_refused(program, full_mentor):
    other = accepted_mentor(program, "Other Mentor", capacity=1)
    row = raw(other, accepted_mentee(program, "Moving Mentee"))
    with pytest.raises(IntegrityError, match="mentorship_mentor_capacity"), \
            transaction.atomic():
        Mentorship.objects.filter(pk=row.pk).update(mentor=full_mentor)


def test_the_service_turns_the_trigger_into_words(program, full_mentor, monkeypatch):
    # As if the service's own count had missed a row written a moment ago.
    monkeypatch.setattr(services.Mentorship.objects, "filter",
                        lambda *a, **k: Mentorship.objects.none())
    with pytest.raises(ValidationError) as caught:
        services.mentorship_create(mentor=full_mentor,
                                   mentee=accepted_mentee(program, "Late Mentee"),
                                   source=MentorshipSource.ORGANIZER)
    assert caught.value.code == "capacity"
    assert "at capacity" in caught.value.messages[0]
