"""Alumni follow-ups: months after a mentorship ends (6 and 12 by default, or the offsets
its program sets in *Program outcome settings*), its mentee is asked where they are now:
occupation, full-time in the field, funded or hired (and by whom), publications and
projects, and how much the program contributed. Completed and early-ended mentorships
alike: an evaluation that follows only finishers describes survivors.

Two steps, each exactly once:

1. ``followups_open`` (celery beat, hourly: ``surveys.tasks.open_followups``) creates the
   invitation of every follow-up that has come due within ``GRACE_DAYS`` (one per
   mentorship, kind and offset: a database constraint), for people whose account is
   active. A follow-up missed by more than that (beat down for a month, an offset added
   later) is not sent late: its answer would not be a 6-month answer.
2. The reminder scan (``surveys.reminders``, rule ``survey-followup``) emails each opened,
   unsent follow-up through the message log under its own occasion, skipping people who
   paused follow-ups and erased people (whose accounts are inactive and whose address
   goes nowhere). Unanswered ones are reminded like every survey.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from matching.models import Mentorship, MentorshipStatus, Program

from .dispatch import LINK_DAYS, current_template
from .models import Invitation, ProgramOutcomes, SurveyKind
from .tokens import new_nonce

GRACE_DAYS = 30
ENDED = (MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day if it is shorter: 31 August + 6
    months is 28 or 29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(ended_on: date, months: int) -> date:
    return add_months(ended_on, months)


def followups_open(*, today: date | None = None) -> int:
    """Create the invitations of the follow-ups due today (or in the last ``GRACE_DAYS``)
    that don't exist yet. Returns how many it opened; running it again opens none."""
    today = today or timezone.localdate()
    own = ProgramOutcomes.for_programs()
    # The link's life counts from the day it opened (`today` is a test's or a late run's).
    now = timezone.now() + timedelta(days=(today - timezone.localdate()).days)
    created = 0
    for program in Program.objects.order_by("pk"):
        template = current_template(SurveyKind.MENTEE_FOLLOWUP, program)
        if template is None:
            continue
        months_list = own.get(program.pk, (ProgramOutcomes.DEFAULT_MONTHS,))[0]
        for months in months_list:
            # Ended between (today - grace - months) and (today - months), a few days
            # wider for short months; due_on() decides exactly.
            latest = add_months(today, -months) + timedelta(days=3)
            earliest = add_months(today - timedelta(days=GRACE_DAYS), -months) \
                - timedelta(days=3)
            asked = Invitation.objects.filter(mentorship=OuterRef("pk"),
                                              kind=SurveyKind.MENTEE_FOLLOWUP,
                                              months_after=months)
            candidates = (Mentorship.objects.filter(
                program=program, status__in=ENDED, mentee__isnull=False,
                mentee__user__is_active=True, ended_on__gte=earliest, ended_on__lte=latest)
                .exclude(Exists(asked))
                .values_list("pk", "ended_on", "mentee__user_id"))
            rows = [
                Invitation(kind=SurveyKind.MENTEE_FOLLOWUP, template=template,
                           mentorship_id=pk, person_id=user_id, months_after=months,
                           nonce=new_nonce(), expires_at=now + timedelta(days=LINK_DAYS))
                for pk, ended_on, user_id in candidates
                if due_on(ended_on, months) <= today < due_on(ended_on, months)
                + timedelta(days=GRACE_DAYS)
            ]
            # A second run at the same moment: the constraint keeps one of each.
            created += len(Invitation.objects.bulk_create(rows, ignore_conflicts=True))
    return created
