"""Admin of a cohort's offers: every offer per mentor with its status (proposed, sent,
accepted, declined, lapsed, dismissed), the re-offers waiting for an organizer, and the
two decisions on them, taken by the service (``matching.services.cohort_offers``).

Offers are made by approving a run and answered by the applicant: none is added or edited
here. The organizers' offers page shows the same per mentor with their slots."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html

from matching.models import Offer, OfferStatus
from matching.services import cohort_offers
from mm_program.admin_history import ReadOnlyHistoryAdmin

from .scoping import ProgramScopedAdmin


class WaitingFilter(admin.SimpleListFilter):
    title = "waiting for"
    parameter_name = "waiting"

    def lookups(self, request, model_admin):
        return [("organizer", "an organizer (proposed re-offers)"),
                ("applicant", "the applicant (sent)")]

    def queryset(self, request, queryset):
        status = {"organizer": OfferStatus.PROPOSED,
                  "applicant": OfferStatus.PENDING}.get(self.value())
        return queryset.filter(status=status) if status else queryset


@admin.register(Offer)
class OfferAdmin(ProgramScopedAdmin, ReadOnlyHistoryAdmin):
    program_path = "cohort__program"
    list_display = ["mentor", "application", "status", "score_shown", "accept_by",
                    "sent_at", "freed_by", "program_pages"]
    list_filter = [WaitingFilter, "status", "cohort",
                   ("mentor", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["mentor__user", "mentor__program", "application",
                           "replaces__application", "cohort__program"]
    search_fields = ["application__name", "application__email", "mentor__user__name"]
    ordering = ["mentor__user__name", "-proposed_at", "-pk"]
    fields = ["cohort", "mentor", "application", "status", "score", "run", "replaces",
              "accept_by", "proposed_at", "sent_at", "sent_by", "answered_at", "mentorship"]
    readonly_fields = fields
    actions = ["send_proposals", "dismiss_proposals"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="score", ordering="score")
    def score_shown(self, obj):
        return f"{obj.score:.1f}" if obj.score is not None else "—"

    @admin.display(description="re-offers the slot of")
    def freed_by(self, obj):
        if obj.replaces_id is None:
            return ""
        return f"{obj.replaces.application.name} ({obj.replaces.get_status_display().lower()})"

    @admin.display(description="pages")
    def program_pages(self, obj):
        return format_html('<a href="{}">offers page</a>',
                           reverse("cohort_offers", args=[obj.cohort.program.slug]))

    def _decide(self, request, queryset, decide, done: str):
        count, refused = 0, []
        for offer in queryset.filter(status=OfferStatus.PROPOSED).order_by("proposed_at",
                                                                            "pk"):
            try:
                decide(offer=offer, by=request.user)
            except (ValidationError, PermissionDenied) as exc:
                refused.append(f"{offer.application.name}: {' '.join(exc.messages)}"
                               if isinstance(exc, ValidationError) else str(exc))
            else:
                count += 1
        if count:
            self.message_user(request, done.format(n=count), messages.SUCCESS)
        if refused:
            self.message_user(request, "Not done: " + "; ".join(refused), messages.ERROR)
        if not count and not refused:
            self.message_user(request, "Select proposed re-offers.", messages.WARNING)

    @admin.action(description="Send the selected proposed re-offers (the program's "
                              "accept-by days)")
    def send_proposals(self, request, queryset):
        self._decide(request, queryset, cohort_offers.reoffer_approve, "{n} offer(s) sent.")

    @admin.action(description="Dismiss the selected proposals (the next candidate is "
                              "proposed)")
    def dismiss_proposals(self, request, queryset):
        self._decide(request, queryset, cohort_offers.reoffer_dismiss,
                     "{n} proposal(s) dismissed.")
