"""Reminder rules of a mentorship (registered with ``mm_program.reminders``).

Only active mentorships are nudged: paused, invited and ended ones never are. Intervals
come from the mentorship's program, so organizers can change them per program.
"""

from datetime import date, timedelta

from django.urls import reverse

from mm_program.emails import absolute_url
from mm_program.reminders import Due, rule

from .models import OVERDUE_GRACE_DAYS, Mentorship, MentorshipStatus, Program


def _active(program: Program):
    return Mentorship.objects.filter(
        program=program, status=MentorshipStatus.ACTIVE
    ).select_related("mentor__user", "mentee__user", "program")


def _base(m: Mentorship, role: str) -> dict:
    me, other = (
        (m.mentor.user, m.mentee.user) if role == "mentor" else (m.mentee.user, m.mentor.user)
    )
    return {
        "name": str(me),
        "other_name": str(other),
        "role": role,
        "program": m.program,
        "mentorship_url": absolute_url(reverse("mentorship_detail", args=[m.pk])),
    }


@rule("meeting-nudge", "reminders to log a meeting")
def meeting_nudges(today: date):
    """Mentor: the mentorship went quiet (``Mentorship.quiet_days_allowed``: the
    program's interval, or the pair's agreed cadence with a week's grace, whichever is
    longer, since the last meeting or the start); again every M days while that lasts. A
    new meeting starts the count again."""
    rows = (Mentorship.objects.quiet(today)
            .select_related("mentor__user", "mentee__user", "program"))
    for m in rows:
        silent = (today - m.quiet_since).days
        n = (silent - m.quiet_days_allowed()) // m.program.remind_no_meeting_repeat_days
        yield Due(
            kind="meeting-nudge",
            occasion=f"meeting-nudge/mentorship:{m.pk}/since:{m.quiet_since}/n:{n}",
            user=m.mentor.user,
            template="reminder-meeting",
            context={
                **_base(m, "mentor"),
                "days": silent,
                "last": m.quiet_since,
                "had_meeting": m.quiet_since != m.start_date,
            },
            program=m.program,
            about=m,
            link=reverse("admin:matching_mentorship_change", args=[m.pk]),
        )


@rule("terms-reminder", "reminders to record the first call")
def terms_reminders(today: date):
    """Both: the first call's terms are not recorded N days after the introduction."""
    for program in Program.objects.all():
        cutoff = today - timedelta(days=program.remind_terms_days)
        rows = _active(program).filter(
            terms_recorded_at__isnull=True, introduced_at__date__lte=cutoff
        )
        for m in rows:
            for role, user in (("mentor", m.mentor.user), ("mentee", m.mentee.user)):
                yield Due(
                    kind="terms-reminder",
                    occasion=f"terms-reminder/mentorship:{m.pk}/to:{role}",
                    user=user,
                    template="reminder-terms",
                    context=_base(m, role),
                    program=program,
                    about=m,
                    link=reverse("admin:matching_mentorship_change", args=[m.pk]),
                )


@rule("end-reminder", "reminders that the mentorship ends soon")
def end_reminders(today: date):
    """Both: the planned end is N days away or less (final project, final call)."""
    for program in Program.objects.all():
        horizon = today + timedelta(days=program.remind_end_days)
        rows = _active(program).filter(planned_end_date__gte=today, planned_end_date__lte=horizon)
        for m in rows:
            for role, user in (("mentor", m.mentor.user), ("mentee", m.mentee.user)):
                yield Due(
                    kind="end-reminder",
                    occasion=f"end-reminder/mentorship:{m.pk}/end:{m.planned_end_date}/to:{role}",
                    user=user,
                    template="reminder-end",
                    context={
                        **_base(m, role),
                        "end": m.planned_end_date,
                        "days": (m.planned_end_date - today).days,
                    },
                    program=program,
                    about=m,
                    link=reverse("admin:matching_mentorship_change", args=[m.pk]),
                )


# The final call is often a little late (OVERDUE_GRACE_DAYS); then the mentor is asked
# weekly, three times.
OVERDUE_TIMES = 3


@rule("final-call-overdue", "reminders to record the final call")
def overdue_reminders(today: date):
    """Mentor: the planned end passed a week ago or more and the mentorship is still open,
    so its final surveys never go out; weekly, at most OVERDUE_TIMES times."""
    for program in Program.objects.all():
        rows = _active(program).final_call_overdue(today)
        for m in rows:
            days = (today - m.planned_end_date).days
            n = (days - OVERDUE_GRACE_DAYS) // 7
            if n >= OVERDUE_TIMES:
                continue
            yield Due(
                kind="final-call-overdue",
                occasion=f"final-call-overdue/mentorship:{m.pk}/end:{m.planned_end_date}/n:{n}",
                user=m.mentor.user,
                template="reminder-overdue",
                context={**_base(m, "mentor"), "end": m.planned_end_date, "days": days},
                program=program,
                about=m,
                link=reverse("admin:matching_mentorship_change", args=[m.pk]),
            )
