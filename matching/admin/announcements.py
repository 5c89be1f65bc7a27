"""Announcements in the organizer area: write a draft, check its preview and recipient
count, then send it once. The workflow is ``matching.services.announcements``."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.http import urlencode

from matching.models import Announcement
from matching.services.announcements import announcement_send, delivery_counts, preview
from mm_program.messaging import about_key
from mm_program.models import MessageStatus

from .scoping import ProgramScopedAdmin


@admin.register(Announcement)
class AnnouncementAdmin(ProgramScopedAdmin, admin.ModelAdmin):
    list_display = ("subject", "program", "to", "state", "created_by")
    list_filter = ("program", "audience", ("sent_at", admin.EmptyFieldListFilter))
    search_fields = ("subject", "body")
    list_select_related = ("program", "created_by", "phase")
    fields = ("program", "audience", "phase", "subject", "body")
    readonly_when_sent = ("program", "audience", "phase", "subject", "body", "sent_at",
                          "sent_by", "recipient_count")

    @admin.display(description="To", ordering="audience")
    def to(self, obj):
        return obj.audience_label
    change_form_template = "admin/matching/announcement_change_form.html"

    @admin.display(description="State", ordering="sent_at")
    def state(self, obj):
        if obj.is_sent:
            return f"Sent {obj.sent_at:%d %b %Y} to {obj.recipient_count}"
        return "Draft"

    def get_fields(self, request, obj=None):
        return self.readonly_when_sent if obj is not None and obj.is_sent else self.fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_when_sent if obj is not None and obj.is_sent else ()

    # A sent announcement is the record of what people were told: it can be read, not
    # changed or deleted.
    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_sent:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_sent:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if obj.is_sent:  # the form is read-only; a crafted post changes nothing
            raise PermissionDenied
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def _stay(self, request, obj):
        self.message_user(request, "Draft saved. Check the preview and the number of "
                          "people below, then send it.", messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:matching_announcement_change", args=[obj.pk]))

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        return self._stay(request, obj)

    def response_change(self, request, obj):
        if "_addanother" in request.POST or "_saveasnew" in request.POST:
            return super().response_change(request, obj)
        return self._stay(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_view_permission(request, obj):
            if obj.is_sent:
                counts = delivery_counts(obj)
                extra_context["delivery"] = [
                    (label, counts.get(value, 0)) for value, label in MessageStatus.choices
                    if counts.get(value)]
                extra_context["messages_url"] = (
                    reverse("admin:mm_program_message_changelist") + "?"
                    + urlencode({"about": about_key(obj)}))
            else:
                extra_context["preview"] = preview(obj)
                extra_context["send_url"] = reverse("admin:matching_announcement_send",
                                                    args=[obj.pk])
                extra_context["can_send"] = self.has_change_permission(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        return [path("<int:pk>/send/", self.admin_site.admin_view(self.send_view),
                     name="matching_announcement_send"), *super().get_urls()]

    def send_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        # The model's permission: a sent one is refused by the service, with a message
        # (a second click on "Send" is no crime).
        if not self.has_change_permission(request):
            raise PermissionDenied
        announcement = get_object_or_404(self.get_queryset(request).select_related("program"),
                                         pk=pk)
        try:
            sent = announcement_send(announcement=announcement, by=request.user)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
        else:
            self.message_user(request, f"Sent to {sent} people, one email each; they are "
                              "in the message log.", messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:matching_announcement_change", args=[announcement.pk]))
