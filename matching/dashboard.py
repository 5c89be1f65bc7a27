"""A signed-in person's dashboard: the mentor's spreadsheet of mentees, the mentee's
mentorship, their applications, and the blocks other apps add (``dashboard_extra``: the
surveys they still owe, their stipend requests).

Built in a fixed number of queries however many mentees and meetings there are.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Prefetch, When
from django.shortcuts import render
from django.urls import reverse

from .forms.invitations import AddMenteeForm
from .forms.mentorships import MeetingLogForm
from .models import (
    LIVE_STATUSES,
    MeetingLog,
    MenteeApplication,
    MentorApplication,
    Mentorship,
    MentorshipStatus,
)
from .tokens import invitation_token

# --- what other apps add to the page -------------------------------------------------------

@dataclass(frozen=True)
class DashboardExtra:
    """A block another app adds to the dashboard (surveys still owed, stipend requests).

    `place` says where, and what `build` is given and returns, computed once per page:
    - "top": build(user) -> the block's context, or None for no block;
    - "mentee_card": build(user, rows) -> {mentorship id: context}, one block under each
      of the person's mentorships as a mentee;
    - "mentor_sheet": build(user, sections) -> {mentor id: context}, one block under each
      of their mentor sheets (a section: {"mentor", "rows", ...}).
    The template gets the context as `extra`."""

    place: str
    template: str
    build: Callable[..., Any]
    # Lower first among the blocks of a place (what asks the person to act comes before
    # what only informs them).
    position: int = 0


EXTRAS: list[DashboardExtra] = []
PLACES = ("top", "mentee_card", "mentor_sheet")


def dashboard_extra(*, place: str, template: str, position: int = 0):
    """Register a block another app adds to the dashboard (see DashboardExtra)."""
    if place not in PLACES:
        raise ValueError(f"No dashboard place {place!r}; one of {PLACES}")

    def register(build: Callable[..., Any]) -> Callable[..., Any]:
        if not any(extra.build is build for extra in EXTRAS):
            EXTRAS.append(DashboardExtra(place=place, template=template, build=build,
                                         position=position))
        return build

    return register


def _extras(place: str) -> list[DashboardExtra]:
    return sorted((extra for extra in EXTRAS if extra.place == place),
                  key=lambda extra: extra.position)


def _block(extra: DashboardExtra, context) -> dict:
    return {"template": extra.template, "context": context}


def _live_first():
    return Case(When(status__in=LIVE_STATUSES, then=0), default=1, output_field=IntegerField())


def _with_stats(queryset):
    return (
        queryset.with_meeting_stats()
        .annotate(ended_last=_live_first())
        .order_by("ended_last", "-start_date", "-pk")
    )


def _rows(queryset) -> list[Mentorship]:
    rows = list(_with_stats(queryset))
    for row in rows:
        row.hours_so_far = round((row.meetings_minutes or 0) / 60, 1)
    return rows


def _invitations_for(user) -> list[Mentorship]:
    """Mentors' invitations waiting for one of the person's verified addresses: they
    reach the person's account only when accepted, so they are found by address."""
    rows = list(
        Mentorship.objects.filter(
            status=MentorshipStatus.INVITED, mentee__isnull=True,
            invited_email__in=user.emailaddress_set.filter(verified=True).values("email"))
        .select_related("program", "mentor__user").order_by("created_at"))
    for row in rows:
        row.invitation_url = reverse("invitation", args=[invitation_token(row.pk)])
    return rows


def dashboard_context(user, *, log_form: MeetingLogForm | None = None,
                      add_form: AddMenteeForm | None = None) -> dict:
    """Everything on a person's dashboard, in a fixed number of queries however many
    mentees and meetings there are. A bound form (a refused post) replaces its row's."""
    mentor_roles = list(user.mentor_roles.select_related("program__cohort", "user")
                        .with_load())
    mentee_roles = list(user.mentee_roles.select_related("program"))

    rows_by_mentor: dict[int, list[Mentorship]] = {mentor.pk: [] for mentor in mentor_roles}
    if mentor_roles:
        rows = _rows(
            Mentorship.objects.filter(mentor__in=mentor_roles)
            .select_related("program", "mentee__user", "final_project")
        )
        for row in rows:
            if log_form is not None and log_form.mentorship.pk == row.pk:
                row.log_form = log_form
            elif row.is_running:
                row.log_form = MeetingLogForm(mentorship=row)
            rows_by_mentor[row.mentor_id].append(row)

    mentoring = []
    for mentor in mentor_roles:
        rows = rows_by_mentor[mentor.pk]
        load = mentor.load
        bound = add_form is not None and add_form.mentor.pk == mentor.pk
        mentoring.append({
            "mentor": mentor,
            "rows": rows,
            # Current mentees first, then the add-a-mentee row; ended ones are folded
            # below it (on a phone they pushed the form thousands of pixels down).
            "live_rows": [row for row in rows if row.is_live],
            "ended_rows": [row for row in rows if not row.is_live],
            "load": load,
            "full": load >= mentor.capacity,
            "places": [number < load for number in range(max(mentor.capacity, load))],
            "add_form": add_form if bound else AddMenteeForm(mentor=mentor),
        })

    mentored = {mentee.pk: [] for mentee in mentee_roles}
    if mentee_roles:
        rows = _rows(
            Mentorship.objects.filter(mentee__in=mentee_roles)
            .select_related("program", "mentor__user", "final_project")
            .prefetch_related("focus_areas", Prefetch(
                "meetings", queryset=MeetingLog.objects.order_by("-date", "-pk"),
                to_attr="meetings_newest_first"))
        )
        for row in rows:
            if row.status == MentorshipStatus.INVITED:
                row.invitation_url = reverse("invitation", args=[invitation_token(row.pk)])
            mentored[row.mentee_id].append(row)
    mentee_sections = [{"mentee": mentee, "rows": mentored[mentee.pk]}
                       for mentee in mentee_roles]

    for extra in _extras("mentor_sheet"):
        by_mentor = extra.build(user, mentoring)
        for section in mentoring:
            if by_mentor.get(section["mentor"].pk) is not None:
                section.setdefault("extras", []).append(
                    _block(extra, by_mentor[section["mentor"].pk]))
    mentee_rows = [row for section in mentee_sections for row in section["rows"]]
    for extra in _extras("mentee_card"):
        by_row = extra.build(user, mentee_rows)
        for row in mentee_rows:
            if by_row.get(row.pk) is not None:
                row.extras = [*getattr(row, "extras", []), _block(extra, by_row[row.pk])]

    return {
        "extras_top": [_block(extra, context) for extra in _extras("top")
                       if (context := extra.build(user)) is not None],
        "invitations_for_you": _invitations_for(user),
        "mentee_applications": MenteeApplication.objects.for_user(user)
        .select_related("program", "redirect_to"),
        "mentor_applications": MentorApplication.objects.for_user(user)
        .select_related("program", "redirect_to"),
        "mentoring": mentoring,
        "mentee_sections": mentee_sections,
        "mentor_roles": mentor_roles,
        "mentee_roles": mentee_roles,
        "failed_form": log_form or add_form,
    }


def render_dashboard(request, status=200, **forms):
    return render(request, "matching/dashboard.html",
                  dashboard_context(request.user, **forms), status=status)
