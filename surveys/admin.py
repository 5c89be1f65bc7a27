"""Organizer admin for surveys: templates with their questions inline, invitations and
(read-only) responses.

Saving a template, and sending a new link, go through ``surveys.services``: a template that
already has responses is saved as its next version, with the changes, and the admin says
so.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.html import format_html

from matching.admin.scoping import ProgramScopedAdmin
from mm_program.admin_history import ReadOnlyHistoryAdmin

from . import services
from .models import Answer, Invitation, ProgramOutcomes, Question, Response, SurveyTemplate


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = [("key", "order", "type", "required"), "text", "help_text",
              ("low_label", "high_label"), ("min_value", "max_value"), "choices",
              ("figure", "short_label")]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        if obj is not None and obj.has_responses():
            class LeaveOutForm(formset.form):
                def hand_clean_DELETE(self):
                    """Deleting an answered question only leaves it out of the next
                    version: its answers stay with this one."""

            formset.form = LeaveOutForm
        return formset


@admin.register(SurveyTemplate)
class SurveyTemplateAdmin(ProgramScopedAdmin, ReadOnlyHistoryAdmin):
    shared_when_null = True
    list_display = ["title", "kind", "scope", "version", "is_current", "question_count",
                    "response_count"]
    list_filter = ["kind", "is_current", "program"]
    inlines = [QuestionInline]
    readonly_fields = ["version", "replaces", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("program").annotate(
            n_questions=Count("questions", distinct=True),
            n_responses=Count("responses", distinct=True,
                              filter=Q(responses__submitted_at__isnull=False)),
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:  # versions stay in their kind and program
            fields += ["kind", "program"]
        return fields

    @admin.display(description="program")
    def scope(self, obj):
        return obj.program or "All programs (default)"

    @admin.display(description="questions", ordering="n_questions")
    def question_count(self, obj):
        return obj.n_questions

    @admin.display(description="answered", ordering="n_responses")
    def response_count(self, obj):
        return obj.n_responses

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.invitations.exists():
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            # get_object: an id that is no number is "no such template", not a crash.
            template = self.get_object(request, unquote(object_id))
            if template is not None and template.has_responses():
                self.message_user(
                    request,
                    "People have answered this version, so saving creates a new version "
                    "with your changes; their answers stay with this one.",
                    messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change and obj.has_responses():
            return  # saved in save_related, with its questions, as a new version
        services.survey_template_save(template=obj, by=request.user)

    def save_related(self, request, form, formsets, change):
        if not (change and form.instance.has_responses()):
            return super().save_related(request, form, formsets, change)
        questions, left_out = [], []
        for formset in formsets:
            changed = []
            for inline_form in formset.forms:
                original = inline_form.instance.pk
                if original is None and not inline_form.has_changed():
                    continue  # an empty extra form
                if formset.can_delete and formset._should_delete_form(inline_form):
                    if original is not None:
                        left_out.append(original)
                    continue
                changed.append(inline_form.save(commit=False))
            questions += changed
            # What the admin's change message reads after formset.save(): the service
            # saves each of these as the new version's copy.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = \
                changed, [], []
        version = services.survey_template_version(
            template=form.instance, questions=questions, left_out=left_out, by=request.user)
        form.save_m2m()
        self.message_user(request, version.message, messages.INFO)


class AnsweredFilter(admin.SimpleListFilter):
    title = "answered"
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("yes", "Answered"), ("no", "Not answered")]

    def queryset(self, request, queryset):
        answered = Q(response__submitted_at__isnull=False)
        if self.value() == "yes":
            return queryset.filter(answered)
        if self.value() == "no":
            return queryset.exclude(answered)
        return queryset


@admin.register(Invitation)
class InvitationAdmin(ProgramScopedAdmin, admin.ModelAdmin):
    program_path = "mentorship__program"
    list_display = ["person", "kind", "program", "sent_at", "reminders_sent", "state",
                    "expires_at"]
    list_filter = ["kind", AnsweredFilter, "mentorship__program",
                   ("sent_at", admin.DateFieldListFilter)]
    search_fields = ["person__email", "person__name"]
    list_select_related = ["person", "mentorship__program", "response"]
    readonly_fields = ["kind", "months_after", "template", "mentorship", "person",
                       "created_at", "sent_at", "expires_at", "reminders_sent",
                       "last_reminded_at", "state"]
    fields = readonly_fields
    actions = ["send_new_link"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="program", ordering="mentorship__program__name")
    def program(self, obj):
        return obj.mentorship.program

    @admin.display(description="state")
    def state(self, obj):
        response = getattr(obj, "response", None)
        if response is not None and response.submitted_at:
            return format_html('<span class="text-success">{}</span>', "Answered")
        if obj.is_expired:
            return "Expired"
        return "Started" if response is not None else "Not started"

    @admin.action(description="Send a new link (the old one stops working)")
    def send_new_link(self, request, queryset):
        sent = 0
        for invitation in queryset.select_related(
                "template", "person", "mentorship__program", "mentorship__mentor__user",
                "mentorship__mentee__user"):
            try:
                services.invitation_link_renew(invitation=invitation)
            except ValidationError:
                continue  # answered: counted as skipped below
            sent += 1
        self.message_user(request, f"Sent {sent} new link{'s' if sent != 1 else ''}; "
                                   "answered surveys were skipped.", messages.SUCCESS)


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    fields = ["question", "value"]
    readonly_fields = fields
    can_delete = False

    @admin.display(description="answer")
    def value(self, obj):
        return obj.display()

    def get_queryset(self, request):
        # Each row shows its question (and the answer in the question's words).
        return super().get_queryset(request).select_related("question")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(ProgramScopedAdmin, admin.ModelAdmin):
    program_path = "invitation__mentorship__program"
    list_display = ["invitation", "template", "started_at", "submitted_at"]
    list_filter = ["template__kind", "invitation__mentorship__program",
                   ("submitted_at", admin.EmptyFieldListFilter)]
    search_fields = ["invitation__person__email"]
    list_select_related = ["invitation__person", "template__program"]
    readonly_fields = ["invitation", "template", "started_at", "updated_at", "submitted_at"]
    inlines = [AnswerInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ProgramOutcomes)
class ProgramOutcomesAdmin(ProgramScopedAdmin, ReadOnlyHistoryAdmin):
    """When a program's alumni are followed up, and the share funded or hired it aims
    for. A program without a row follows up at 6 and 12 months, aiming for 80%."""

    list_display = ["program", "followup_months", "goal_funded_or_hired"]
    list_select_related = ["program"]
