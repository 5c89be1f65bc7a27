"""The matching part of a participant's data export (``mm_program.privacy.export``):
their applications as they typed them, their roles, their mentorships with meetings and
final project, and mentors' invitations to their addresses."""

from __future__ import annotations

from mm_program.models import User
from mm_program.privacy.hooks import when

from ..forms.applications import MenteeApplicationForm, MentorApplicationForm
from ..models import MenteeApplication, MentorApplication, Mentorship

# What the applicant typed: the interest form's own fields, so a new question is exported
# as soon as the form asks it, and nothing the form does not ask (organizer notes) is.
TYPED_FIELDS = {
    MenteeApplication: MenteeApplicationForm._meta.fields,
    MentorApplication: MentorApplicationForm._meta.fields,
}


def _value(application, name: str):
    field = application._meta.get_field(name)
    if field.many_to_many:
        if name == "preferred_mentors":
            return sorted(str(m.user) for m in getattr(application, name).all())
        return sorted(str(item) for item in getattr(application, name).all())
    value = getattr(application, name)
    if field.choices and value not in (None, ""):
        return {"value": value, "label": str(getattr(application, f"get_{name}_display")())}
    return value


def _applications(user: User) -> list[dict]:
    rows = []
    for model, fields in TYPED_FIELDS.items():
        queryset = (model.objects.for_user(user).select_related("program")
                    .prefetch_related("research_areas").order_by("submitted_at", "pk"))
        if model is MenteeApplication:
            queryset = queryset.prefetch_related("preferred_mentors__user")
        for app in queryset:
            rows.append({
                "kind": app.kind,
                "program": app.program.name,
                "submitted_at": when(app.submitted_at),
                "answers": {name: _value(app, name) for name in fields},
                # The outcome and the message sent with it; nothing else of triage.
                "status": app.get_status_display(),
                "decided_at": when(app.decided_at),
                "redirected_to": app.redirect_to.name if app.redirect_to else "",
                "decision_message": app.decision_message,
            })
    return rows


def _roles(user: User) -> dict:
    return {
        "mentor": [{"program": m.program.name, "capacity": m.capacity,
                    "active": m.is_active, "since": when(m.created_at)}
                   for m in user.mentor_roles.select_related("program")],
        "mentee": [{"program": m.program.name, "source": m.get_source_display(),
                    "timezone": m.timezone, "goals": m.goals, "since": when(m.created_at)}
                   for m in user.mentee_roles.select_related("program")],
    }


def _final_project(m: Mentorship) -> dict | None:
    project = getattr(m, "final_project", None)
    if project is None:
        return None
    return {"kind": project.get_kind_display(), "title": project.title, "link": project.url,
            "public": project.is_public, "published": project.is_published,
            "mentor_feedback": project.mentor_feedback}


def _invitations(user: User) -> list[dict]:
    """Mentors' invitations to one of the person's addresses, not (yet) accepted."""
    addresses = {user.email, *user.emailaddress_set.values_list("email", flat=True)}
    rows = (Mentorship.objects.filter(invited_email__in=addresses)
            .select_related("program", "mentor__user").order_by("created_at", "pk"))
    return [{"program": m.program.name, "from": str(m.mentor.user),
             "name_typed": m.invited_name, "address": m.invited_email,
             "status": m.get_status_display(), "sent": when(m.created_at)}
            for m in rows]


def _mentorships(user: User) -> list[dict]:
    mentorships = (
        Mentorship.objects.of_person(user)
        .select_related("program", "mentor__user", "mentee__user", "final_project")
        .prefetch_related("focus_areas", "meetings").order_by("start_date", "pk")
    )
    rows = []
    for m in mentorships:
        as_mentor = m.mentor.user_id == user.pk
        rows.append({
            "program": m.program.name,
            "as": "mentor" if as_mentor else "mentee",
            "with": (m.mentee_name if as_mentor and m.is_invitation
                     else str(m.mentee.user if as_mentor else m.mentor.user)),
            "status": m.get_status_display(),
            "start_date": when(m.start_date),
            "planned_end_date": when(m.planned_end_date),
            "ended_on": when(m.ended_on),
            "terms": {
                "recorded_at": when(m.terms_recorded_at),
                "focus": m.focus,
                "focus_areas": sorted(area.name for area in m.focus_areas.all()),
                "hours_per_week": m.hours_per_week,
                "meeting_every_weeks": m.meeting_every_weeks,
                "meeting_minutes": m.meeting_minutes,
                "needs_stipend": m.needs_stipend,
            },
            "meetings": [{"date": when(x.date), "minutes": x.minutes,
                          "on_track": x.get_on_track_display(), "note": x.note}
                         for x in sorted(m.meetings.all(), key=lambda x: (x.date, x.pk))],
            "final_project": _final_project(m),
            "next_steps": m.get_next_steps_display(),
            "next_steps_notes": m.next_steps_notes,
            "end_reason": m.get_end_reason_display() if m.end_reason else "",
            # Written to the organizers: only its author's.
            "end_notes": m.end_notes if m.ended_by_id == user.pk else "",
        })
    return rows



def sections(user: User) -> dict:
    return {
        "applications": _applications(user),
        "roles": _roles(user),
        "mentorships": _mentorships(user),
        "invitations_to_you": _invitations(user),
    }
