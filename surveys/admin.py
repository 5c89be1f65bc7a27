"""Organizer admin for surveys: templates with their questions inline, invitations and
(read-only) responses.

A template that already has responses is never edited in place: saving it creates the
next version with the changes (questions copied, edited, added or left out), makes that
one current, and moves the invitations nobody has started answering to it. Responses keep
pointing at the version, and the questions, they answered.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.html import format_html

from mm_program import messaging
from mm_program.admin_history import ReadOnlyHistoryAdmin

from .dispatch import LINK_DAYS, email_context
from .models import Answer, Invitation, Question, Response, SurveyTemplate
from .tokens import new_nonce


def next_version(kind: str, program) -> int:
    last = SurveyTemplate.objects.filter(kind=kind, program=program).aggregate(
        v=Max("version"))["v"]
    return (last or 0) + 1


def retire_others(template: SurveyTemplate) -> None:
    """Only one current template per kind and program."""
    SurveyTemplate.objects.filter(
        kind=template.kind, program=template.program, is_current=True
    ).exclude(pk=template.pk).update(is_current=False)


def clone_question(question: Question, template: SurveyTemplate) -> Question:
    question.pk = None
    question.id = None
    question._state.adding = True
    question.template = template
    question.save()
    return question


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = [("key", "order", "type", "required"), "text", "help_text",
              ("low_label", "high_label"), ("min_value", "max_value"), "choices"]

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
class SurveyTemplateAdmin(ReadOnlyHistoryAdmin):
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
            template = SurveyTemplate.objects.filter(pk=object_id).first()
            if template is not None and template.has_responses():
                self.message_user(
                    request,
                    "People have answered this version, so saving creates a new version "
                    "with your changes; their answers stay with this one.",
                    messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        old = SurveyTemplate.objects.get(pk=obj.pk) if change else None
        if old is not None and old.has_responses():
            obj.pk = None
            obj._state.adding = True
            obj.version = next_version(old.kind, old.program)
            obj.replaces = old
            if obj.is_current:
                SurveyTemplate.objects.filter(pk=old.pk).update(is_current=False)
            obj.save()
            request._surveys_versioned = (old, obj)
            return
        if not change:
            obj.version = next_version(obj.kind, obj.program)
        if obj.is_current:
            retire_others(obj)
        obj.save()

    def save_related(self, request, form, formsets, change):
        versioned = getattr(request, "_surveys_versioned", None)
        if versioned is None:
            return super().save_related(request, form, formsets, change)
        old, new = versioned
        form.save_m2m()
        handled = set()
        for formset in formsets:
            copies = []
            for inline_form in formset.forms:
                original = inline_form.instance.pk
                handled.add(original)
                if original is None and not inline_form.has_changed():
                    continue  # an empty extra form
                if formset.can_delete and formset._should_delete_form(inline_form):
                    continue
                copies.append(clone_question(inline_form.save(commit=False), new))
            # What the admin's change message reads after formset.save().
            formset.new_objects, formset.changed_objects, formset.deleted_objects = \
                copies, [], []
        for question in old.questions.exclude(pk__in=[pk for pk in handled if pk]):
            clone_question(question, new)
        moved = Invitation.objects.filter(template=old, response__isnull=True).update(
            template=new)
        self.message_user(
            request,
            f"“{old.title}” already had answers, so your changes are saved as version "
            f"{new.version}. Version {old.version} keeps its answers"
            + (f"; {moved} unanswered invitation{'s' if moved != 1 else ''} now use the "
               "new version." if moved else "."),
            messages.INFO)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["person", "kind", "program", "sent_at", "reminders_sent", "state",
                    "expires_at"]
    list_filter = ["kind", "mentorship__program", ("sent_at", admin.DateFieldListFilter)]
    search_fields = ["person__email", "person__name"]
    list_select_related = ["person", "mentorship__program", "response"]
    readonly_fields = ["kind", "template", "mentorship", "person", "created_at", "sent_at",
                       "expires_at", "reminders_sent", "last_reminded_at", "state"]
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
            if Response.objects.filter(invitation=invitation,
                                       submitted_at__isnull=False).exists():
                continue
            invitation.nonce = new_nonce()
            invitation.expires_at = timezone.now() + timedelta(days=LINK_DAYS)
            invitation.save(update_fields=["nonce", "expires_at"])
            messaging.queue(
                "survey-invitation", to=invitation.person.email,
                context=email_context(invitation),
                occasion=f"survey-invitation/{invitation.kind}/mentorship:"
                         f"{invitation.mentorship_id}/link:{invitation.nonce}",
                user=invitation.person, program=invitation.mentorship.program,
                about=invitation)
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

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Response)
class ResponseAdmin(admin.ModelAdmin):
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
