"""Organizer admin scoped to the organizer's programs (``matching.scoping``).

Every ModelAdmin of a model that belongs to a program takes ``ProgramScopedAdmin`` first
in its bases and names ``program_path``, the lookup from its model to the program:
its list, filters, exports and actions see only the rows of the programs the organizer
runs; another program's row answers 404 on its change, delete and history pages; a
program, mentor or mentee to pick in a form is one of theirs. ``shared_when_null`` rows
(no program: shared by every program) are read by all organizers and changed by
superusers only. tests/test_program_scope.py walks the admin registry and fails on a
program's model whose admin is not scoped.
"""

from django.contrib import admin

from matching.models import (
    Cohort,
    MatchingRun,
    Mentee,
    MenteeApplication,
    Mentor,
    MentorApplication,
    Mentorship,
    Phase,
    Program,
)
from matching.scoping import (
    organized_programs,
    organizes_any,
    organizes_every_program,
    scoped,
)
from mm_program.scope import OutsideListNotFound

# Models an admin form may point at, and their path to the program: their choices are
# narrowed to the organizer's programs.
CHOICE_PATHS = {Program: "pk", Mentor: "program", Mentee: "program", Mentorship: "program",
                MenteeApplication: "program", MentorApplication: "program",
                Cohort: "program", MatchingRun: "program", Phase: "program"}


class OwnProgramsFilter(admin.RelatedFieldListFilter):
    """The admin's filter by program, offering the organizer's programs only."""

    def field_choices(self, field, request, model_admin):
        return [(program.pk, str(program))
                for program in organized_programs(request.user).order_by("name")]


class ProgramScopedAdmin(OutsideListNotFound):
    program_path = "program"
    shared_when_null = False

    def sees_every_row(self, request) -> bool:
        """A role that works across programs (payments officers, in payments' admin)."""
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.sees_every_row(request):
            return queryset
        return scoped(queryset, request.user, self.program_path,
                      shared_when_null=self.shared_when_null)

    def _is_shared(self, obj) -> bool:
        """A row of no program, shared by all (only with a direct `program_path`)."""
        return (self.shared_when_null and obj is not None
                and getattr(obj, f"{self.program_path}_id", None) is None)

    def has_change_permission(self, request, obj=None):
        if self._is_shared(obj) and not organizes_every_program(request.user):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self._is_shared(obj) and not organizes_every_program(request.user):
            return False
        return super().has_delete_permission(request, obj)

    def has_add_permission(self, request, *args):
        return (super().has_add_permission(request, *args)
                and (self.program_path == "pk" or organizes_any(request.user)))

    def get_list_filter(self, request):
        """A filter by program lists only the organizer's programs."""
        if self.sees_every_row(request):
            return super().get_list_filter(request)
        return [(entry, OwnProgramsFilter)
                if isinstance(entry, str) and entry.split("__")[-1] == "program" else entry
                for entry in super().get_list_filter(request)]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        path = CHOICE_PATHS.get(db_field.related_model)
        if path is not None and "queryset" not in kwargs and not self.sees_every_row(request):
            kwargs["queryset"] = scoped(db_field.related_model._default_manager.all(),
                                        request.user, path)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
