"""Admin for mentorships (meetings and final projects: ``meetings``; the status moves:
``mentorship_moves``).

Organizers see every mentorship with its meeting statistics and the filters that say
which ones need a nudge. Every write that matters goes through
``matching.services.mentorships``: hand matching is ``mentorship_create`` (so capacity
and the one-mentor-per-mentee rule hold), and status moves are the Pause / Resume /
End early… / Complete… / Withdraw buttons and actions, never an editable field.

The changelist runs a fixed number of queries whatever the number of rows: meeting
counts, minutes and the last meeting come from one annotated query
(``with_meeting_stats``), and the capacity filter is one subquery.
"""

import calendar

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from matching.exports import mentorships_sheet
from matching.imports.admin import ImportFlowMixin
from matching.models import (
    LIVE_STATUSES,
    OFF_TRACK_TIMES,
    RUNNING_STATUSES,
    FinalProject,
    MeetingLog,
    Mentor,
    Mentorship,
    MentorshipSource,
    MentorshipStatus,
)
from matching.services.mentorships import (
    mentorship_create,
)
from mm_program.admin_forms import AdminFormsMixin
from mm_program.admin_history import ReadOnlyHistoryAdmin
from mm_program.admin_html import badge, coloured
from mm_program.admin_moves import Move, MovesAdminMixin

from .exports import SpreadsheetExportMixin
from .mentorship_moves import MOVES
from .scoping import ProgramScopedAdmin

STATUS_TONES = {
    MentorshipStatus.INVITED: "grey",
    MentorshipStatus.ACTIVE: "green",
    MentorshipStatus.PAUSED: "amber",
    MentorshipStatus.COMPLETED: "blue",
    MentorshipStatus.ENDED_EARLY: "red",
    MentorshipStatus.DECLINED: "light",
}

STATUS_SHORT = {
    MentorshipStatus.INVITED: "Invited",
    MentorshipStatus.DECLINED: "Declined",
}

SOURCE_SHORT = {
    MentorshipSource.MATCH: "Matching run",
    MentorshipSource.ORGANIZER: "By hand",
    MentorshipSource.MENTOR_ROW: "Mentor's own",
    MentorshipSource.IMPORTED: "Imported",
}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


# --- filters ---------------------------------------------------------------------------


class QuietFilter(admin.SimpleListFilter):
    """Quiet mentorships, as the mentor's meeting nudge counts them
    (``Mentorship.quiet_days_allowed``: the program's interval, or the pair's agreed
    cadence with a week's grace). Paused ones are never quiet."""

    title = "meetings"
    parameter_name = "quiet"

    def lookups(self, request, model_admin):
        return [("yes", "Quiet: no meeting in the agreed time")]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        quiet = Mentorship.objects.quiet(timezone.localdate()).values("pk")
        return queryset.filter(pk__in=quiet)


class TermsFilter(admin.SimpleListFilter):
    """The first call's terms, for running mentorships (an invitation has none yet and an
    ended mentorship no longer needs them)."""

    title = "first-call terms"
    parameter_name = "terms"

    def lookups(self, request, model_admin):
        return [("missing", "Terms not recorded"), ("recorded", "Terms recorded")]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.filter(status__in=RUNNING_STATUSES, terms_recorded_at__isnull=True)
        if self.value() == "recorded":
            return queryset.filter(terms_recorded_at__isnull=False)
        return queryset


