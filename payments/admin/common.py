from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from ..models import StipendStatus

STATUS_COLORS = {
    StipendStatus.SUBMITTED: "#0d6efd",
    StipendStatus.APPROVED: "#b58100",
    StipendStatus.REJECTED: "#6c757d",
    StipendStatus.PAID: "#198754",
}


def badge(status: str, label: str):
    return format_html(
        '<span style="color:#fff;background:{};padding:2px 8px;border-radius:10px;'
        'white-space:nowrap">{}</span>', STATUS_COLORS.get(status, "#6c757d"), label)


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
