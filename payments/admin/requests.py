"""Stipend requests in the organizer area: read-only rows, moved only by the buttons and
actions here, which call ``payments.services``.

- Approve (organizers and payments officers; past the budget only organizers, with a
  reason), Reject… (with the reason the payee reads): one or many requests at once.
- Export payout CSV (payments officers): the selected approved requests become a payout
  batch and the CSV downloads; a request already in a batch is skipped. Anyone else who
  posts it gets a 403, and the refusal is in *Bank details reveals*.
- Mark paid… (payments officers): a date and the bank's payment reference.
"""


from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils import timezone

from matching.admin.scoping import ProgramScopedAdmin
from mm_program.admin_history import ReadOnlyHistoryAdmin
from mm_program.admin_html import nowrap
from mm_program.admin_moves import Move, MovesAdminMixin

from .. import permissions
from ..models import BankDetails, StipendRequest, StipendStatus, budget_totals
from ..services import payouts
from ..services import stipends as services
from .common import badge, person, plural, refused

# --- the forms of the moves --------------------------------------------------------------


class ApproveForm(forms.Form):
    override_reason = forms.CharField(
        label="Reason to approve past the budget", required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only needed, and only accepted from an organizer, when the approval "
                  "takes the program past its budget. Recorded on each request.")


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="Why it is not approved", max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The payee reads this in their email: say what they could change.",
        error_messages={"required": "Say why, in a sentence: the payee reads it."})


class PayForm(forms.Form):
    paid_on = forms.DateField(label="Paid on", initial=timezone.localdate,
                              widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"required": "Enter the date of the payment."})
    reference = forms.CharField(
        label="Payment reference", max_length=140,
        help_text="The bank's reference of the transfer (or of the batch payment).",
        error_messages={"required": "Enter the payment reference from the bank."})


def _offered(status: str):
    return lambda row: row.status == status


MOVES = {
    "approve": Move(
        "Approve", "approved", to=StipendStatus.APPROVED, form=ApproveForm,
        offered=_offered(StipendStatus.SUBMITTED), may=permissions.can_decide,
        run=lambda req, by, data: services.stipend_request_approve(
            stipend_request=req, by=by, override_reason=data.get("override_reason", ""))),
    "reject": Move(
        "Reject…", "rejected", to=StipendStatus.REJECTED, form=RejectForm,
        offered=_offered(StipendStatus.SUBMITTED), may=permissions.can_decide,
        run=lambda req, by, data: services.stipend_request_reject(
            stipend_request=req, by=by, reason=data["reason"])),
    "pay": Move(
        "Mark paid…", "marked paid", to=StipendStatus.PAID, form=PayForm,
        offered=_offered(StipendStatus.APPROVED), may=permissions.can_pay,
        run=lambda req, by, data: services.stipend_request_mark_paid(
            stipend_request=req, by=by, paid_on=data["paid_on"],
            reference=data["reference"])),
}


# --- filters -----------------------------------------------------------------------------


class BatchFilter(admin.SimpleListFilter):
    title = "payout"
    parameter_name = "payout"

    def lookups(self, request, model_admin):
        return [("to_export", "Approved, not exported yet"),
                ("exported", "In a payout batch, not marked paid")]

    def queryset(self, request, queryset):
        if self.value() == "to_export":
            return queryset.filter(status=StipendStatus.APPROVED, batch__isnull=True)
        if self.value() == "exported":
            return queryset.filter(status=StipendStatus.APPROVED, batch__isnull=False)
        return queryset


# --- the admin ---------------------------------------------------------------------------


