"""Admin of cohort programs: the setup (rubric, reviewers), mentors' listings (slots are
read here and set on the allocation page, where the budget rule is kept), conflicts."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from matching.models import (
    Cohort,
    CohortMentor,
    CohortPairRule,
    Conflict,
    Reviewer,
    RubricCriterion,
)
from mm_program.admin_forms import AdminFormsMixin, TabularInline
from mm_program.admin_history import ReadOnlyHistoryAdmin

from .scoping import ProgramScopedAdmin


class RubricCriterionInline(TabularInline):
    model = RubricCriterion
    extra = 1
    fields = ["part", "position", "name", "anchors"]


class ReviewerInline(TabularInline):
    model = Reviewer
    extra = 1
    fields = ["user"]
    autocomplete_fields = ["user"]


@admin.register(Cohort)
class CohortAdmin(ProgramScopedAdmin, ReadOnlyHistoryAdmin):
    list_display = ["program", "max_choices", "scale", "slot_budget", "pages"]
    list_select_related = ["program"]
    fields = ["program", "intro", "max_choices", "scale", "slot_budget",
              ("weight_mentee_rank", "weight_mentor_rank", "weight_rating"), "offer_days"]
    inlines = [RubricCriterionInline, ReviewerInline]

    @admin.display(description="Pages")
    def pages(self, obj):
        slug = obj.program.slug
        return format_html('<a href="{}">Steps</a> · <a href="{}">listing</a> · '
                           '<a href="{}">slots</a> · <a href="{}">matching</a> · '
                           '<a href="{}">offers</a>',
                           reverse("cohort_overview", args=[slug]),
                           reverse("cohort_listing", args=[slug]),
                           reverse("cohort_allocation", args=[slug]),
                           reverse("cohort_matching", args=[slug]),
                           reverse("cohort_offers", args=[slug]))

    def save_formset(self, request, form, formset, change):
        for row in formset.save(commit=False):
            if isinstance(row, Reviewer) and row.added_by_id is None:
                row.added_by = request.user
            row.save()
        for row in formset.deleted_objects:
            row.delete()


@admin.register(CohortMentor)
class CohortMentorAdmin(ProgramScopedAdmin, ReadOnlyHistoryAdmin):
    program_path = "mentor__program"
    list_display = ["mentor", "is_listed", "slots", "updated_at"]
    list_filter = ["is_listed", "mentor__program"]
    search_fields = ["mentor__user__email", "mentor__user__name"]
    list_select_related = ["mentor__user", "mentor__program"]
    fields = ["mentor", "is_listed", "agenda", "style", "task", "task_url", "slots",
              "slots_set_by", "slots_set_at"]
    readonly_fields = ["mentor", "slots", "slots_set_by", "slots_set_at"]

    def has_add_permission(self, request):
        return False  # made when the mentor opens their page


@admin.register(Conflict)
class ConflictAdmin(ProgramScopedAdmin, AdminFormsMixin, admin.ModelAdmin):
    program_path = "cohort__program"
    list_display = ["user", "application", "note", "created_by", "created_at"]
    list_filter = ["cohort"]
    search_fields = ["user__email", "application__name", "application__email"]
    list_select_related = ["user", "application", "created_by"]
    autocomplete_fields = ["user", "application"]
    fields = ["cohort", "user", "application", "note"]

    def save_model(self, request, obj, form, change):
        if obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CohortPairRule)
class CohortPairRuleAdmin(ProgramScopedAdmin, ReadOnlyHistoryAdmin):
    program_path = "cohort__program"
    """Read here; set on the matching page, where the rules on a lock are kept."""

    list_display = ["application", "mentor", "kind", "created_by", "created_at"]
    list_filter = ["kind", "cohort"]
    list_select_related = ["application", "mentor__user", "created_by"]
    search_fields = ["application__name", "mentor__user__name"]
    readonly_fields = ["cohort", "application", "mentor", "kind", "created_by"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False
