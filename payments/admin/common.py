from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

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
    return (user.name or user.email) if user else "—"


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """The history list of simple_history, and its version pages read-only: a POST to a
    version page would otherwise save that version over the current row."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class NoVersionPagesAdmin(ReadOnlyHistoryAdmin):
    """Only the list of changes (who, when, what): a version page would render the row
    with today's values of the fields kept out of the history."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise Http404
