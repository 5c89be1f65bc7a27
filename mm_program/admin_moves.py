"""Status moves in the organizer area: buttons on a row's page and list actions that move
one or more rows (pause a mentorship, approve a stipend), through the services.

An admin declares its moves and mixes this in:

    class MentorshipAdmin(MovesAdminMixin, admin.ModelAdmin):
        moves = {"pause": Move("Pause", "paused", run=lambda m, by, data: ...)}
        move_template = "admin/matching/mentorship_move.html"
        move_noun = "mentorship"

Each move runs one row at a time through its service, which refuses in words what its
rules forbid; a refusal is shown beside the others that went through. A move with a form
(a reason, a date) gets a page that asks for it first; so does any move started from
the list with ``move_redirect``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .query_ids import query_ids


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Move:
    label: str  # the button ("End early…": the dots say a page with a form follows)
    done: str  # "3 mentorships <done>."
    run: Callable[[Any, Any, dict], Any]  # (row, by, cleaned data), through the services
    form: type[forms.Form] | None = None
    offered: Callable[[Any], bool] = lambda row: True  # whether this row can take it
    may: Callable[[Any], bool] = lambda user: True  # whether this person may make it
    to: str = ""  # the status it leads to, for the change log and the page


class MovesAdminMixin:
    moves: dict[str, Move] = {}
    move_template = ""
    move_noun = "row"
    move_refusal_level = messages.WARNING

    # --- hooks -------------------------------------------------------------------------

    def may_move(self, request, move: Move) -> bool:
        """Whether the person asking may make `move` (its own rule, by default)."""
        return move.may(request.user)

    def move_rows(self, ids: list[int]):
        """The rows a move page is about, with what its template shows."""
        return self.model.objects.filter(pk__in=ids).order_by("pk")

    def move_context(self, request, key: str, move: Move, rows: list) -> dict:
        """More for the move page's template (a budget, say)."""
        return {}

    def move_done_message(self, move: Move, done: int) -> str:
        return f"{plural(done, self.move_noun)} {move.done}."

    def move_refusal_message(self, row, exc: ValidationError) -> str:
        return f"{row}: {' '.join(exc.messages)}"

    def move_logged(self, request, row, move: Move) -> None:
        """What the change log says of a row that moved (nothing, by default: the row's
        own history records it)."""

    # --- the mechanics -----------------------------------------------------------------

    def _move_url_name(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_move"

    def get_urls(self):
        return [path("move/", self.admin_site.admin_view(self.move_view),
                     name=self._move_url_name()), *super().get_urls()]

    def move_url(self, key: str, ids) -> str:
        url = reverse(f"admin:{self._move_url_name()}")
        return f"{url}?to={key}&ids={','.join(str(pk) for pk in ids)}"

    def move_redirect(self, key: str, queryset) -> HttpResponseRedirect:
        """From a list action: the move's page for the selected rows."""
        return HttpResponseRedirect(self.move_url(key, queryset.values_list("pk", flat=True)))

    def apply_move(self, request, key: str, rows, data: dict | None = None) -> int:
        """Move each row through its service; report each refusal and what went through."""
        move = self.moves[key]
        done = 0
        for row in rows:
            try:
                move.run(row, request.user, data or {})
            except ValidationError as exc:
                self.message_user(request, self.move_refusal_message(row, exc),
                                  self.move_refusal_level)
            else:
                done += 1
                self.move_logged(request, row, move)
        if done:
            self.message_user(request, self.move_done_message(move, done), messages.SUCCESS)
        return done

    def moves_for(self, request, obj) -> list[tuple[str, str]]:
        """The buttons of one row's page: (label, URL) of each move it can take."""
        return [(move.label, self.move_url(key, [obj.pk])) for key, move in self.moves.items()
                if move.offered(obj) and self.may_move(request, move)]

    def move_view(self, request):
        """One move for one or more rows, with the form it needs or a confirmation."""
        key = request.GET.get("to", "")
        move = self.moves.get(key)
        if move is None or not self.may_move(request, move):
            raise PermissionDenied
        # Only rows the person's own list shows (an organizer's programs: the admin's
        # get_queryset), whatever ids the address names.
        rows = list(self.move_rows(query_ids(request.GET.get("ids", ""))).filter(
            pk__in=self.get_queryset(request).values("pk")))
        changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        if not rows:
            self.message_user(request, f"No {self.move_noun}s selected.", messages.WARNING)
            return HttpResponseRedirect(changelist)
        for row in rows:
            row.movable = move.offered(row)
        form = move.form(request.POST if request.method == "POST" else None) \
            if move.form else None
        if request.method == "POST" and (form is None or form.is_valid()):
            # Every selected row goes to the service, which says why it refuses one (the
            # page only foretold it).
            self.apply_move(request, key, rows, form.cleaned_data if form else None)
            if len(rows) == 1:
                return HttpResponseRedirect(reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                    args=[rows[0].pk]))
            return HttpResponseRedirect(changelist)
        return TemplateResponse(request, self.move_template, {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{move.label.rstrip('…')}: {plural(len(rows), self.move_noun)}",
            "move": move,
            "key": key,
            "rows": rows,
            "movable_count": sum(row.movable for row in rows),
            "form": form,
            **self.move_context(request, key, move, rows),
        })
