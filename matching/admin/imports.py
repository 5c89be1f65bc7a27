"""The saved column mappings of imports: organizers rename or delete them here; they are
made by the import pages (matching.imports.admin)."""

from django.contrib import admin

from matching.models import ImportSource

from .scoping import ProgramScopedAdmin


@admin.register(ImportSource)
class ImportSourceAdmin(ProgramScopedAdmin, admin.ModelAdmin):
    list_display = ["name", "kind", "program", "updated_at", "created_by"]
    list_filter = ["kind", "program"]
    search_fields = ["name"]
    fields = ["name", "program", "kind", "columns", "created_by", "updated_at"]
    readonly_fields = ["program", "kind", "columns", "created_by", "updated_at"]

    def has_add_permission(self, request):
        return False  # a mapping is made where it is used: on the import's page
