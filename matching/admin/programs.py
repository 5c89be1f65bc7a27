"""Programs in the organizer area: their settings, public page, organizers, and an
organizer's invitation of another (``matching.services.organizers``)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from matching.models import (
    ApplicationStatus,
    MenteeApplication,
    MentorApplication,
    Program,
    RedirectTarget,
)
from matching.scoping import organizer_accounts, organizes, sees_every_program
from matching.services.organizers import organizer_invite
from mm_program.admin_forms import TabularInline
from mm_program.admin_history import ReadOnlyHistoryAdmin

from .scoping import ProgramScopedAdmin


class InviteOrganizerForm(forms.Form):
    email = forms.EmailField(help_text="They sign in with this address and an emailed code.")
    name = forms.CharField(required=False, max_length=150,
                           help_text="Used if they have no account yet.")


def _pending(model):
    """The program's pending applications of `model`, counted in a subquery."""
    pending = (model.objects.filter(program=OuterRef("pk"), status=ApplicationStatus.PENDING)
               .order_by().values("program").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(pending), 0)


class RedirectTargetInline(TabularInline):
    """The programs this one's organizers may redirect an applicant to: the triage
    decision offers them, and the decision email names and links the one chosen."""

    model = RedirectTarget
    extra = 1
    fields = ["position", "name", "short_name", "url", "is_active"]
    # A plain box: the admin's own URL widget ("Currently: … Change: …") made the rows
    # wider than a laptop.
    formfield_overrides = {models.URLField: {
        "assume_scheme": "https", "widget": forms.URLInput(attrs={"class": "vTextField"})}}
    verbose_name = "redirect target"
    verbose_name_plural = "Redirect targets: programs you may send an applicant to instead"


@admin.register(Program)
class ProgramAdmin(ProgramScopedAdmin, ReadOnlyHistoryAdmin):
    program_path = "pk"
    list_display = ["name", "admission", "deadline", "starts_on", "ends_on", "is_open",
                    "min_hours_per_week", "stipend_rate", "currency", "pending_mentees",
                    "pending_mentors"]
    list_filter = ["admission", "is_open"]
    prepopulated_fields = {"slug": ["name"]}
    change_form_template = "admin/matching/program_change_form.html"
    inlines = [RedirectTargetInline]
    fieldsets = [
        (None, {"fields": ["name", "slug", "tagline", "contact_email", "description"]}),
        ("Organizers", {"fields": ["organizers"], "description": (
            "Who runs this program: they see and change its applications, mentorships, "
            "runs, surveys and figures, and no other program's. \"Invite an organizer\" "
            "(top right) adds someone who has no organizer account yet.")}),
        ("Admissions", {"fields": ["admission", "deadline", "is_open", "min_hours_per_week",
                                   ("starts_on", "ends_on")]}),
        ("Defaults for mentorships", {"fields": [
            ("duration_months_min", "duration_months_max"), "meeting_every_weeks",
            ("meeting_minutes_min", "meeting_minutes_max"), ("stipend_rate", "currency"),
        ]}),
        ("Reminders (days)", {"fields": [
            "remind_no_meeting_days", "remind_no_meeting_repeat_days", "remind_terms_days",
            "remind_end_days",
        ]}),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "organizers":  # staff in the Organizers group, a box each
            kwargs["queryset"] = organizer_accounts()
            kwargs["widget"] = forms.CheckboxSelectMultiple
            # Said in the fieldset's description: the admin gives a list of boxes' help
            # no id, so the boxes' aria-describedby would point at nothing.
            kwargs["help_text"] = ""
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change and not sees_every_program(request.user):
            form.instance.organizers.add(request.user)  # who creates a program runs it

    # -- inviting an organizer (matching.services.organizers) ------------------------

    def get_urls(self):
        return [path("<int:pk>/invite/", self.admin_site.admin_view(self.invite_view),
                     name="matching_program_invite"), *super().get_urls()]

    def invite_view(self, request, pk):
        program = get_object_or_404(self.get_queryset(request), pk=pk)
        if not organizes(request.user, program):
            raise PermissionDenied
        form = InviteOrganizerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user = organizer_invite(program=program, by=request.user,
                                        email=form.cleaned_data["email"],
                                        name=form.cleaned_data["name"])
            except ValidationError as error:
                form.add_error(None, error)  # a field's error lands at the field
            else:
                self.log_change(request, program, f"Made {user.email} an organizer.")
                self.message_user(request, f"{user.email} now helps run {program.name}; "
                                  "an email tells them how to sign in.", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:matching_program_change", args=[program.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.opts,
                   "original": program, "form": form,
                   "title": f"Invite an organizer to {program.name}"}
        return TemplateResponse(request, "admin/matching/program_invite.html", context,
                                status=400 if form.errors else 200)

    def get_queryset(self, request):
        # A count per program in a subquery each: joining both application tables at
        # once multiplied their rows (10,000 applications made millions to count).
        return super().get_queryset(request).annotate(
            n_pending_mentees=_pending(MenteeApplication),
            n_pending_mentors=_pending(MentorApplication),
        )

    @admin.display(description="Pending mentees", ordering="n_pending_mentees")
    def pending_mentees(self, obj):
        return obj.n_pending_mentees

    @admin.display(description="Pending mentors", ordering="n_pending_mentors")
    def pending_mentors(self, obj):
        return obj.n_pending_mentors
