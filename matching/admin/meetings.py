"""Admin for the meetings mentors log and the final projects mentees record: read-only
lists for organizers (a duplicate meeting can be deleted)."""

from django.contrib import admin
from django.db.models import Prefetch, Q
from django.utils.html import format_html
from django.utils.text import smart_split, unescape_string_literal

from matching.exports import meetings_sheet
from matching.imports.admin import ImportFlowMixin
from matching.models import FinalProject, MeetingLog, Mentorship

from .exports import SpreadsheetExportMixin
from .scoping import ProgramScopedAdmin


def _search_words(term: str):
    """The words of a search as the admin splits them ("quoted words" stay one)."""
    for word in smart_split(term):
        if word.startswith(('"', "'")) and word[0] == word[-1]:
            word = unescape_string_literal(word)
        yield word


@admin.register(MeetingLog)
class MeetingLogAdmin(ProgramScopedAdmin, ImportFlowMixin, SpreadsheetExportMixin,
                     admin.ModelAdmin):
    program_path = "mentorship__program"
    """Meetings as the mentors logged them. Read-only: a duplicate can be deleted; the
    history of meetings before the product can be imported."""

    import_kind = "meetinglog"
    export_sheet = staticmethod(meetings_sheet)
    actions = ["delete_selected", "export_sheet_csv", "export_sheet_xlsx"]

    list_display = ["date", "mentor_name", "mentee_name", "minutes", "on_track", "note",
                    "logged_by"]
    list_filter = ["on_track", "mentorship__program", "mentorship__status"]
    # Each page's mentorships and people are read for its rows alone (prefetched below):
    # joined into the list's query, all the meetings were joined to five tables before
    # the newest hundred were picked.
    list_select_related = ()
    # As the admin's search (each word in the note, or in a name or email of either
    # side), through the mentorships (see get_search_results).
    search_fields = ["note", "mentorship__mentor__user__name",
                     "mentorship__mentor__user__email", "mentorship__mentee__user__name",
                     "mentorship__mentee__user__email"]
    date_hierarchy = "date"
    list_per_page = 100

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            Prefetch("mentorship", queryset=Mentorship.objects.select_related(
                "mentor__user", "mentee__user")),
            "logged_by",
        )

    def get_search_results(self, request, queryset, search_term):
        """The admin's own search, but the names and emails are looked up among the
        mentorships (thousands), then their meetings taken, rather than joining every
        meeting (tens of thousands) to both people to compare."""
        for word in _search_words(search_term):
            people = Mentorship.objects.filter(
                Q(mentor__user__name__icontains=word) | Q(mentor__user__email__icontains=word)
                | Q(mentee__user__name__icontains=word)
                | Q(mentee__user__email__icontains=word)
            ).values("pk")
            queryset = queryset.filter(Q(note__icontains=word) | Q(mentorship__in=people))
        return queryset, False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Mentor", ordering="mentorship__mentor__user__name")
    def mentor_name(self, obj):
        return str(obj.mentorship.mentor.user)

    @admin.display(description="Mentee", ordering="mentorship__mentee__user__name")
    def mentee_name(self, obj):
        return str(obj.mentorship.mentee.user)


@admin.register(FinalProject)
class FinalProjectAdmin(ProgramScopedAdmin, admin.ModelAdmin):
    program_path = "mentorship__program"
    list_display = ["title", "kind", "is_public", "is_published", "link", "mentee_name",
                    "mentor_name", "updated_at"]
    list_filter = ["kind", "is_public", "is_published", "mentorship__program"]
    list_select_related = ["mentorship__mentor__user", "mentorship__mentee__user"]
    search_fields = ["title", "url", "mentorship__mentee__user__name",
                     "mentorship__mentee__user__email", "mentorship__mentor__user__name"]
    readonly_fields = ["mentorship", "updated_at"]
    fields = ["mentorship", "kind", "title", "url", "is_public", "is_published",
              "mentor_feedback", "updated_at"]

    def has_add_permission(self, request):
        return False  # the mentee records it on their mentorship page

    @admin.display(description="Link", ordering="url")
    def link(self, obj):
        if not obj.url:
            return "—"
        return format_html('<a href="{}" rel="noopener noreferrer" target="_blank">{}</a>',
                           obj.url, obj.url if len(obj.url) <= 40 else obj.url[:39] + "…")

    @admin.display(description="Mentee", ordering="mentorship__mentee__user__name")
    def mentee_name(self, obj):
        return str(obj.mentorship.mentee.user)

    @admin.display(description="Mentor", ordering="mentorship__mentor__user__name")
    def mentor_name(self, obj):
        return str(obj.mentorship.mentor.user)
