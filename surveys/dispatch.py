"""Sending surveys: the mentee's baseline when a mentorship starts, both final surveys when
it completes, both exit surveys when it ends early. Connected to ``matching.signals`` in
``SurveysConfig.ready()``. (Alumni follow-ups months later: ``surveys.followups``.)

Each invitation exists once per mentorship and kind (a database constraint) and its email
goes through ``mm_program.messaging`` under one occasion, so a signal that fires twice, or
two workers racing, invite and email once. Every invitation is emailed at once: the
baseline's link goes in the mentee's introduction (one email rather than two), so that
the mentee answers it before the first call changes anything, or in its own email when
the start introduced nobody (the signal fires on commit); the reminder scan
(``surveys.reminders``) emails any baseline whose email was never queued.
"""

from __future__ import annotations

import logging
import math
from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from matching.models import Mentorship, MentorshipStatus
from mm_program import messaging
from mm_program.links import PersonalLink

from . import question_types
from .models import MENTEE_KINDS, Invitation, SurveyKind, SurveyTemplate
from .tokens import new_nonce

logger = logging.getLogger(__name__)

# How long a survey link works. Reminders go out after 7 and 14 days.
LINK_DAYS = 45
# The surveys each way of ending sends, to both sides: a survey of finishers only would
# describe the survivors (those the program failed often stop early).
END_SURVEYS = {
    MentorshipStatus.COMPLETED: (SurveyKind.MENTEE_FINAL, SurveyKind.MENTOR_FINAL),
    MentorshipStatus.ENDED_EARLY: (SurveyKind.MENTEE_EXIT, SurveyKind.MENTOR_EXIT),
}


def minutes_to_answer(questions) -> int:
    """The "about N minutes" on the page and in emails: each type's seconds, rounded up,
    forgiving the first quarter minute over."""
    seconds = sum(question_types.of(q).seconds for q in questions)
    return max(1, math.ceil(seconds / 60 - 0.25))


def current_template(kind: str, program) -> SurveyTemplate | None:
    """The program's own current template of this kind, else the default one."""
    found = list(SurveyTemplate.objects.current().filter(kind=kind)
                 .filter(Q(program=program) | Q(program__isnull=True)))
    own = [t for t in found if t.program_id is not None]
    return (own or found or [None])[0]


def _person(mentorship: Mentorship, kind: str):
    return mentorship.mentee.user if kind in MENTEE_KINDS else mentorship.mentor.user


def email_context(invitation: Invitation) -> dict:
    m = invitation.mentorship
    me = invitation.person
    other = m.mentor.user if invitation.kind in MENTEE_KINDS else m.mentee.user
    questions = list(invitation.template.questions.all())
    return {
        "name": str(me),
        "other_name": str(other),
        "kind": invitation.kind,
        "is_baseline": invitation.kind == SurveyKind.MENTEE_BASELINE,
        "is_mentor": invitation.kind in (SurveyKind.MENTOR_FINAL, SurveyKind.MENTOR_EXIT),
        "is_exit": invitation.is_exit,
        "is_followup": invitation.is_followup,
        "months_after": invitation.months_after,
        "program": m.program,
        "survey_url": PersonalLink("survey", invitation.pk),
        "minutes": minutes_to_answer(questions),
        "question_count": len(questions),
        "expires_at": invitation.expires_at,
    }


def invitation_occasion(invitation: Invitation, *, renewed: bool = False) -> str:
    """The message log's key for the invitation's email: one per invitation, and one more
    for each renewed link (each has its own nonce)."""
    occasion = f"survey-invitation/{invitation.kind}/mentorship:{invitation.mentorship_id}"
    if invitation.months_after:
        occasion += f"/months:{invitation.months_after}"
    return f"{occasion}/link:{invitation.nonce}" if renewed else occasion


def email_invitation(*, invitation: Invitation, renewed: bool = False) -> None:
    """Queue the email with the invitation's link, once per occasion (it sets
    ``sent_at``, through ``track_messages``, when the message is recorded)."""
    messaging.queue(
        "survey-invitation", to=invitation.person.email, context=email_context(invitation),
        occasion=invitation_occasion(invitation, renewed=renewed), user=invitation.person,
        program=invitation.mentorship.program, about=invitation,
    )


def invite(*, mentorship: Mentorship, kind: str, send: bool = True) -> Invitation | None:
    """Invite the right person of `mentorship` to the survey `kind`, once, and (with
    `send`) email them the link once. Returns the invitation (new or existing), or None
    when there is no template or the person's account is closed."""
    template = current_template(kind, mentorship.program)
    if template is None:
        logger.warning("No %s survey template for %s: nobody invited", kind,
                       mentorship.program)
        return None
    person = _person(mentorship, kind)
    if not person.is_active:
        return None
    with transaction.atomic():
        invitation, _ = Invitation.objects.get_or_create(
            mentorship=mentorship, kind=kind,
            defaults={"template": template, "person": person, "nonce": new_nonce(),
                      "expires_at": timezone.now() + timedelta(days=LINK_DAYS)},
        )
        if send and invitation.sent_at is None:
            invitation.mentorship = mentorship
            email_invitation(invitation=invitation)
    return invitation


def baseline_in_introduction(mentorship: Mentorship, role: str) -> dict:
    """The mentee's introduction carries their baseline survey's link: one email rather
    than two (``matching.notifications.INTRODUCTION_EXTRAS``). The invitation is made
    now and counted as sent with it, so the start's signal and the scan find it sent, and
    reminders follow as for any invitation."""
    if role != "mentee":
        return {}
    invitation = invite(mentorship=mentorship, kind=SurveyKind.MENTEE_BASELINE, send=False)
    if invitation is None or invitation.sent_at is not None:
        return {}
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=timezone.now())
    questions = list(invitation.template.questions.all())
    return {"baseline_url": PersonalLink("survey", invitation.pk),
            "baseline_count": len(questions), "baseline_minutes": minutes_to_answer(questions)}


def _fresh(mentorship: Mentorship) -> Mentorship:
    return Mentorship.objects.select_related("program", "mentor__user", "mentee__user").get(
        pk=mentorship.pk)


def on_mentorship_started(sender, mentorship, **kwargs) -> None:
    invite(mentorship=_fresh(mentorship), kind=SurveyKind.MENTEE_BASELINE)


def on_mentorship_ended(sender, mentorship, **kwargs) -> None:
    m = _fresh(mentorship)
    for kind in END_SURVEYS.get(m.status, ()):
        invite(mentorship=m, kind=kind)


def track_messages(sender, instance, created, **kwargs) -> None:
    """Keep an invitation's sent time and reminder count as the message log records its
    emails (a post_save receiver on mm_program.Message). A message row is created once
    per occasion, so each email counts once."""
    prefix = f"{Invitation._meta.label_lower}:"
    if not created or not instance.about.startswith(prefix):
        return
    rows = Invitation.objects.filter(pk=int(instance.about[len(prefix):]))
    if instance.kind in ("survey-invitation", "survey-followup"):
        rows.filter(sent_at__isnull=True).update(sent_at=instance.created_at)
    elif instance.kind == "survey-reminder":
        rows.update(reminders_sent=F("reminders_sent") + 1,
                    last_reminded_at=instance.created_at)
