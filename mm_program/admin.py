from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from . import admin_beat  # noqa: F401 - re-registers django-celery-beat's task admin
from .admin_history import ViewOnlyMixin
from .admin_html import coloured
from .admin_user_forms import UserAdminChangeForm, UserAdminPasswordForm
from .messaging import resend, resend_refusal
from .models import Erasure, ErasureRequest, ErasureRequestStatus, Message, MessageStatus, User
from .privacy import erase_url
from .privacy.permissions import can_erase
from .privacy.services import person_erase, person_erasure_plan
from .query_ids import query_ids
from .reminders import scan
from .scope import OutsideListNotFound, narrow


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserAdminChangeForm
    change_password_form = UserAdminPasswordForm
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
    actions = ["erase"]

    def has_erase_permission(self, request):
        return can_erase(request.user)

    @admin.action(description="Erase the selected people…", permissions=["erase"])
    def erase(self, request, queryset):
        return HttpResponseRedirect(erase_url(users=queryset.values_list("pk", flat=True)))


# A message still waiting this long after it was logged is worth a look: the sweeper
# hands messages over again within a minute or two, and retries wait at most 10 minutes.
STUCK_AFTER = timedelta(minutes=15)


class FailedFirst(admin.SimpleListFilter):
    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        minutes = round(STUCK_AFTER.total_seconds() / 60)
        return [("failed", "Failed"), ("stuck", f"Not sent after {minutes} minutes")]

    def queryset(self, request, queryset):
        if self.value() == "failed":
            return queryset.filter(status=MessageStatus.FAILED)
        if self.value() == "stuck":
            return queryset.filter(status__in=[MessageStatus.QUEUED, MessageStatus.SENDING],
                                   created_at__lt=timezone.now() - STUCK_AFTER)
        return queryset


class MessageChangeList(ChangeList):
    """The list shows no text. With the bodies in each row, PostgreSQL sorted every message
    whole to find the newest hundred: 461 ms of the query's 464 for 40,000 messages (the
    10x program), against 48 ms without them."""

    TEXT = ["body_text", "body_html", "sealed", "links", "last_error", "unsubscribe_url"]

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).defer(*self.TEXT)


@admin.register(Message)
class MessageAdmin(OutsideListNotFound, ViewOnlyMixin, admin.ModelAdmin):
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
    # The text as stored: personal links are placeholders and sign-in codes sealed
    # (``mm_program.links``, ``messaging.queue_sealed``), so nothing here lets a reader
    # act as the recipient.
    fields = ["kind", "occasion", "recipient", "user", "program", "about", "status",
              "attempts", "last_error", "created_at", "sent_at", "next_attempt_at",
              "handed_over_at", "lease_until", "subject", "text"]
    readonly_fields = fields

    @admin.display(description="text")
    def text(self, obj):
        return obj.readable_text

    def get_queryset(self, request):
        # An organizer reads the messages of their programs, and those of none (sign-in
        # codes, sealed; digests): mm_program/scope.py.
        return narrow(super().get_queryset(request), request.user, shared_when_null=True)

    def get_ordering(self, request):
        # Failed messages first, then the newest (a clicked column header overrides it).
        failed_first = Case(When(status=MessageStatus.FAILED, then=Value(0)),
                            default=Value(1), output_field=IntegerField())
        return [failed_first.asc(), "-created_at"]

    def get_changelist(self, request, **kwargs):
        return MessageChangeList

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
                          + (f" {skipped} were left alone: not failed, or sign-in emails "
                             "whose code was erased (the person asks for a new one)."
                             if skipped else ""), messages.SUCCESS)

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
        message = get_object_or_404(self.get_queryset(request), pk=pk)
        refusal = resend_refusal(message)
        if not refusal and resend(message):
            self.message_user(request, "Queued again.", messages.SUCCESS)
        else:
            self.message_user(request, refusal or "Only a failed message can be sent again.",
                              messages.WARNING)
        return HttpResponseRedirect(reverse("admin:mm_program_message_change", args=[pk]))


# --- privacy -----------------------------------------------------------------------------


