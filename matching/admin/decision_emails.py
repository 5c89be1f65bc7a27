"""The decision emails' texts in the organizer area: the one every program shares, and a
program's own (``DecisionEmail.objects.for_decision`` picks)."""

from django.contrib import admin

from matching.models import DecisionEmail
from mm_program.admin_history import ReadOnlyHistoryAdmin

from .scoping import ProgramScopedAdmin


@admin.register(DecisionEmail)
class DecisionEmailAdmin(ProgramScopedAdmin, ReadOnlyHistoryAdmin):
    shared_when_null = True
    list_display = ["decision", "program_or_all", "subject", "updated_at"]
    list_filter = ["decision", "program"]
    list_select_related = ["program"]
    readonly_fields = ["help"]
    fields = ["decision", "program", "subject", "body", "help"]

    @admin.display(description="program", ordering="program__name")
    def program_or_all(self, obj):
        return obj.program or "Every program (unless it has its own)"

    @admin.display(description="Variables")
    def help(self, obj):
        return (
            "{{ name }}, {{ program }}, {{ role }} (mentee or mentor), {{ message }} "
            "(your personal note), {{ redirect_program }}, {{ redirect_url }} (its page; "
            "added at the end if the text leaves it out), {{ dashboard_url }}"
        )

