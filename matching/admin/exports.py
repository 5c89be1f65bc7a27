"""Export actions of the organizer area: the selected (or filtered) rows of a list as a
CSV or an XLSX spreadsheet (``matching.exports`` says what each holds).

An action works on the list's own queryset, so an export holds what the viewer may see
in the list and nothing else; it is offered to organizers only (staff of another role
who may read a list don't take its data away)."""

from django.contrib import admin

from mm_program.roles import is_organizer
from mm_program.spreadsheets import spreadsheet_response


class SpreadsheetExportMixin:
    # A function of matching.exports, queryset -> Sheet (as a staticmethod).
    export_sheet = None

    def has_spreadsheet_permission(self, request):
        return is_organizer(request.user) and self.has_view_permission(request)

    def _spreadsheet(self, queryset, fmt):
        sheet = self.export_sheet(queryset)
        return spreadsheet_response(name=sheet.name, headers=sheet.headers,
                                    rows=sheet.rows, fmt=fmt)

    @admin.action(description="Export selected as CSV", permissions=["spreadsheet"])
    def export_sheet_csv(self, request, queryset):
        return self._spreadsheet(queryset, "csv")

    @admin.action(description="Export selected as XLSX (Excel)", permissions=["spreadsheet"])
    def export_sheet_xlsx(self, request, queryset):
        return self._spreadsheet(queryset, "xlsx")
