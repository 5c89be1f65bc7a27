"""Signed links in emails, and the removed meeting an "Undo" puts back: they expire, and
cannot be forged or altered."""

from datetime import date, datetime

from django.core import signing
from django.urls import reverse
from django.utils import timezone

from matching.models import MeetingLog
from mm_program.emails import absolute_url
from mm_program.links import personal_link

UPDATE_SALT = "matching.application-update"
UPDATE_MAX_AGE = 7 * 24 * 3600


def update_token(update_id: int) -> str:
    return signing.dumps(update_id, salt=UPDATE_SALT)


def update_id_from_token(token: str) -> int:
    """Raises signing.SignatureExpired or signing.BadSignature."""
    return signing.loads(token, salt=UPDATE_SALT, max_age=UPDATE_MAX_AGE)


INVITATION_SALT = "matching.mentee-invitation"
INVITATION_MAX_AGE = 30 * 24 * 3600


def invitation_token(mentorship_id: int) -> str:
    return signing.dumps(mentorship_id, salt=INVITATION_SALT)


def invitation_id_from_token(token: str) -> int:
    """Raises signing.SignatureExpired or signing.BadSignature. The link stops working
    once the invitation is answered: the view checks the mentorship is still invited."""
    return signing.loads(token, salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)


MEETING_UNDO_SALT = "matching.meeting-undo"
# How long "Undo" puts a removed meeting back.
MEETING_UNDO_MAX_AGE = 10 * 60
_MEETING_FIELDS = ("id", "mentorship_id", "date", "minutes", "on_track", "note", "logged_by_id",
                   "created_at")


def meeting_undo_token(meeting: MeetingLog) -> str:
    """A removed meeting as it was, and when it was removed, signed: "Undo" puts back
    exactly this meeting, and the server keeps nothing of it meanwhile (an erasure has
    nothing left to find; ``meeting_restore`` clears the note of a person erased since)."""
    data = {name: str(getattr(meeting, name)) for name in _MEETING_FIELDS}
    data["removed_at"] = timezone.now().isoformat()
    return signing.dumps(data, salt=MEETING_UNDO_SALT, compress=True)


def meeting_from_undo_token(token: str) -> tuple[MeetingLog, datetime]:
    """The removed meeting (unsaved) and when it was removed. Raises
    signing.SignatureExpired (after MEETING_UNDO_MAX_AGE) or signing.BadSignature."""
    data = signing.loads(token, salt=MEETING_UNDO_SALT, max_age=MEETING_UNDO_MAX_AGE)
    meeting = MeetingLog(
        id=int(data["id"]), mentorship_id=int(data["mentorship_id"]),
        date=date.fromisoformat(data["date"]), minutes=int(data["minutes"]),
        on_track=data["on_track"], note=data["note"],
        logged_by_id=int(data["logged_by_id"]),
        created_at=datetime.fromisoformat(data["created_at"]))
    return meeting, datetime.fromisoformat(data["removed_at"])


# Built by the mail worker as it sends, never stored (``mm_program.links``). The link of a
# withdrawn invitation or a settled update still opens a page that says so.
@personal_link("mentee-invitation", label="invitation link")
def _invitation_link(mentorship_id: int) -> str:
    return absolute_url(reverse("invitation", args=[invitation_token(mentorship_id)]))


@personal_link("application-update", label="link to confirm the new answers")
def _update_link(update_id: int) -> str:
    return absolute_url(reverse("apply_update_confirm", args=[update_token(update_id)]))