class OrganizersOnly(ViewOnlyMixin):
    """Erasure is organizers' work (``mm_program.privacy.permissions``), read from their
    group like the rest of the organizer area, and its records are never edited."""

    def has_module_permission(self, request):
        return can_erase(request.user)

    def has_view_permission(self, request, obj=None):
        return can_erase(request.user)


@admin.register(ErasureRequest)
class ErasureRequestAdmin(OrganizersOnly, admin.ModelAdmin):
    """What participants asked for from their page; "Erase…" carries a request out."""

    list_display = ["requested_at", "person", "status", "closed_at", "closed_by", "erase_link"]
    list_filter = ["status"]
    list_select_related = ["user", "closed_by"]
    search_fields = ["user__email", "user__name"]
    date_hierarchy = "requested_at"
    fields = ["user", "reason", "status", "requested_at", "closed_at", "closed_by"]
    readonly_fields = fields
    actions = ["erase"]

    def has_erase_permission(self, request):
        return can_erase(request.user)

    @admin.display(description="Person", ordering="user__email")
    def person(self, obj):
        return f"{obj.user.name} <{obj.user.email}>" if obj.user.name else obj.user.email

    @admin.display(description="")
    def erase_link(self, obj):
        if obj.status != ErasureRequestStatus.OPEN:
            return ""
        return format_html('<a class="button" href="{}">Erase…</a>',
                           erase_url(requests=[obj.pk]))

    @admin.action(description="Erase the people who asked…", permissions=["erase"])
    def erase(self, request, queryset):
        return HttpResponseRedirect(erase_url(requests=queryset.values_list("pk", flat=True)))

    def get_urls(self):
        return [
            path("erase/", self.admin_site.admin_view(self.erase_view),
                 name="mm_program_erasurerequest_erase"),
            *super().get_urls(),
        ]

    def erase_view(self, request):
        """What erasing each selected person will do, with warnings; a POST does it, one
        person per transaction."""
        if not can_erase(request.user):
            raise PermissionDenied
        source = request.POST if request.method == "POST" else request.GET
        asked = {r.user_id: r for r in ErasureRequest.objects.filter(
            pk__in=query_ids(source.get("requests", "")), status=ErasureRequestStatus.OPEN)}
        user_ids = set(query_ids(source.get("users", ""))) | set(asked)
        people = list(User.objects.filter(pk__in=user_ids).order_by("email"))
        changelist = reverse("admin:mm_program_erasurerequest_changelist")
        if not people:
            self.message_user(request, "Nobody selected to erase.", messages.WARNING)
            return HttpResponseRedirect(changelist)
        if request.method == "POST":
            done = 0
            for person in people:
                try:
                    person_erase(user=person, by=request.user, request=asked.get(person.pk))
                    done += 1
                except ValidationError as exc:
                    self.message_user(request, f"{person}: {' '.join(exc.messages)}",
                                      messages.WARNING)
            if done:
                self.message_user(request, f"Erased {done} {'person' if done == 1 else 'people'}"
                                  ". The erasure records say when and by whom.",
                                  messages.SUCCESS)
            return HttpResponseRedirect(changelist)
        plans = [person_erasure_plan(user=person) for person in people]
        return TemplateResponse(request, "admin/mm_program/erase.html", {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Erase {len(people)} {'person' if len(people) == 1 else 'people'}",
            "plans": plans,
            "allowed_count": sum(plan.allowed for plan in plans),
            "users": source.get("users", ""),
            "requests": source.get("requests", ""),
        })


@admin.register(Erasure)
class ErasureAdmin(OrganizersOnly, admin.ModelAdmin):
    """Who erased whom (by id) and when; never the erased data."""

    list_display = ["performed_at", "scope", "about", "trigger", "performed_by", "request"]
    list_filter = ["scope", "trigger"]
    list_select_related = ["performed_by"]
    search_fields = ["about"]
    date_hierarchy = "performed_at"
    fields = ["scope", "about", "user", "trigger", "request", "performed_by", "performed_at",
              "counts"]
    readonly_fields = fields