class EndingFilter(admin.SimpleListFilter):
    """Running mentorships whose planned end falls in the current month, or has passed
    without a final call."""

    title = "planned end"
    parameter_name = "ending"

    def lookups(self, request, model_admin):
        return [("month", "Ending this month"), ("overdue", "Past its planned end"),
                ("final_call", "Final call overdue (a week past)")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        running = queryset.filter(status__in=RUNNING_STATUSES)
        if self.value() == "month":
            last_day = calendar.monthrange(today.year, today.month)[1]
            return running.filter(planned_end_date__range=(
                today.replace(day=1), today.replace(day=last_day)))
        if self.value() == "overdue":
            return running.filter(planned_end_date__lt=today)
        if self.value() == "final_call":
            return queryset.final_call_overdue(today)
        return queryset


class OffTrackFilter(admin.SimpleListFilter):
    """Running mentorships marked "not on track" again and again
    (``Mentorship.objects.off_track``)."""

    title = "on track"
    parameter_name = "off_track"

    def lookups(self, request, model_admin):
        return [("yes", f"Not on track {OFF_TRACK_TIMES} times or more")]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        return queryset.filter(pk__in=Mentorship.objects.off_track().values("pk"))


class CapacityFilter(admin.SimpleListFilter):
    """Live mentorships of mentors whose live mentorships fill (or exceed) their capacity,
    or of mentors who still have a free place. One subquery, not one query per mentor."""

    title = "mentor's capacity"
    parameter_name = "capacity"

    def lookups(self, request, model_admin):
        return [("full", "Mentor at capacity"), ("free", "Mentor has free places")]

    def queryset(self, request, queryset):
        if self.value() not in ("full", "free"):
            return queryset
        full = Mentor.objects.full().values("pk")
        live = queryset.filter(status__in=LIVE_STATUSES)
        if self.value() == "full":
            return live.filter(mentor__in=full)
        return live.exclude(mentor__in=full)


# --- hand matching ---------------------------------------------------------------------


class HandMatchForm(forms.ModelForm):
    """Add a mentorship by hand. The last step of validating it *is* ``mentorship_create``:
    the service checks the program, the mentor's activity and capacity and the mentee's
    other mentorships under a lock, and creates the row; its refusal becomes a form
    error. It runs only once every field is valid, so nothing can fail after it (the add
    view has no inlines), and the admin's add view is one transaction."""

    created_by = None  # set per request by MentorshipAdmin.get_form

    class Meta:
        model = Mentorship
        fields = ["mentor", "mentee", "start_date", "organizer_notes"]
        help_texts = {
            "start_date": "Usually today. The planned end follows from the program's "
                          "default duration; mentor and mentee agree the rest at the "
                          "first call.",
        }

    def _post_clean(self):
        # In place of the model's own validation: the service's is the complete one.
        if self.errors:
            return
        data = self.cleaned_data
        try:
            mentorship = mentorship_create(
                mentor=data["mentor"], mentee=data["mentee"],
                source=MentorshipSource.ORGANIZER, created_by=self.created_by,
                start_date=data["start_date"],
            )
        except ValidationError as exc:
            self.add_error(None, exc.messages)
            return
        mentorship.organizer_notes = data["organizer_notes"]
        self.instance = mentorship  # saved; MentorshipAdmin.save_model adds the notes


# --- inlines ---------------------------------------------------------------------------


class _ReadOnlyInline:
    """Meetings are logged and final projects recorded by the participants themselves."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MeetingLogInline(_ReadOnlyInline, admin.TabularInline):
    model = MeetingLog
    fields = ["date", "minutes", "on_track", "note", "logged_by"]
    readonly_fields = fields
    verbose_name_plural = "meetings"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("logged_by")


class FinalProjectInline(_ReadOnlyInline, admin.StackedInline):
    model = FinalProject
    fields = ["kind", "title", "url", "is_public", "is_published", "mentor_feedback"]
    readonly_fields = fields


# --- mentorships -----------------------------------------------------------------------


@admin.register(Mentorship)
class MentorshipAdmin(ProgramScopedAdmin, ImportFlowMixin, SpreadsheetExportMixin,
                      MovesAdminMixin, AdminFormsMixin, ReadOnlyHistoryAdmin):
    import_kind = "mentorship"
    export_sheet = staticmethod(mentorships_sheet)
    list_display = [
        "mentor_name", "mentee_name", "program", "status_badge", "source_short",
        "start_date", "planned_end_date", "meetings", "mentor_hours", "last_meeting",
        "terms",
    ]
    list_display_links = ["mentor_name", "mentee_name"]
    list_filter = [
        QuietFilter, TermsFilter, EndingFilter, OffTrackFilter, CapacityFilter, "status",
        "source", "program",
    ]
    list_select_related = ["program", "mentor__user", "mentee__user"]
    list_per_page = 50
    search_fields = [
        "mentor__user__name", "mentor__user__email", "mentee__user__name",
        "mentee__user__email", "invited_name", "invited_email",
    ]
    date_hierarchy = "start_date"
    autocomplete_fields = ["mentor", "mentee"]
    actions = ["pause", "resume", "end_early", "complete", "withdraw", "export_sheet_csv",
               "export_sheet_xlsx"]
    change_form_template = "admin/matching/mentorship_change_form.html"

    add_fieldsets = [
        (None, {
            "fields": ["mentor", "mentee", "start_date", "organizer_notes"],
            "description": "Match a mentee to a mentor by hand. The mentor's capacity and "
                           "the mentee's other mentorships are checked when you save, and "
                           "both sides are emailed an introduction.",
        }),
    ]
    change_fieldsets = [
        ("Pair", {"fields": [
            "mentor", "mentee", "invited_name", "invited_email", "program", "status",
            "source", "created_by", "created_at", "introduced_at",
        ]}),
        ("Dates", {"fields": ["start_date", "planned_end_date", "ended_on",
                              "meeting_summary"]}),
        ("First-call terms", {"fields": [
            "terms_recorded_at", "terms_recorded_by", "focus", "focus_areas",
            "hours_per_week", "meeting_every_weeks", "meeting_minutes", "needs_stipend",
        ]}),
        ("Ending", {"fields": ["next_steps_list", "next_steps_notes", "end_reason",
                               "end_notes", "ended_by"]}),
        ("Private to organizers", {"fields": ["organizer_notes"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_meeting_stats()

    def get_fieldsets(self, request, obj=None):
        return self.add_fieldsets if obj is None else self.change_fieldsets

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Status and the pair move only through the services (the buttons above the form).
        return [f for fs in self.change_fieldsets for f in fs[1]["fields"]
                if f != "organizer_notes"]

    def get_inlines(self, request, obj):
        return [] if obj is None else [MeetingLogInline, FinalProjectInline]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = HandMatchForm
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None:
            form.created_by = request.user  # a fresh class per request
            for name in ("mentor", "mentee"):  # people come from accepted applications
                widget = form.base_fields[name].widget
                widget.can_add_related = widget.can_change_related = False
                widget.can_delete_related = widget.can_view_related = False
        return form

    def save_model(self, request, obj, form, change):
        if change:
            # Only the notes are editable; saving them must not write back a status the
            # services changed since the page was loaded.
            obj.save(update_fields=["organizer_notes", "updated_at"])
        elif obj.organizer_notes:  # created by HandMatchForm through the service
            obj.save(update_fields=["organizer_notes"])

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            f"{str(obj.mentor.user)} and {str(obj.mentee.user)} are being emailed "
            "an introduction.", messages.INFO,
        )
        return super().response_add(request, obj, post_url_continue)

    def has_delete_permission(self, request, obj=None):
        # A mentorship is history (meetings, surveys, stipends hang off it): end it early
        # or withdraw the invitation instead.
        return False

    # --- columns --------------------------------------------------------------------

    @admin.display(description="Mentor", ordering="mentor__user__name")
    def mentor_name(self, obj):
        return str(obj.mentor.user)

    @admin.display(description="Mentee", ordering="mentee__user__name")
    def mentee_name(self, obj):
        # An invitation not (yet) accepted names no account: the name the mentor typed.
        return obj.mentee_name

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        return badge(STATUS_TONES.get(obj.status, "grey"),
                     STATUS_SHORT.get(obj.status, obj.get_status_display()))

    @admin.display(description="Source", ordering="source")
    def source_short(self, obj):
        return SOURCE_SHORT.get(obj.source, obj.get_source_display())

    @admin.display(description="Meetings", ordering="meetings_count")
    def meetings(self, obj):
        return obj.meetings_count

    @admin.display(description="Mentor-hours", ordering="meetings_minutes")
    def mentor_hours(self, obj):
        return f"{(obj.meetings_minutes or 0) / 60:.1f}"

    @admin.display(description="Last meeting", ordering="last_meeting_on")
    def last_meeting(self, obj):
        if obj.last_meeting_on is None:
            return "—"
        allowed = obj.quiet_days_allowed()
        quiet = (
            obj.status == MentorshipStatus.ACTIVE
            and (timezone.localdate() - obj.last_meeting_on).days >= allowed
        )
        if quiet:
            return coloured("red", date_format(obj.last_meeting_on),
                            title=f"{allowed} days or more ago: quiet")
        return obj.last_meeting_on

    @admin.display(description="Terms", boolean=True, ordering="terms_recorded_at")
    def terms(self, obj):
        if obj.terms_recorded_at is None and obj.status in (MentorshipStatus.INVITED,
                                                            MentorshipStatus.DECLINED):
            return None  # not due: the mentee has not confirmed
        return obj.terms_recorded_at is not None

    @admin.display(description="Meetings so far")
    def meeting_summary(self, obj):
        if not obj.meetings_count:
            return "None yet"
        return (f"{_plural(obj.meetings_count, 'meeting')}, "
                f"{(obj.meetings_minutes or 0) / 60:.1f} mentor-hours, the last on "
                f"{date_format(obj.last_meeting_on)}")

    @admin.display(description="Next steps")
    def next_steps_list(self, obj):
        return ", ".join(obj.get_next_steps_display()) or "—"

    # --- status moves ---------------------------------------------------------------

    # --- status moves (mm_program.admin_moves) --------------------------------------------

    moves = MOVES
    move_template = "admin/matching/mentorship_move.html"
    move_noun = "mentorship"

    def may_move(self, request, move: Move) -> bool:
        return self.has_change_permission(request)

    def move_rows(self, ids):
        return Mentorship.objects.filter(pk__in=ids).select_related(
            "program", "mentor__user", "mentee__user")

    def move_logged(self, request, row, move: Move) -> None:
        self.log_change(request, row, f"Status: {MentorshipStatus(move.to).label}.")

    def _selected(self, queryset):
        return queryset.select_related("mentor__user", "mentee__user")

    @admin.action(description="Pause selected mentorships", permissions=["change"])
    def pause(self, request, queryset):
        self.apply_move(request, "pause", self._selected(queryset))

    @admin.action(description="Resume selected mentorships", permissions=["change"])
    def resume(self, request, queryset):
        self.apply_move(request, "resume", self._selected(queryset))

    @admin.action(description="Withdraw selected invitations", permissions=["change"])
    def withdraw(self, request, queryset):
        self.apply_move(request, "withdraw", self._selected(queryset))

    @admin.action(description="End selected mentorships early…", permissions=["change"])
    def end_early(self, request, queryset):
        return self.move_redirect("end_early", queryset)

    @admin.action(description="Complete selected mentorships…", permissions=["change"])
    def complete(self, request, queryset):
        return self.move_redirect("complete", queryset)

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            context["moves"] = self.moves_for(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)
