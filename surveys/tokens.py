"""The survey link: signed, so it cannot be forged or altered, and tied to its invitation's
nonce, so a new nonce retires every earlier link. Expiry and single use are the
invitation's (``expires_at``, a submitted response), checked by the view."""

import secrets

from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare

from mm_program.emails import absolute_url
from mm_program.links import LinkGone, personal_link

from .models import Invitation

SALT = "surveys.invitation"


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


def survey_token(invitation) -> str:
    return signing.dumps([invitation.pk, invitation.nonce], salt=SALT, compress=True)


def survey_url(invitation) -> str:
    return absolute_url(reverse("survey", args=[survey_token(invitation)]))


@personal_link("survey", label="survey link")
def _survey_link(invitation_id: int) -> str:
    """Built by the mail worker as it sends (``mm_program.links``), from the invitation's
    nonce at that moment: a link renewed meanwhile goes out as the new one."""
    invitation = Invitation.objects.filter(pk=invitation_id).only("pk", "nonce").first()
    if invitation is None:
        raise LinkGone("the survey invitation no longer exists")
    return survey_url(invitation)


def read_token(token: str) -> tuple[int, str]:
    """(invitation id, nonce). Raises signing.BadSignature for a forged or altered link."""
    data = signing.loads(token, salt=SALT)
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], int)
            and isinstance(data[1], str)):
        raise signing.BadSignature("Unexpected survey token payload")
    return data[0], data[1]


def nonce_matches(invitation, nonce: str) -> bool:
    return constant_time_compare(invitation.nonce, nonce)
