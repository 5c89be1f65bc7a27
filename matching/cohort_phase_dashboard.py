"""A person's pages of a cohort's phases, at the top of their dashboard (a
``dashboard_extra`` block, imported by ``MatchingConfig.ready``): the mentor's filter
while one is ahead, the scholar's milestones, the grader's submissions. One query."""

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from .dashboard import dashboard_extra
from .models import (
    RUNNING_STATUSES,
    ExtensionApplication,
    Mentorship,
    Milestone,
    Phase,
    Program,
)


@dashboard_extra(place="top", template="matching/cohort/_phase_dashboard.html", position=1)
def phase_pages(user) -> dict | None:
    today = timezone.localdate()
    filtering = Exists(Phase.objects.filter(program=OuterRef("pk"), ends_with_filter=True,
                                            ends_on__gte=today)) & Exists(
        Mentorship.objects.filter(program=OuterRef("pk"), mentor__user=user,
                                  status__in=RUNNING_STATUSES))
    scholar = Exists(Milestone.objects.filter(phase__program=OuterRef("pk"))) & Exists(
        Mentorship.objects.filter(program=OuterRef("pk"), mentee__user=user))
    grading = Exists(Milestone.objects.filter(phase__program=OuterRef("pk"), graders=user))
    applying = Exists(Phase.objects.filter(program=OuterRef("pk"), places__isnull=False,
                                           starts_on__gt=today)) & Exists(
        Mentorship.objects.filter(program=OuterRef("pk"), mentee__user=user,
                                  status__in=RUNNING_STATUSES))
    # Once they have applied, the same page shows their application and its decision.
    applied = Exists(ExtensionApplication.objects.filter(
        phase__program=OuterRef("pk"), phase__starts_on__gt=today,
        mentorship__mentee__user=user))
    endorsing = Exists(ExtensionApplication.objects.filter(
        phase__program=OuterRef("pk"), mentorship__mentor__user=user))
    programs = list(Program.objects.annotate(filter=filtering, milestones=scholar,
                                             grading=grading, applying=applying,
                                             applied=applied, endorsing=endorsing)
                    .filter(Q(filter=True) | Q(milestones=True) | Q(grading=True)
                            | Q(applying=True) | Q(endorsing=True))
                    .order_by("name"))
    if not programs:
        return None
    return {"programs": [{"program": p, "filter": p.filter, "milestones": p.milestones,
                          "grading": p.grading, "applying": p.applying,
                          "applied": p.applied,
                          "endorsing": p.endorsing} for p in programs]}
