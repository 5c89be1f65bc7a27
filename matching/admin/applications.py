import csv
import io
from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from matching.admin.triage import TriageListMixin, decision_buttons
from matching.exports import mentors_sheet
from matching.forms.applications import DecisionForm
from matching.imports.admin import ImportFlowMixin
from matching.models import (
    UNMATCHED_DAYS,
    ApplicationStatus,
    DecisionEmail,
    Mentee,
    MenteeApplication,
    Mentor,
    MentorApplication,
    Program,
    ResearchArea,
)
from matching.services.applications import application_decide
from mm_program.admin_forms import AdminFormsMixin
from mm_program.admin_history import ReadOnlyHistoryAdmin
from mm_program.privacy import erase_url
from mm_program.privacy.permissions import can_erase
from mm_program.query_ids import query_ids
from mm_program.spreadsheets import spreadsheet_row

from .exports import SpreadsheetExportMixin
from .scoping import ProgramScopedAdmin

# The size of each piece of a streamed CSV export.
CSV_CHUNK = 64 * 1024


def decide_many(modeladmin, request, queryset, decision, redirect_to=None, message=""):
    """Apply one decision to each selected application; report what could not move."""
    done, refused = 0, []
    for application in queryset:
        try:
            application_decide(
                application=application,
                decision=decision,
                decided_by=request.user,
                redirect_to=redirect_to,
                message=message,
            )
            done += 1
        except ValidationError as exc:
            refused.append(" ".join(exc.messages))
    label = ApplicationStatus(decision).label.lower()
    if done:
        modeladmin.message_user(
            request,
            f"{done} application{'s' if done != 1 else ''} {label}; "
            f"the applicant{'s have' if done != 1 else ' has'} been emailed.",
            messages.SUCCESS,
        )
    for reason in refused:
        modeladmin.message_user(request, reason, messages.WARNING)


