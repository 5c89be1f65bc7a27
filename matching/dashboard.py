"""A signed-in person's dashboard: the mentor's spreadsheet of mentees, the mentee's
mentorship, their applications and the surveys they still owe.

Built in a fixed number of queries however many mentees and meetings there are, and kept
in the page cache until the next write (mm_program/page_cache.py).
"""

from django.db.models import Case, IntegerField, Prefetch, Q, When
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from mm_program import page_cache

from .mentorship_forms import AddMenteeForm, MeetingLogForm
from .models import (
    LIVE_STATUSES,
    RUNNING_STATUSES,
    MeetingLog,
    MenteeApplication,
    MentorApplication,
    Mentorship,
    MentorshipStatus,
)
from .tokens import invitation_token


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


def _surveys_waiting(user) -> list[dict]:
    """The person's own survey invitations not yet sent back and still open: the emailed
    link may be in a spam folder, so the page offers the same link (one query)."""
    from surveys.models import MENTEE_KINDS, Invitation, SurveyKind
    from surveys.tokens import survey_token

    invitations = (
        Invitation.objects.filter(person=user, expires_at__gt=timezone.now())
        .exclude(response__submitted_at__isnull=False)
        # "Where you stand at the start" means nothing once the mentorship stopped.
        .exclude(Q(kind=SurveyKind.MENTEE_BASELINE)
                 & ~Q(mentorship__status__in=RUNNING_STATUSES))
        .select_related("mentorship__mentor__user", "mentorship__mentee__user", "response")
        .order_by("expires_at", "pk")
    )
    waiting = []
    for invitation in invitations:
        m = invitation.mentorship
        other = m.mentor.user if invitation.kind in MENTEE_KINDS else m.mentee.user
        waiting.append({
            "url": reverse("survey", args=[survey_token(invitation)]),
            "baseline": invitation.kind == SurveyKind.MENTEE_BASELINE,
            "other": other.name or other.email,
            "until": invitation.expires_at,
            "started": hasattr(invitation, "response"),
        })
    return waiting


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
    mentor_roles = list(user.mentor_roles.select_related("program", "user"))
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
        load = sum(1 for row in rows if row.is_live)
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

    return {
        "surveys_waiting": _surveys_waiting(user),
        "invitations_for_you": _invitations_for(user),
        "mentee_applications": MenteeApplication.objects.for_user(user)
        .select_related("program").prefetch_related("research_areas"),
        "mentor_applications": MentorApplication.objects.for_user(user)
        .select_related("program").prefetch_related("research_areas"),
        "mentoring": mentoring,
        "mentee_sections": mentee_sections,
        "mentor_roles": mentor_roles,
        "mentee_roles": mentee_roles,
        "failed_form": log_form or add_form,
    }


def render_dashboard(request, status=200, **forms):
    if forms or status != 200:
        return render(request, "matching/dashboard.html",
                      dashboard_context(request.user, **forms), status=status)
    # The page people open most; kept until anything is written (mm_program/page_cache).
    return page_cache.render_cached(
        request, "matching/dashboard.html", lambda: dashboard_context(request.user),
        key=("dashboard", request.user.pk))