@admin.register(StipendRequest)
class StipendRequestAdmin(ProgramScopedAdmin, MovesAdminMixin, ReadOnlyHistoryAdmin):
    # Payments officers pay every program; an organizer decides their programs' requests.
    def sees_every_row(self, request) -> bool:
        return permissions.is_payments_officer(request.user)

    list_display = ["number", "payee_name", "payee_role", "program", "period", "hours",
                    "amount_label", "status_badge", "submitted_at", "batch"]
    list_display_links = ["number", "payee_name"]
    list_filter = ["status", BatchFilter, "program", "payee_role"]
    # The batch column too: a request in a payout batch read it by a query of its own.
    list_select_related = ["payee", "program", "batch", "phase"]
    search_fields = ["payee__email", "payee__name", "payment_reference"]
    date_hierarchy = "submitted_at"
    list_per_page = 100
    actions = ["approve", "reject", "export_payout", "mark_paid"]
    change_form_template = "admin/payments/stipendrequest/change_form.html"
    fieldsets = [
        ("Request", {"fields": ["payee", "payee_role", "mentorship", "program", "phase",
                                "period", "hours", "rate", "amount_label", "justification",
                                "submitted_at"]}),
        ("Decision", {"fields": ["status", "decided_at", "decided_by", "rejection_reason",
                                 "budget_override_reason", "budget_override_by"]}),
        ("Payment", {"fields": ["batch", "paid_on", "payment_reference", "paid_at",
                                "paid_by", "paid_to"]}),
    ]
    readonly_fields = [f for _, opts in fieldsets for f in opts["fields"]]

    # --- permissions: see payments.permissions ------------------------------------------

    def has_module_permission(self, request):
        return permissions.can_see_requests(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.can_see_requests(request.user)

    def has_add_permission(self, request):
        return False  # payees send requests from their page

    def has_change_permission(self, request, obj=None):
        return False  # every change is a move (the buttons)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_decide_permission(self, request):
        return permissions.can_decide(request.user)

    def has_pay_permission(self, request):
        return permissions.can_pay(request.user)

    # --- columns ------------------------------------------------------------------------

    @admin.display(description="#", ordering="pk")
    def number(self, obj):
        return obj.pk

    @admin.display(description="Payee", ordering="payee__name")
    def payee_name(self, obj):
        return person(obj.payee)

    @admin.display(description="Period", ordering="period_start")
    def period(self, obj):
        return obj.title

    @admin.display(description="Amount", ordering="amount")
    def amount_label(self, obj):
        return nowrap(f"{obj.amount} {obj.currency}")

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        return badge(obj.status, obj.get_status_display())

    # --- actions ------------------------------------------------------------------------

    @admin.action(description="Approve selected requests…", permissions=["decide"])
    def approve(self, request, queryset):
        return self.move_redirect("approve", queryset)

    @admin.action(description="Reject selected requests…", permissions=["decide"])
    def reject(self, request, queryset):
        return self.move_redirect("reject", queryset)

    @admin.action(description="Mark selected requests paid…", permissions=["pay"])
    def mark_paid(self, request, queryset):
        return self.move_redirect("pay", queryset)

    @admin.action(description="Export payout CSV of the selected approved requests",
                  permissions=["pay"])
    def export_payout(self, request, queryset):
        result = payouts.payout_batch_export(
            request_ids=list(queryset.values_list("pk", flat=True)),
            by=request.user)
        for req, reason in result.skipped:
            self.message_user(request, f"Request {req.pk} ({person(req.payee)}) was not "
                                       f"exported: {reason}.", messages.WARNING)
        if result.batch is None:
            self.message_user(request, "Nothing to export: no approved request that is not "
                                       "in a payout batch yet.", messages.WARNING)
            return None
        self.message_user(
            request, f"Payout batch {result.batch.pk}: {plural(len(result.exported), 'request')}"
            " exported; each payee's bank details reveal is logged. Mark them paid once the "
            "bank confirms.", messages.SUCCESS)
        return csv_response(result.csv, f"payout-batch-{result.batch.pk}.csv")

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and _posted_action(request) == "export_payout":
            # Django would answer anyone the action isn't offered to without a trace ("no
            # action selected", or a 403 for staff who may not see this list): the
            # service refuses them first, and records who asked for which requests.
            try:
                payouts.payout_export_check(request_ids=_posted_ids(request), by=request.user)
            except PermissionDenied as exc:
                return refused(request, exc)
        return super().changelist_view(request, extra_context)

    # --- the move page ------------------------------------------------------------------

    # --- status moves (mm_program.admin_moves) -----------------------------------------

    moves = MOVES
    move_template = "admin/payments/move.html"
    move_noun = "request"
    move_refusal_level = messages.ERROR

    def move_rows(self, ids):
        return StipendRequest.objects.filter(pk__in=ids).select_related(
            "payee", "program", "phase").order_by("pk")

    def move_refusal_message(self, row, exc) -> str:
        return f"Request {row.pk}: {' '.join(exc.messages)}"

    def move_done_message(self, move, done: int) -> str:
        return (f"{plural(done, 'request')} {move.done}; the payee"
                f"{'s were' if done != 1 else ' was'} emailed.")

    def move_context(self, request, key, move, rows) -> dict:
        programs = {row.program_id: row.program for row in rows}
        return {
            "budgets": [(p, budget_totals(p)) for p in programs.values()],
            "selected_total": sum(r.amount for r in rows if r.movable),
            "can_override": permissions.can_override_budget(request.user),
        }

    # --- the change page ----------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_view_permission(request, obj):
            user = request.user
            details = BankDetails.objects.filter(user_id=obj.payee_id).first()
            extra_context.update({
                "check": services.hours_check(obj),
                "budget": budget_totals(obj.program),
                "details": details,
                "same_account": list(
                    BankDetails.objects.filter(fingerprint=details.fingerprint)
                    .exclude(pk=details.pk).select_related("user")
                ) if details and permissions.can_see_bank_details(user) else [],
                "can_reveal": permissions.can_reveal(user),
                "moves": self.moves_for(request, obj),
            })
        return super().change_view(request, object_id, form_url, extra_context)


def _posted_action(request) -> str:
    """The action of a changelist POST, picked as Django's ``response_action`` does."""
    try:
        return request.POST.getlist("action")[int(request.POST.get("index", 0))]
    except (ValueError, IndexError):
        return ""


def _posted_ids(request) -> list[int]:
    return [int(value) for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
            if value.isascii() and value.isdigit()]


def csv_response(text: str, filename: str) -> HttpResponse:
    # A BOM, so that spreadsheet programs read the names' accents right.
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response
