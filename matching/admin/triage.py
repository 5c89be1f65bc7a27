"""How triage looks: the application lists fit a laptop's screen with every name on one
line, and an application's page offers its decisions as buttons under its heading, each
labelled with what it does. The decisions themselves are ``application_decide``'s."""

from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format

from matching.models import ApplicationStatus, Program
from matching.models.applications import DECISION_ACTIONS
from mm_program.admin_html import badge

STATUS_TONES = {
    ApplicationStatus.PENDING: "grey",
    ApplicationStatus.ACCEPTED: "green",
    ApplicationStatus.WAITLISTED: "amber",
    ApplicationStatus.DECLINED: "red",
    ApplicationStatus.REDIRECTED: "blue",
}


class TriageListMixin:
    """The columns every application list shares, kept narrow, and the list's width."""

    def changelist_view(self, request, extra_context=None):
        # The list and its filters need the page's width: with the navigation sidebar
        # open (every section's links, as on the index) a 1280-pixel screen scrolled the
        # list sideways. The breadcrumbs still lead back.
        return super().changelist_view(
            request, {**(extra_context or {}), "is_nav_sidebar_enabled": False})

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        # The program says something only when there is more than one to tell apart.
        if "program_name" in columns and (request.GET.get("program__id__exact")
                                          or Program.objects.count() < 2):
            columns.remove("program_name")
        return columns

    # Not the "program" field itself: the admin keeps a related object's name on one
    # line, and "AI Safety Mentors and Mentees" was then the widest column.
    @admin.display(description="Program", ordering="program__name")
    def program_name(self, obj):
        return obj.program.name

    @admin.display(description="Status", ordering="status")
    def status_badge(self, obj):
        label = obj.get_status_display()
        if obj.redirect_to:
            # "Redirected: MATS (ML Alignment & Theory Scholars)" was the widest column.
            label = f"Redirected: {obj.redirect_to.label}"
        return badge(STATUS_TONES.get(obj.status, "grey"), label)

    @admin.display(description="Sent", ordering="submitted_at")
    def submitted(self, obj):
        return date_format(timezone.localtime(obj.submitted_at), "j M Y")

    @admin.display(description="Areas")
    def areas(self, obj):
        return ", ".join(a.name for a in obj.research_areas.all())


def decision_buttons(application) -> list[tuple[str, str]]:
    """(decision, what its button says) for each decision the application can still take,
    in the order of ApplicationStatus."""
    allowed = application.allowed_decisions()
    return [(d, DECISION_ACTIONS[d]) for d in ApplicationStatus.values if d in allowed]
