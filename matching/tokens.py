"""Signed links in emails: they carry an id, expire, and cannot be forged or altered."""

from django.core import signing
from django.urls import reverse

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


# Built by the mail worker as it sends, never stored (``mm_program.links``). The link of a
# withdrawn invitation or a settled update still opens a page that says so.
@personal_link("mentee-invitation", label="invitation link")
def _invitation_link(mentorship_id: int) -> str:
    return absolute_url(reverse("invitation", args=[invitation_token(mentorship_id)]))


@personal_link("application-update", label="link to confirm the new answers")
def _update_link(update_id: int) -> str:
    return absolute_url(reverse("apply_update_confirm", args=[update_token(update_id)]))
