"""What a participant downloads about themselves, as one JSON document.

Everything here is read for one person and through their own rows only: their
applications, roles, mentorships (as mentor or mentee), their own survey answers, their
stipend requests, their bank details masked, and the emails sent to them. Left out on
purpose: organizers' private notes and decision internals (who decided, flags,
resubmission counts), matching scores, the other side's survey answers (a mentor's
ratings of their mentee are the mentor's), full bank details (only payments officers see
those) and email bodies (they carried sign-in codes and links that act for the person).
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from matching.forms import MenteeApplicationForm, MentorApplicationForm
from matching.models import MenteeApplication, MentorApplication, Mentorship
from mm_program.models import ErasureRequest, Message, User
from payments.models import BankDetails, StipendRequest
from surveys.models import Invitation

FORMAT_VERSION = 1

# What the applicant typed: the interest form's own fields, so a new question is exported
# as soon as the form asks it, and nothing the form does not ask (organizer notes) is.
TYPED_FIELDS = {
    MenteeApplication: MenteeApplicationForm._meta.fields,
    MentorApplication: MentorApplicationForm._meta.fields,
}


def _when(value):
    return value.isoformat() if value is not None else None


def _person(user: User) -> str:
    return user.name or user.email


def _value(application, name: str):
    field = application._meta.get_field(name)
    if field.many_to_many:
        if name == "preferred_mentors":
            return sorted(_person(m.user) for m in getattr(application, name).all())
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
                "submitted_at": _when(app.submitted_at),
                "answers": {name: _value(app, name) for name in fields},
                # The outcome and the message sent with it; nothing else of triage.
                "status": app.get_status_display(),
                "decided_at": _when(app.decided_at),
                "redirected_to": app.get_redirect_to_display() if app.redirect_to else "",
                "decision_message": app.decision_message,
            })
    return rows


def _roles(user: User) -> dict:
    return {
        "mentor": [{"program": m.program.name, "capacity": m.capacity,
                    "active": m.is_active, "since": _when(m.created_at)}
                   for m in user.mentor_roles.select_related("program")],
        "mentee": [{"program": m.program.name, "source": m.get_source_display(),
                    "timezone": m.timezone, "goals": m.goals, "since": _when(m.created_at)}
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
    return [{"program": m.program.name, "from": _person(m.mentor.user),
             "name_typed": m.invited_name, "address": m.invited_email,
             "status": m.get_status_display(), "sent": _when(m.created_at)}
            for m in rows]


def _mentorships(user: User) -> list[dict]:
    mentorships = (
        Mentorship.objects.filter(Q(mentor__user=user) | Q(mentee__user=user))
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
                     else _person(m.mentee.user if as_mentor else m.mentor.user)),
            "status": m.get_status_display(),
            "start_date": _when(m.start_date),
            "planned_end_date": _when(m.planned_end_date),
            "ended_on": _when(m.ended_on),
            "terms": {
                "recorded_at": _when(m.terms_recorded_at),
                "focus": m.focus,
                "focus_areas": sorted(area.name for area in m.focus_areas.all()),
                "hours_per_week": m.hours_per_week,
                "meeting_every_weeks": m.meeting_every_weeks,
                "meeting_minutes": m.meeting_minutes,
                "needs_stipend": m.needs_stipend,
            },
            "meetings": [{"date": _when(x.date), "minutes": x.minutes,
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


def _survey_answers(user: User) -> list[dict]:
    # The person's own invitations only: the other side's answers about them are not theirs.
    invitations = (
        Invitation.objects.filter(person=user, response__isnull=False)
        .select_related("response", "mentorship__program")
        .prefetch_related("response__answers__question").order_by("created_at", "pk")
    )
    rows = []
    for invitation in invitations:
        response = invitation.response
        rows.append({
            "survey": invitation.get_kind_display(),
            "program": invitation.mentorship.program.name,
            "submitted_at": _when(response.submitted_at),
            "answers": [{"question": a.question.text, "answer": a.display()}
                        for a in sorted(response.answers.all(),
                                        key=lambda a: (a.question.order, a.question.pk))],
        })
    return rows


def _stipend_requests(user: User) -> list[dict]:
    return [{
        "program": r.program.name,
        "as": r.get_payee_role_display(),
        "period": {"from": _when(r.period_start), "to": _when(r.period_end)},
        "hours": str(r.hours), "rate": str(r.rate), "amount": str(r.amount),
        "currency": r.currency,
        "justification": r.justification,
        "status": r.get_status_display(),
        "submitted_at": _when(r.submitted_at),
        "decided_at": _when(r.decided_at),
        "rejection_reason": r.rejection_reason,
        "paid_on": _when(r.paid_on),
        "payment_reference": r.payment_reference,
        "paid_to": r.paid_to,
    } for r in StipendRequest.objects.for_payee(user).select_related("program")
        .order_by("submitted_at", "pk")]


def _bank_details(user: User) -> dict | None:
    details = BankDetails.objects.filter(user=user).only(
        "kind", "country", "masked", "updated_at").first()
    if details is None:
        return None
    # Masked only, as everywhere: the full account is for payments officers alone.
    return {"kind": details.get_kind_display(), "country": details.country,
            "account": details.masked, "updated_at": _when(details.updated_at)}


def _emails(user: User) -> list[dict]:
    messages = Message.objects.filter(Q(user=user) | Q(recipient__iexact=user.email))
    return [{"kind": kind, "subject": subject, "sent_at": _when(sent_at),
             "status": status}
            for kind, subject, sent_at, status in messages.order_by("created_at", "pk")
            .values_list("kind", "subject", "sent_at", "status")]


def person_export(*, user: User) -> dict:
    """Everything the product holds about `user` that is theirs to see, as plain data."""
    return {
        "format": FORMAT_VERSION,
        "exported_at": _when(timezone.now()),
        "account": {
            "email": user.email,
            "name": user.name,
            "joined": _when(user.date_joined),
            "last_sign_in": _when(user.last_login),
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in user.emailaddress_set.order_by("email")],
        },
        "applications": _applications(user),
        "roles": _roles(user),
        "mentorships": _mentorships(user),
        "invitations_to_you": _invitations(user),
        "survey_answers": _survey_answers(user),
        "stipend_requests": _stipend_requests(user),
        "bank_details": _bank_details(user),
        "emails_sent_to_you": _emails(user),
        "erasure_requests": [
            {"requested_at": _when(r.requested_at), "reason": r.reason,
             "status": r.get_status_display()}
            for r in ErasureRequest.objects.filter(user=user).order_by("requested_at")],
        "reminders_paused": sorted(user.reminder_pauses.values_list("kind", flat=True)),
    }