class ApplicationAdmin(ProgramScopedAdmin, TriageListMixin, ReadOnlyHistoryAdmin):
    """Triage shared by mentee and mentor applications."""

    list_select_related = ["program", "redirect_to"]
    list_per_page = 50
    date_hierarchy = "submitted_at"
    search_fields = ["name", "email", "organizer_notes"]
    # Who applied to what is fixed: editing the email or program would detach the
    # application from its account or collide with another open application.
    readonly_fields = [
        "program", "email", "user", "status", "submitted_at", "updated_at", "resubmissions",
        "decided_at", "decided_by", "redirect_to", "decision_message",
    ]
    actions = ["accept", "waitlist", "decline", "redirect", "export_csv", "erase_applicants"]
    change_form_template = "admin/matching/application_change_form.html"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    # Each subclass lists the applicant's answers in `answer_fieldsets`.
    answer_fieldsets: list = []
    # The answers are the applicant's words: shown, not edited (they can send the form
    # again, and the owner confirms changes). Organizers edit only these.
    editable_answers: tuple = ()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return fields
        answers = [name for _, options in self.answer_fieldsets for name in options["fields"]]
        return [*fields, *(name for name in answers
                           if name not in fields and name not in self.editable_answers)]

    def get_fieldsets(self, request, obj=None):
        return [
            ("Decision", {"fields": [
                "status", "decided_at", "decided_by", "redirect_to", "decision_message",
                "organizer_notes",
            ]}),
            *self.answer_fieldsets,
            ("Record", {"fields": ["program", "user", "submitted_at", "updated_at",
                                   "resubmissions"], "classes": ["collapse"]}),
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("research_areas")

    def has_add_permission(self, request):
        # Applications come from the public forms, or an organizer's import (of one row
        # or thousands), which creates the applicant's account the same way.
        return self.has_import_permission(request)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        return HttpResponseRedirect(reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))

    # --- decisions -------------------------------------------------------------------

    @admin.action(description="Accept selected applications", permissions=["change"])
    def accept(self, request, queryset):
        decide_many(self, request, queryset, ApplicationStatus.ACCEPTED)

    @admin.action(description="Waitlist selected applications", permissions=["change"])
    def waitlist(self, request, queryset):
        decide_many(self, request, queryset, ApplicationStatus.WAITLISTED)

    @admin.action(description="Decline selected applications", permissions=["change"])
    def decline(self, request, queryset):
        decide_many(self, request, queryset, ApplicationStatus.DECLINED)

    @admin.action(description="Redirect selected to another program…",
                  permissions=["change"])
    def redirect(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_decide")
        return HttpResponseRedirect(f"{url}?ids={ids}&decision=redirected")

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path("decide/", self.admin_site.admin_view(self.decide_view),
                 name="{}_{}_decide".format(*info)),
            *super().get_urls(),
        ]

    def decide_view(self, request):
        """One decision, with an optional personal message, for one or more applications."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        ids = query_ids(request.GET.get("ids", ""))
        queryset = self.get_queryset(request).filter(pk__in=ids)
        changelist = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        if not queryset.exists():
            self.message_user(request, "No applications selected.", messages.WARNING)
            return HttpResponseRedirect(changelist)

        programs = list(Program.objects.filter(
            pk__in=queryset.values("program").distinct()))
        if request.method == "POST":
            form = DecisionForm(request.POST, programs=programs)
            if form.is_valid():
                decide_many(
                    self, request, queryset,
                    form.cleaned_data["decision"],
                    redirect_to=form.cleaned_data["redirect_to"],
                    message=form.cleaned_data["message"],
                )
                if len(ids) == 1:
                    return HttpResponseRedirect(
                        reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                                args=[ids[0]])
                    )
                return HttpResponseRedirect(changelist)
        else:
            form = DecisionForm(initial={"decision": request.GET.get("decision", "")},
                                programs=programs)
        return TemplateResponse(
            request,
            "admin/matching/decide.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"Decide on {len(queryset)} application"
                + ("s" if len(queryset) != 1 else ""),
                "applications": queryset,
                "form": form,
                "templates": {t.decision: t for t in DecisionEmail.objects.all()},
            },
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        if obj is not None:
            decide_url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_decide"
            )
            context["decide_url"] = f"{decide_url}?ids={obj.pk}"
            context["decisions"] = decision_buttons(obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- export ----------------------------------------------------------------------

    csv_fields: list[str] = []

    def has_erase_permission(self, request):
        return can_erase(request.user)

    @admin.action(description="Erase the selected applicants (everything of theirs)…",
                  permissions=["erase"])
    def erase_applicants(self, request, queryset):
        users = sorted(set(queryset.values_list("user_id", flat=True)))
        return HttpResponseRedirect(erase_url(users=users))

    @admin.action(description="Export selected as CSV")
    def export_csv(self, request, queryset):
        header = ["id", "program", "name", "email", "status", "submitted_at", "timezone",
                  "research_areas", *self.csv_fields, "decided_at", "redirect_to"]
        # Plain values and one query for every row's areas: a model instance per
        # application (and per area) made a 10,000-row export take seconds.
        columns = ["pk", "program__slug", "name", "email", "status", "submitted_at",
                   "timezone", *self.csv_fields, "decided_at", "redirect_to__name"]
        through = self.model.research_areas.through
        owner = f"{self.model._meta.model_name}_id"

        def rows():
            # Rows are written into a buffer and sent 64 kB at a time: a chunk per row
            # cost as much again as writing the rows.
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            writer.writerow(header)
            areas: dict[int, list[str]] = {}
            for pk, name in (through.objects.filter(**{f"{owner}__in": queryset.values("pk")})
                             .order_by("researcharea__position", "researcharea__name")
                             .values_list(owner, "researcharea__name")):
                areas.setdefault(pk, []).append(name)
            for pk, slug, name, email, status, submitted_at, zone, *answers, decided_at, \
                    redirect_to in queryset.values_list(*columns).iterator(chunk_size=2000):
                writer.writerow(spreadsheet_row([
                    pk, slug, name, email, status, submitted_at.isoformat(), zone,
                    "; ".join(areas.get(pk, ())), *answers,
                    decided_at.isoformat() if decided_at else "", redirect_to,
                ]))
                if buffer.tell() >= CSV_CHUNK:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
            yield buffer.getvalue()

        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(rows(), content_type="text/csv")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.opts.model_name}s-{stamp}.csv"'
        )
        return response


@admin.register(MenteeApplication)
class MenteeApplicationAdmin(ImportFlowMixin, ApplicationAdmin):
    import_kind = "menteeapplication"
    list_display = [
        "name", "status_badge", "submitted", "hours", "areas", "flags", "stipend",
        "program_name",
    ]
    list_filter = ["status", "program", "research_areas", "flagged_low_hours",
                   "needs_funding", "occupation", "fulltime_intent"]
    search_fields = [*ApplicationAdmin.search_fields, "goals", "field_of_study"]
    answer_fieldsets = [
        ("Applicant", {"fields": ["name", "email", "timezone", "occupation",
                                  "field_of_study", "heard_about"]}),
        ("Interests and goals", {"fields": ["research_areas", "research_interests", "goals",
                                            "key_uncertainties"]}),
        ("Commitment", {"fields": ["hours_per_week", "flagged_low_hours", "fulltime_intent",
                                   "courses"]}),
        ("Funding", {"fields": ["needs_funding", "funding_reason"]}),
        ("Links", {"fields": ["cv_url", "github_url", "writing_url"]}),
        ("For matching", {"fields": ["preferred_involvement", "preferred_control",
                                     "preferred_mentors", "conflicts"]}),
    ]
    readonly_fields = [*ApplicationAdmin.readonly_fields, "flagged_low_hours"]
    csv_fields = [
        "occupation", "field_of_study", "hours_per_week", "flagged_low_hours",
        "fulltime_intent", "courses_done", "needs_funding", "funding_reason", "goals",
        "key_uncertainties", "research_interests", "cv_url", "github_url", "writing_url",
        "heard_about",
    ]

    # Low hours are flagged beside the number, not in a flag of their own: "⚑ under 5
    # h/week" beside "3" took a column's width of a laptop's screen to say it twice.
    @admin.display(description="h/week", ordering="hours_per_week")
    def hours(self, obj):
        if not obj.flagged_low_hours:
            return obj.hours_per_week
        return format_html(
            '<span class="mm-warn mm-nowrap" title="under {min} h/week">{hours} ⚑'
            '<span class="visually-hidden"> under {min} h/week</span></span>',
            hours=obj.hours_per_week, min=obj.program.min_hours_per_week)

    @admin.display(description="Courses already done")
    def courses(self, obj):
        return ", ".join(obj.get_courses_done_display()) or "—"

    # A short header: the field's label ("I need a stipend to take part") made the column
    # so wide that the flags and the program went off a laptop's screen.
    @admin.display(description="Stipend?", boolean=True, ordering="needs_funding")
    def stipend(self, obj):
        return obj.needs_funding

    @admin.display(description="Flags")
    def flags(self, obj):
        flags = []  # (low hours: at the hours)
        if obj.resubmissions:
            flags.append(f"updated ×{obj.resubmissions}")
        return format_html_join(
            " ", '<span class="mm-warn mm-nowrap">⚑ {}</span>',
            ((f,) for f in flags),
        )


@admin.register(MentorApplication)
class MentorApplicationAdmin(ImportFlowMixin, ApplicationAdmin):
    import_kind = "mentorapplication"
    list_display = [
        "name", "status_badge", "submitted", "places", "role", "areas", "style", "paid",
        "program_name",
    ]
    list_filter = ["status", "program", "research_areas", "position", "involvement",
                   "wants_paid"]
    answer_fieldsets = [
        ("Applicant", {"fields": ["name", "email", "timezone", "position", "organization",
                                  "profile_url", "heard_about"]}),
        ("Expertise", {"fields": ["research_areas", "expertise"]}),
        ("Time and style", {"fields": ["capacity", "minutes_per_week", "involvement",
                                       "creative_control", "style_notes", "wants_paid"]}),
        ("For matching", {"fields": ["excluded_stages_list", "conflicts",
                                     "listed_for_applicants"]}),
    ]
    # Organizers may take a mentor off the mentee form's list.
    editable_answers = ("listed_for_applicants",)

    # Short headers and values: the fields' own labels ("I would like to be paid for my
    # time", "Hands-on: I dig into implementation details") widened the list past a laptop.
    @admin.display(description="Mentees", ordering="capacity")
    def places(self, obj):
        return obj.capacity

    @admin.display(description="Position", ordering="position")
    def role(self, obj):
        return obj.get_position_display()

    @admin.display(description="Style", ordering="involvement")
    def style(self, obj):
        return obj.get_involvement_display().split(":")[0]

    @admin.display(description="Paid?", boolean=True, ordering="wants_paid")
    def paid(self, obj):
        return obj.wants_paid

    @admin.display(description="Career stages not taken")
    def excluded_stages_list(self, obj):
        return ", ".join(obj.get_excluded_stages_display()) or "—"

    csv_fields = [
        "position", "organization", "capacity", "minutes_per_week", "involvement",
        "creative_control", "style_notes", "wants_paid", "expertise", "profile_url",
        "heard_about",
    ]


@admin.register(ResearchArea)
class ResearchAreaAdmin(AdminFormsMixin, admin.ModelAdmin):
    list_display = ["name", "position", "is_active", "description"]
    list_editable = ["position", "is_active"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Mentor)
class MentorAdmin(ProgramScopedAdmin, SpreadsheetExportMixin, ReadOnlyHistoryAdmin):
    """Mentors; the export is the per-mentor summary (mentees, hours given, survey
    answers)."""

    export_sheet = staticmethod(mentors_sheet)
    actions = ["export_sheet_csv", "export_sheet_xlsx"]
    list_display = ["user", "program", "capacity", "is_active", "created_at"]
    list_filter = ["program", "is_active"]
    list_select_related = ["user", "program"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["user", "application"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Lowering a capacity below the mentor's current mentees is allowed (it only
        # stops new ones), but the organizer should know that nobody's mentorship ended.
        load = Mentor.objects.load_of(obj) if change else 0
        if load > obj.capacity:
            self.message_user(
                request,
                f"{obj.user} has {load} live mentorships, more than the new capacity of "
                f"{obj.capacity}. They keep them; no new mentee can be added until fewer "
                f"than {obj.capacity} remain.",
                level=messages.WARNING,
            )


class WaitingFilter(admin.SimpleListFilter):
    """Accepted mentees who never had a mentorship, UNMATCHED_DAYS after acceptance."""

    title = "matched"
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("yes", f"Unmatched for {UNMATCHED_DAYS} days or more")]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        return queryset.waiting_since(timezone.localdate() - timedelta(days=UNMATCHED_DAYS))


@admin.register(Mentee)
class MenteeAdmin(ProgramScopedAdmin, ReadOnlyHistoryAdmin):
    list_display = ["user", "program", "source", "created_at"]
    list_filter = [WaitingFilter, "program", "source"]
    list_select_related = ["user", "program"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["user", "application"]
