"""Admin bases that show the change history kept by django-simple-history.

The history is an audit trail (who changed what, when): the admin shows it and never
writes through it (settings.SIMPLE_HISTORY_REVERT_DISABLED hides the revert button; these
bases also refuse the POST behind it).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


class ViewOnlyMixin:
    """Records the admin shows and never writes: logs, reveals, erasures."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
