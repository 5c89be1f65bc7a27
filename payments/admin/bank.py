"""Bank details in the organizer area: payments officers only, masked, with a Reveal
button (a POST) that shows the full account once and logs who saw whose, and when. The
log (*Bank details reveals*, which organizers read too) also lists every refused reveal
and payout CSV, recorded by the services."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from mm_program.admin_history import NoVersionPagesAdmin, ViewOnlyMixin
from mm_program.admin_html import badge, coloured
from mm_program.crypto import EncryptionKeyMissing, UndecryptableValue

from .. import permissions
from ..banking import format_iban
from ..models import BankDetails, BankDetailsReveal
from ..services.bank import bank_details_reveal
from .common import person, refused


def _officer_or_superuser(user) -> bool:
    return permissions.can_see_bank_details(user) or (
        user.is_active and user.is_staff and user.is_superuser)


@admin.register(BankDetails)
class BankDetailsAdmin(NoVersionPagesAdmin):
    list_display = ["payee", "masked", "country", "kind", "updated_at", "shared"]
    list_filter = ["kind", "country"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__name"]
    fields = ["user", "kind", "country", "masked", "created_at", "updated_at", "updated_by"]
    readonly_fields = fields
    change_form_template = "admin/payments/bankdetails/change_form.html"

    def get_queryset(self, request):
        same = (BankDetails.objects.filter(fingerprint=OuterRef("fingerprint"))
                .values("fingerprint").annotate(n=Count("pk")).values("n"))
        return super().get_queryset(request).annotate(same_account=Subquery(same))

    def has_module_permission(self, request):
        return _officer_or_superuser(request.user)

    def has_view_permission(self, request, obj=None):
        return _officer_or_superuser(request.user)

    def has_add_permission(self, request):
        return False  # payees enter their own

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # A payee who asks for their data to go; requests keep the masked account paid to.
        return permissions.can_see_bank_details(request.user)

    @admin.display(description="Payee", ordering="user__email")
    def payee(self, obj):
        return format_html("{}<br><small>{}</small>", person(obj.user), obj.user.email)

    @admin.display(description="Same account as")
    def shared(self, obj):
        n = (getattr(obj, "same_account", None) or 1) - 1
        if n <= 0:
            return ""
        return coloured("red", f"⚑ {n} other payee{'' if n == 1 else 's'}")

    def get_urls(self):
        return [
            path("<int:pk>/reveal/", self.admin_site.admin_view(self.reveal_view),
                 name="payments_bankdetails_reveal"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if obj is not None:
            extra_context.update({
                "can_reveal": permissions.can_reveal(request.user),
                "reveal_url": reverse("admin:payments_bankdetails_reveal", args=[obj.pk]),
                "same_account": list(BankDetails.objects.filter(fingerprint=obj.fingerprint)
                                     .exclude(pk=obj.pk).select_related("user")),
                "reveals": BankDetailsReveal.objects.filter(payee_id=obj.user_id)
                .select_related("revealed_by")[:20],
            })
        return super().change_view(request, object_id, form_url, extra_context)

    def reveal_view(self, request, pk):
        """POST only: the full account, once, and a line in the reveal log; anyone but a
        payments officer gets the 403 page, and the service records the refusal."""
        if request.method != "POST":
            raise Http404
        details = get_object_or_404(BankDetails.objects.select_related("user"), pk=pk)
        context = {**self.admin_site.each_context(request), "opts": self.opts,
                   "title": f"Bank details of {person(details.user)}", "details": details,
                   "original": details}
        try:
            account = bank_details_reveal(details=details, by=request.user)
        except PermissionDenied as exc:
            return refused(request, exc)
        except (UndecryptableValue, EncryptionKeyMissing) as exc:
            context["problem"] = str(exc)
            return TemplateResponse(request, "admin/payments/bankdetails/reveal.html",
                                    context, status=500)
        context.update({
            "account": account,
            "iban": format_iban(account.iban) if account.iban else "",
            "back": request.POST.get("back", "") if request.POST.get("back", "").startswith(
                "/admin/") else reverse("admin:payments_bankdetails_change", args=[pk]),
        })
        response = TemplateResponse(request, "admin/payments/bankdetails/reveal.html",
                                    context)
        response["Cache-Control"] = "no-store, private"
        return response


def _can_read_the_reveal_log(user) -> bool:
    """Payments officers and organizers (superusers included): who saw whose bank
    details, and who was refused them. The log holds an account masked at most."""
    return permissions.is_payments_officer(user) or permissions.is_organizer(user)


@admin.register(BankDetailsReveal)
class BankDetailsRevealAdmin(ViewOnlyMixin, admin.ModelAdmin):
    """Who saw whose full bank details, and when; and who asked and was refused. Nobody
    edits or deletes it."""

    list_display = ["revealed_at", "outcome_badge", "who", "payee", "purpose", "batch",
                    "detail", "account"]
    list_filter = ["outcome", "purpose", ("revealed_by", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["revealed_by", "payee", "batch"]
    search_fields = ["payee__email", "payee__name", "revealed_by__email", "detail"]
    date_hierarchy = "revealed_at"
    fields = ["revealed_at", "outcome", "revealed_by", "payee", "purpose", "batch", "detail",
              "account"]
    readonly_fields = fields

    def has_module_permission(self, request):
        return _can_read_the_reveal_log(request.user)

    def has_view_permission(self, request, obj=None):
        return _can_read_the_reveal_log(request.user)

    @admin.display(description="Outcome", ordering="outcome")
    def outcome_badge(self, obj):
        refused = obj.outcome == BankDetailsReveal.Outcome.REFUSED
        return badge("red" if refused else "green", obj.get_outcome_display())

    @admin.display(description="Who", ordering="revealed_by__email")
    def who(self, obj):
        # A refusal is the row to look at twice: its person stands out in red.
        if obj.outcome == BankDetailsReveal.Outcome.REFUSED:
            return coloured("red", str(obj.revealed_by or "—"), strong=True)
        return str(obj.revealed_by or "—")
