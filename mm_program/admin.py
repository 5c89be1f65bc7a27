from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from .admin_html import coloured
from .messaging import resend
from .models import Message, MessageStatus, User
from .reminders import REQUEUE_AFTER, scan


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_staff", "is_active", "date_joined", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "name", "password"]}),
        ("Roles", {"fields": ["is_active", "is_staff", "is_superuser", "groups",
                              "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "usable_password",
                                                  "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]


class FailedFirst(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [("failed", "Failed"), ("stuck", "Queued for over 10 minutes")]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.filter(status=MessageStatus.FAILED)
        if self.value() == "stuck":
            return queryset.filter(status=MessageStatus.QUEUED,
                                   created_at__lt=timezone.now() - REQUEUE_AFTER)
        return queryset


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The message log: every email the product sent or tried to send."""

    list_display = ["created_at", "kind", "recipient", "status_badge", "attempts", "program",
                    "sent_at"]
    list_filter = [FailedFirst, "status", "kind", "program"]
    list_select_related = ["program"]
    search_fields = ["recipient", "occasion", "subject"]
    date_hierarchy = "created_at"
    actions = ["resend_failed"]
    change_list_template = "admin/mm_program/message/change_list.html"
    change_form_template = "admin/mm_program/message/change_form.html"
    fields = ["kind", "occasion", "recipient", "user", "program", "about", "status",
              "attempts", "last_error", "created_at", "sent_at", "subject", "body_text"]
    readonly_fields = fields

    def get_ordering(self, request):
        # Failed messages first, then the newest (a clicked column header overrides it).
        failed_first = Case(When(status=MessageStatus.FAILED, then=Value(0)),
                            default=Value(1), output_field=IntegerField())
        return [failed_first.asc(), "-created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _can_resend(self, request) -> bool:
        return request.user.has_perm("mm_program.change_message")

    @admin.display(description="status", ordering="status")
    def status_badge(self, obj):
        tone = {"sent": "green", "failed": "red"}.get(obj.status, "grey")
        return coloured(tone, obj.get_status_display(), strong=True)

    @admin.action(description="Send the selected failed messages again")
    def resend_failed(self, request, queryset):
        if not self._can_resend(request):
            raise PermissionDenied
        done = sum(resend(message) for message in queryset)
        skipped = queryset.count() - done
        self.message_user(request, f"Queued {done} message{'s' if done != 1 else ''} again."
                          + (f" {skipped} were not failed and were left alone." if skipped
                             else ""), messages.SUCCESS)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("preview/", wrap(self.preview_view), name="mm_program_message_preview"),
            path("<int:pk>/resend/", wrap(self.resend_view), name="mm_program_message_resend"),
            *super().get_urls(),
        ]

    def preview_view(self, request):
        """What the next reminder scan would send, without sending anything."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        result = scan(dry_run=True)
        context = {
            **self.admin_site.each_context(request), "opts": self.opts,
            "title": "What the next reminder scan would send",
            "previews": result.previews, "already_sent": result.existing,
        }
        return TemplateResponse(request, "admin/mm_program/message/preview.html", context)

    def resend_view(self, request, pk):
        if request.method != "POST":
            raise Http404
        if not self._can_resend(request):
            raise PermissionDenied
        message = get_object_or_404(Message, pk=pk)
        if resend(message):
            self.message_user(request, "Queued again.", messages.SUCCESS)
        else:
            self.message_user(request, "Only a failed message can be sent again.",
                              messages.WARNING)
        return HttpResponseRedirect(reverse("admin:mm_program_message_change", args=[pk]))
