"""Survey emails found by the reminder scan (rules registered with ``mm_program.reminders``).

- ``survey-invitation``: a baseline survey whose email was never queued (it is emailed
  when the mentorship starts; this catches one created without it). Only while the
  mentorship is active.
- ``survey-followup``: an alumni follow-up opened by ``surveys.followups`` and not yet
  emailed. People who paused follow-ups get none, and no reminders of them either.
- ``survey-reminder``: an unanswered survey is reminded 7 days after the invitation was
  sent and again 7 days later, then never again.

Reminder n (1 or 2) is due from day 7 × n after the invitation was sent; only the latest
due one is offered, so a scan that was down for two weeks sends one reminder, not two.
Each has its own occasion, so the message log sends it once. Answered (submitted) and
expired invitations get none; people who paused "survey-reminder" get none either, and
a baseline gets none once its mentorship is paused or over (the finals, sent when it
completed, are reminded as usual).
"""

from datetime import date, timedelta

from django.db.models import Q
from django.urls import reverse

from matching.models import MentorshipStatus
from mm_program.reminders import Due, rule

from .dispatch import email_context, invitation_occasion
from .models import Invitation, SurveyKind

KIND = "survey-reminder"
INVITATION_KIND = "survey-invitation"
FOLLOWUP_KIND = "survey-followup"
REMIND_AFTER_DAYS = 7
MAX_REMINDERS = 2


def reminder_number(sent_on: date, today: date) -> int:
    """Which reminder is due on `today` for an invitation sent on `sent_on` (0: none)."""
    return min(MAX_REMINDERS, max(0, (today - sent_on).days // REMIND_AFTER_DAYS))


def _pending():
    return (
        Invitation.objects.filter(person__is_active=True)
        .exclude(response__submitted_at__isnull=False)
        .select_related("template", "person", "mentorship__program",
                        "mentorship__mentor__user", "mentorship__mentee__user")
        .prefetch_related("template__questions")
        .order_by("pk")
    )


@rule(INVITATION_KIND, "survey invitations")
def baseline_invitations(today: date):
    rows = _pending().filter(
        kind=SurveyKind.MENTEE_BASELINE, sent_at__isnull=True, created_at__date__lt=today,
        expires_at__date__gt=today, mentorship__status=MentorshipStatus.ACTIVE,
    )
    for invitation in rows:
        yield Due(
            kind=INVITATION_KIND,
            occasion=invitation_occasion(invitation),
            user=invitation.person,
            template=INVITATION_KIND,
            context=email_context(invitation),
            program=invitation.mentorship.program,
            about=invitation,
            link=reverse("admin:surveys_invitation_change", args=[invitation.pk]),
        )


@rule(FOLLOWUP_KIND, "alumni follow-up surveys")
def followup_invitations(today: date):
    rows = _pending().filter(kind=SurveyKind.MENTEE_FOLLOWUP, sent_at__isnull=True,
                             expires_at__date__gt=today)
    for invitation in rows:
        yield Due(
            kind=FOLLOWUP_KIND,
            occasion=invitation_occasion(invitation),
            user=invitation.person,
            template=FOLLOWUP_KIND,
            context=email_context(invitation),
            program=invitation.mentorship.program,
            about=invitation,
            link=reverse("admin:surveys_invitation_change", args=[invitation.pk]),
        )


@rule(KIND, "reminders to answer a survey")
def survey_reminders(today: date):
    rows = _pending().filter(
        sent_at__date__lte=today - timedelta(days=REMIND_AFTER_DAYS),
        expires_at__date__gt=today,
        reminders_sent__lt=MAX_REMINDERS,
    ).exclude(Q(kind=SurveyKind.MENTEE_BASELINE)
              & ~Q(mentorship__status=MentorshipStatus.ACTIVE)
              ).exclude(Q(kind=SurveyKind.MENTEE_FOLLOWUP)
                        & Q(person__reminder_pauses__kind=FOLLOWUP_KIND))
    for invitation in rows:
        n = reminder_number(invitation.sent_at.date(), today)
        if n <= invitation.reminders_sent:
            continue
        yield Due(
            kind=KIND,
            occasion=f"{KIND}/invitation:{invitation.pk}/n:{n}",
            user=invitation.person,
            template=KIND,
            context={**email_context(invitation), "reminder": n,
                     "last_reminder": n == MAX_REMINDERS},
            program=invitation.mentorship.program,
            about=invitation,
            link=reverse("admin:surveys_invitation_change", args=[invitation.pk]),
        )
