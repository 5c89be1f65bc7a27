"""Admin bases that show the change history kept by django-simple-history.

The history is an audit trail (who changed what, when): the admin shows it and never
writes through it (settings.SIMPLE_HISTORY_REVERT_DISABLED hides the revert button; these
bases also refuse the POST behind it).
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


def _id_or_404(model, value: str) -> None:
    """simple_history looks the ids of its URLs up as they come: "abc" failed the query
    (a server error) where Django's own admin pages answer "not found"."""
    try:
        model._meta.pk.to_python(unquote(value))
    except ValidationError:
        raise Http404 from None


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

    def history_view(self, request, object_id, extra_context=None):
        _id_or_404(self.model, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied
        _id_or_404(self.model, object_id)
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        _id_or_404(history.model, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


class NoVersionPagesAdmin(ReadOnlyHistoryAdmin):
    """Only the list of changes (who, when, what): a version page would render the row
    with today's values of the fields kept out of the history."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise Http404
