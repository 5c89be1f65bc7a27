"""Payout batches (read-only, their CSV downloadable again by payments officers, logged;
a refused download is logged too) and the programs' stipend budgets."""

from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from matching.admin.scoping import ProgramScopedAdmin
from mm_program.admin_history import ReadOnlyHistoryAdmin
from mm_program.admin_html import coloured

from .. import permissions
from ..models import PayoutBatch, StipendBudget, StipendRequest, budget_totals
from ..services import payouts
from .common import badge, person, refused
from .requests import csv_response


class BatchRequestInline(admin.TabularInline):
    model = StipendRequest
    fields = ["number", "payee_name", "period", "amount", "currency", "status_label",
              "paid_on", "payment_reference"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = "requests in this batch"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return permissions.can_pay(request.user)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("payee")

    @admin.display(description="#")
    def number(self, obj):
        return obj.pk

    @admin.display(description="Payee")
    def payee_name(self, obj):
        return person(obj.payee)

    @admin.display(description="Period")
    def period(self, obj):
        return obj.period_label

    @admin.display(description="Status")
    def status_label(self, obj):
        return badge(obj.status, obj.get_status_display())


@admin.register(PayoutBatch)
class PayoutBatchAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at", "created_by", "count", "total", "unpaid"]
    list_select_related = ["created_by"]
    fields = ["created_at", "created_by"]
    readonly_fields = fields
    inlines = [BatchRequestInline]
    change_form_template = "admin/payments/payoutbatch/change_form.html"

    def get_queryset(self, request):
        # The totals read the page's requests in one query (amounts and currencies only).
        return super().get_queryset(request).annotate(
            n=Count("requests"), n_unpaid=Count("requests", filter=~Q(requests__status="paid"))
        ).prefetch_related(Prefetch("requests", to_attr="amounts",
                                    queryset=StipendRequest.objects.order_by()
                                    .only("batch_id", "amount", "currency")))

    def has_module_permission(self, request):
        return permissions.can_pay(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_pay(request.user)

    def has_add_permission(self, request):
        return False  # made by the export action on stipend requests

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Requests", ordering="n")
    def count(self, obj):
        return obj.n

    @admin.display(description="Total")
    def total(self, obj):
        sums: dict[str, Decimal] = {}
        for req in obj.amounts:
            sums[req.currency] = sums.get(req.currency, Decimal(0)) + req.amount
        return ", ".join(f"{sums[currency]} {currency}" for currency in sorted(sums))

    @admin.display(description="Not marked paid", ordering="n_unpaid")
    def unpaid(self, obj):
        return obj.n_unpaid

    def get_urls(self):
        return [
            path("<int:pk>/csv/", self.admin_site.admin_view(self.csv_view),
                 name="payments_payoutbatch_csv"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "csv_url": reverse(
            "admin:payments_payoutbatch_csv", args=[object_id])} if object_id.isdigit() \
            else extra_context
        return super().change_view(request, object_id, form_url, extra_context)

    def csv_view(self, request, pk):
        """The batch's CSV again (POST only): a reveal, logged for each payee; anyone but
        a payments officer gets the 403 page, and the service records the refusal."""
        if request.method != "POST":
            raise Http404
        batch = get_object_or_404(PayoutBatch, pk=pk)
        try:
            return csv_response(payouts.payout_batch_csv(batch=batch, by=request.user),
                                f"payout-batch-{batch.pk}.csv")
        except PermissionDenied as exc:
            return refused(request, exc)


@admin.register(StipendBudget)
class StipendBudgetAdmin(ProgramScopedAdmin, ReadOnlyHistoryAdmin):
    def sees_every_row(self, request) -> bool:
        return permissions.is_payments_officer(request.user)

    list_display = ["program", "amount", "committed", "paid", "left", "remind_waiting_days"]
    list_select_related = ["program"]
    fields = ["program", "amount", "remind_waiting_days", "totals"]
    readonly_fields = ["totals"]

    def get_readonly_fields(self, request, obj=None):
        return ["program", "totals"] if obj else ["totals"]

    def has_module_permission(self, request):
        return permissions.can_see_requests(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_see_requests(request.user)

    def has_add_permission(self, request):
        return permissions.can_decide(request.user)

    def has_change_permission(self, request, obj=None):
        return permissions.can_decide(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def _totals(self, obj):
        if not hasattr(obj, "_totals"):
            obj._totals = budget_totals(obj.program)
        return obj._totals

    @admin.display(description="Committed (approved)")
    def committed(self, obj):
        return f"{self._totals(obj)['committed']} {obj.program.currency}"

    @admin.display(description="Paid")
    def paid(self, obj):
        return f"{self._totals(obj)['paid']} {obj.program.currency}"

    @admin.display(description="Left")
    def left(self, obj):
        left = self._totals(obj)["left"]
        label = f"{left} {obj.program.currency}"
        return coloured("red", label, strong=True) if left < 0 else format_html(
            "<strong>{}</strong>", label)

    @admin.display(description="Totals")
    def totals(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        t = self._totals(obj)
        return (f"Budget {t['budget']}, committed {t['committed']}, paid {t['paid']}, left "
                f"{t['left']} {t['currency']}")
