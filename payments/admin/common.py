from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.views.defaults import permission_denied

from mm_program.admin_html import badge as tone_badge

from ..models import StipendStatus

STATUS_TONES = {
    StipendStatus.SUBMITTED: "blue",
    StipendStatus.APPROVED: "amber",
    StipendStatus.REJECTED: "grey",
    StipendStatus.PAID: "green",
}


def badge(status: str, label: str):
    return tone_badge(STATUS_TONES.get(status, "grey"), label)


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def person(user) -> str:
    return str(user) if user else "—"


def refused(request, exc: PermissionDenied) -> HttpResponse:
    """The 403 page for what a service refused, and recorded (``bank_details_reveal_refuse``).

    Returned rather than raised: an exception leaving the view would roll back a
    transaction around it (``ATOMIC_REQUESTS``, off today), and the record of the refusal
    with it."""
    return permission_denied(request, exc)
