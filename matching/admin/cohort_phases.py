"""Admin of a cohort's phases: organizers set the phases (dates, filter), the milestones
with their rubric sections and graders. Filter decisions, submissions and gradings are
made on the people's own pages (``matching.views.cohort_phases``, ``cohort_milestones``)
and only read here."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.urls import reverse
from django.utils.html import format_html

from matching.models import (
    ExtensionApplication,
    FilterDecision,
    Grading,
    Milestone,
    Phase,
    RubricSection,
    Submission,
)
from matching.services.cohort_people import address_refused, milestone_graders_set
from mm_program.admin_forms import TabularInline
from mm_program.admin_history import ReadOnlyHistoryAdmin, ViewOnlyMixin

from .scoping import ProgramScopedAdmin


class MilestoneInline(TabularInline):
    model = Milestone
    extra = 0
    fields = ["name", "due_at", "edit"]
    readonly_fields = ["edit"]
    show_change_link = True

    @admin.display(description="rubric and graders")
    def edit(self, obj):
        if not obj.pk:
            return "Save, then open it to add its rubric and graders."
        return format_html('<a href="{}">Rubric and graders</a>',
                           reverse("admin:matching_milestone_change", args=[obj.pk]))


@admin.register(Phase)
class PhaseAdmin(ProgramScopedAdmin, ReadOnlyHistoryAdmin):
    list_display = ["name", "program", "starts_on", "ends_on", "ends_with_filter", "grant",
                    "page"]
    list_filter = ["program", "ends_with_filter"]
    list_select_related = ["program"]
    ordering = ["program__name", "position", "starts_on"]
    fields = ["program", "name", "position", ("starts_on", "ends_on"), "ends_with_filter",
              "remind_days", "places", "grant"]
    inlines = [MilestoneInline]

    @admin.display(description="organizers' page")
    def page(self, obj):
        return format_html('<a href="{}">Filter and milestones</a>',
                           reverse("cohort_phases", args=[obj.program.slug]))


class RubricSectionInline(TabularInline):
    model = RubricSection
    extra = 1
    fields = ["position", "name", "max_points", "guidance"]
    # Two lines to start with: the admin's large text box made each row 260 px wider
    # than a laptop's content column (static/css/admin.css sizes it).
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2})}}


class MilestoneForm(forms.ModelForm):
    """Graders by their addresses (``matching.services.cohort_people``): organizers
    don't search the accounts."""

    grader_emails = forms.CharField(
        label="graders", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Their email addresses, one a line. Someone with no account yet gets "
                  "one; each new grader is emailed where to grade.")

    class Meta:
        model = Milestone
        fields = ["phase", "name", "instructions", "due_at", "remind_days"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["grader_emails"] = "\n".join(
                self.instance.graders.order_by("email").values_list("email", flat=True))

    def clean_grader_emails(self) -> list[str]:
        emails = [e.strip().lower() for e in self.cleaned_data["grader_emails"].replace(
            ",", "\n").splitlines() if e.strip()]
        problems = []
        for email in emails:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(f"{email}: not an email address.")
            else:
                if why := address_refused(email):
                    problems.append(f"{email}: {why}")
        if problems:
            raise ValidationError(problems)
        return emails


@admin.register(Milestone)
class MilestoneAdmin(ProgramScopedAdmin, ReadOnlyHistoryAdmin):
    program_path = "phase__program"
    form = MilestoneForm
    list_display = ["name", "phase", "due_at", "points", "grader_count"]
    list_filter = ["phase__program"]
    list_select_related = ["phase__program"]
    search_fields = ["name"]
    fields = ["phase", "name", "instructions", "due_at", "remind_days", "grader_emails"]
    inlines = [RubricSectionInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        milestone_graders_set(milestone=form.instance, by=request.user,
                              emails=form.cleaned_data["grader_emails"])

    @admin.display(description="points")
    def points(self, obj):
        return obj.max_points

    @admin.display(description="graders")
    def grader_count(self, obj):
        return obj.graders.count()


@admin.register(FilterDecision)
class FilterDecisionAdmin(ProgramScopedAdmin, ViewOnlyMixin, ReadOnlyHistoryAdmin):
    program_path = "phase__program"
    list_display = ["mentorship", "phase", "outcome", "decided_by", "decided_at"]
    list_filter = ["outcome", "phase__program", "phase"]
    list_select_related = ["phase", "decided_by", "mentorship__mentor__user",
                           "mentorship__mentee__user"]
    search_fields = ["mentorship__mentee__user__name", "mentorship__mentor__user__name"]
    fields = ["phase", "mentorship", "outcome", "reason", "decided_by", "decided_at"]
    readonly_fields = fields


class GradingInline(admin.TabularInline):
    model = Grading
    extra = 0
    fields = ["grader", "total", "submitted_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(ProgramScopedAdmin, ViewOnlyMixin, ReadOnlyHistoryAdmin):
    program_path = "milestone__phase__program"
    list_display = ["mentorship", "milestone", "submitted_at", "grading_page"]
    list_filter = ["milestone__phase__program", "milestone"]
    list_select_related = ["milestone__phase__program", "mentorship__mentor__user",
                           "mentorship__mentee__user"]
    search_fields = ["mentorship__mentee__user__name"]
    fields = ["milestone", "mentorship", "url", "file", "note", "submitted_at"]
    readonly_fields = fields
    inlines = [GradingInline]

    @admin.display(description="grades")
    def grading_page(self, obj):
        return format_html('<a href="{}">Open</a>', reverse(
            "cohort_grading", args=[obj.milestone.phase.program.slug, obj.pk]))



@admin.register(ExtensionApplication)
class ExtensionApplicationAdmin(ProgramScopedAdmin, ViewOnlyMixin, ReadOnlyHistoryAdmin):
    program_path = "phase__program"
    """Read here; scholars apply, mentors endorse and organizers decide on the pages
    (the decision page puts grades and endorsements side by side)."""

    list_display = ["mentorship", "phase", "funding", "endorsement", "decision",
                    "decision_page"]
    list_filter = ["decision", "endorsement", "funding", "phase__program"]
    list_select_related = ["phase__program", "mentorship__mentor__user",
                           "mentorship__mentee__user"]
    search_fields = ["mentorship__mentee__user__name"]
    fields = ["phase", "mentorship", "plan", "funding", "funder", "endorsement",
              "endorsement_note", "endorsed_at", "decision", "decided_by", "decided_at"]
    readonly_fields = fields

    @admin.display(description="decide")
    def decision_page(self, obj):
        return format_html('<a href="{}">Applications side by side</a>', reverse(
            "cohort_extension_decide", args=[obj.phase.program.slug, obj.phase_id]))
