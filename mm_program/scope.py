"""Organizers see only their programs: the ground's side of it.

The app that runs programs registers its rule (``register``, from ``matching.scoping``);
the ground's organizer pages (the message log) narrow their rows with ``narrow``, and
every scoped admin answers 404 for a row outside its list (``OutsideListNotFound``)
rather than Django's redirect, which would say the row exists.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404

_rule: Callable | None = None


def register(rule: Callable) -> None:
    """`rule(queryset, user, path, shared_when_null=...)` narrows `queryset` to the
    user's programs (with `shared_when_null`, rows of no program stay in)."""
    global _rule
    _rule = rule


def narrow(queryset, user, path: str = "program", *, shared_when_null: bool = False):
    if _rule is None:
        return queryset
    return _rule(queryset, user, path, shared_when_null=shared_when_null)


class OutsideListNotFound:
    """A ModelAdmin mixin: a row that exists but is not in the person's list
    (``get_queryset``) is not found on its change, delete and history pages."""

    def outside_list_404(self, request, object_id) -> None:
        if object_id is None:
            return
        # Without the right to the list at all: refused, as the admin refuses (not "not
        # found", which would depend on whether the row is in someone's programs).
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        key = unquote(str(object_id))
        try:
            if (self.model._default_manager.filter(pk=key).exists()
                    and not self.get_queryset(request).filter(pk=key).exists()):
                raise Http404("Not in your list.")
        except (ValueError, TypeError, OverflowError):
            return  # a bogus id: the admin's own answer

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self.outside_list_404(request, object_id)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self.outside_list_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self.outside_list_404(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.outside_list_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)
