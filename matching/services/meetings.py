"""Undoing a meeting's removal. ``meeting_remove`` (services/mentorships.py) takes a
meeting out, after the checks other apps register (``MEETING_REMOVAL_GUARDS``); for a few
minutes after, its "Undo" (a signed token holding the meeting, matching/tokens.py) brings
the same meeting back through ``meeting_restore``."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from matching.models import MeetingLog, Mentorship
from mm_program.models import Erasure


def meeting_restore(*, mentorship: Mentorship, meeting: MeetingLog, removed_at: datetime,
                    by) -> MeetingLog:
    """Put back `meeting` (unsaved, as it was when removed at `removed_at`) while the
    mentorship runs.

    Only whoever logged it may (the only one who could remove it), into the mentorship it
    came from. It comes back with its own id, so a second "Undo" of the same removal
    restores nothing twice. If the mentor or the mentee was erased since the removal, it
    comes back as the erasure left the others: without its note. Raises ValidationError
    in the mentor's words."""
    with transaction.atomic():
        m = Mentorship.objects.select_for_update(of=("self",)).select_related(
            "mentor", "mentee").get(pk=mentorship.pk)
        if meeting.mentorship_id != m.pk or meeting.logged_by_id != by.pk:
            raise ValidationError("Only the person who removed a meeting can put it back.")
        if not m.is_running:
            raise ValidationError(
                f"This mentorship is {m.get_status_display().lower()}: its meetings can no "
                "longer be changed.")
        if MeetingLog.objects.filter(pk=meeting.pk).exists():
            raise ValidationError("That meeting is back already.")
        people = [m.mentor.user_id] + ([m.mentee.user_id] if m.mentee_id else [])
        if Erasure.objects.filter(scope=Erasure.Scope.PERSON, user_id__in=people,
                                  performed_at__gte=removed_at).exists():
            meeting.note = ""
        created_at = meeting.created_at
        meeting.save(force_insert=True)
        # When it was first logged, not now (auto_now_add set it on the insert).
        MeetingLog.objects.filter(pk=meeting.pk).update(created_at=created_at)
        meeting.created_at = created_at
    return meeting
