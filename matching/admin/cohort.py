"""Admin of cohort programs: the setup (rubric, reviewers), mentors' listings (slots are
read here and set on the allocation page, where the budget rule is kept), conflicts."""

from django import forms
from django.contrib import admin
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
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
from matching.scoping import organized_programs
from matching.services.cohort_people import reviewer_add, reviewer_refused
from mm_program.admin_forms import AdminFormsMixin, RowForm, TabularInline
from mm_program.admin_history import ReadOnlyHistoryAdmin
from mm_program.models import User

from .scoping import ProgramScopedAdmin


class RubricCriterionInline(TabularInline):
    model = RubricCriterion
    extra = 1
    fields = ["part", "position", "name", "anchors"]


class ReviewerForm(RowForm):
    """A reviewer by their address (``matching.services.cohort_people``): organizers
    don't search the accounts. A reviewer once added is removed, never changed."""

    email = forms.EmailField(label="email address", max_length=254)
    name = forms.CharField(label="name", max_length=150, required=False,
                           help_text="Used if the address has no account yet.")

    class Meta:
        model = Reviewer
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.update(email=self.instance.user.email, name=self.instance.user.name)
            for field in self.fields.values():
                field.disabled = True

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if not self.instance.pk:
            cohort = self.instance.cohort if self.instance.cohort_id else None
            refused = reviewer_refused(cohort=cohort, email=email)
            if refused:
                raise forms.ValidationError(refused)
        return email


class ReviewerFormSet(BaseInlineFormSet):
    added_by = None  # the organizer saving the setup (CohortAdmin.save_formset)

    def save_new(self, form, commit=True):
        return reviewer_add(cohort=self.instance, email=form.cleaned_data["email"],
                            name=form.cleaned_data["name"], by=self.added_by)

    def save_existing(self, form, obj, commit=True):
        return obj


class ReviewerInline(TabularInline):
    model = Reviewer
    form = ReviewerForm
    formset = ReviewerFormSet
    extra = 1
    fields = ["email", "name"]


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
        formset.added_by = request.user
        formset.save()


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
    autocomplete_fields = ["application"]
    fields = ["cohort", "user", "application", "note"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            # The people who review in the organizer's cohorts, to choose from: organizers
            # don't search the accounts (the user autocomplete would refuse them).
            programs = organized_programs(request.user).filter(cohort__isnull=False)
            kwargs["queryset"] = User.objects.filter(
                Q(mentor_roles__program__in=programs)
                | Q(cohort_reviewer_roles__cohort__program__in=programs)
            ).distinct().order_by("name", "email")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

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
