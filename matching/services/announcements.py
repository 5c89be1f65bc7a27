"""Announcements: who a program's announcement reaches, its preview, and sending it once.

An organizer writes a draft (``Announcement``), sees here how many people it would reach
and the email as they would read it, then sends it. Sending marks the announcement sent
(once: a second click, or two organizers at once, find it sent) and, in the same
transaction, queues one message per person through the message log: the rows are the
record, so nothing waits in a broker that could lose it, and the workers (or the sweeper,
when the broker is down) deliver them. Each message's occasion names the announcement and
the person, so nobody gets it twice.

People who paused announcements (the usual pause link in the email's footer), inactive
accounts and erased people are left out, and the preview says how many paused.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from matching.models import (
    LIVE_STATUSES,
    Announcement,
    Audience,
    Mentee,
    Mentor,
    Mentorship,
    MentorshipStatus,
)
from mm_program.emails import RenderedEmail, absolute_url, render_email
from mm_program.erased import ERASED_DOMAIN
from mm_program.links import PersonalLink
from mm_program.messaging import about_key, handing_over_together, queue
from mm_program.models import Message, ReminderPause
from mm_program.reminders import KIND_LABELS, register_kind

KIND = "announcement"
TEMPLATE = "announcement"
register_kind(KIND, "announcements from the organizers")


def _audience_user_ids(program, audience: str, phase=None) -> Q:
    """Who `audience` names in `program` (in `phase` of it, if given), as a filter on
    users."""
    if phase is not None:
        members = phase.mentorships()
        mentors = Q(pk__in=members.values("mentor__user_id"))
        mentees = Q(pk__in=members.filter(mentee__isnull=False).values("mentee__user_id"))
        if audience == Audience.MENTORS:
            return mentors
        if audience == Audience.MENTEES:
            return mentees
        if audience == Audience.EVERYONE:
            return mentors | mentees
        raise ValueError(f"A phase doesn't narrow {audience!r}")
    mentors = Mentor.objects.filter(program=program, is_active=True).values("user_id")
    mentees = Mentee.objects.filter(program=program)
    current_mentees = mentees.filter(
        Q(mentorships__status__in=LIVE_STATUSES) | Q(mentorships__isnull=True)
    ).values("user_id")
    if audience == Audience.MENTORS:
        return Q(pk__in=mentors)
    if audience == Audience.MENTEES:
        return Q(pk__in=current_mentees)
    if audience == Audience.EVERYONE:
        return Q(pk__in=mentors) | Q(pk__in=current_mentees)
    if audience == Audience.WAITING:
        return Q(pk__in=mentees.filter(mentorships__isnull=True).values("user_id"))
    if audience == Audience.ALUMNI:
        ended = Mentorship.objects.filter(
            program=program,
            status__in=[MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY])
        return (Q(pk__in=ended.values("mentor__user_id"))
                | Q(pk__in=ended.filter(mentee__isnull=False).values("mentee__user_id")))
    raise ValueError(f"No audience {audience!r}")


def audience(program, audience_name: str, phase=None) -> QuerySet:
    """Everyone `audience_name` names in `program` (or in `phase` of it) who can be written
    to (active, not erased), paused or not."""
    return (get_user_model().objects.filter(_audience_user_ids(program, audience_name, phase))
            .filter(is_active=True).exclude(email__iendswith="@" + ERASED_DOMAIN))


def recipients(program, audience_name: str, phase=None) -> QuerySet:
    """Who would get an announcement to `audience_name` (in `phase`) now: the audience
    minus the people who paused announcements."""
    paused = ReminderPause.objects.filter(kind=KIND).values("user_id")
    return audience(program, audience_name, phase).exclude(pk__in=paused).order_by("pk")


@dataclass(frozen=True)
class Preview:
    recipients: int
    paused: int
    email: RenderedEmail


def _context(announcement: Announcement, user) -> dict:
    return {
        "program": announcement.program,
        "announcement": announcement,
        "name": (user.name or "").split(" ")[0] if user is not None else "",
        "dashboard_url": absolute_url(reverse("dashboard")),
        "pause_url": PersonalLink("reminder-pause", user.pk if user else 0, KIND),
        "kind_label": KIND_LABELS[KIND],
    }


def preview(announcement: Announcement) -> Preview:
    """How many it would reach now, how many paused, and the email as the first recipient
    would read it (the pause link shown as a placeholder)."""
    who = (announcement.program, announcement.audience, announcement.phase)
    everyone = audience(*who)
    count = recipients(*who).count()
    first = recipients(*who).first()
    context = _context(announcement, first)
    context["pause_url"] = "(their own pause link)"
    return Preview(recipients=count, paused=everyone.count() - count,
                   email=render_email(TEMPLATE, context))


def announcement_send(*, announcement: Announcement, by) -> int:
    """Send `announcement` to its audience, once: one message per person, queued in the
    transaction that marks it sent. Returns how many people it went to. Raises
    ValidationError, changing nothing, if it was sent already or would reach nobody."""
    announcement.clean()  # the phase, if any, is the program's and fits the audience
    with transaction.atomic():
        claimed = Announcement.objects.filter(pk=announcement.pk, sent_at__isnull=True).update(
            sent_at=timezone.now(), sent_by=by)
        if not claimed:
            raise ValidationError("This announcement was sent already.")
        announcement.refresh_from_db()
        queued = _queue_messages(announcement)
        if not queued:
            raise ValidationError("Nobody is in this audience now: there is no one to send to.")
        Announcement.objects.filter(pk=announcement.pk).update(recipient_count=queued)
    announcement.refresh_from_db()
    return queued


def occasion(announcement_id: int, user_id: int) -> str:
    return f"{KIND}/announcement:{announcement_id}/to:{user_id}"


def _queue_messages(announcement: Announcement) -> int:
    queued = 0
    with handing_over_together():
        for user in recipients(announcement.program, announcement.audience,
                               announcement.phase).only(
                "pk", "email", "name"):
            if queue(TEMPLATE, to=user.email, context=_context(announcement, user),
                     occasion=occasion(announcement.pk, user.pk), user=user,
                     program=announcement.program, about=announcement, kind=KIND,
                     unsubscribe_url=PersonalLink("reminder-pause-one-click", user.pk, KIND)):
                queued += 1
    return queued


def delivery_counts(announcement: Announcement) -> dict[str, int]:
    """How its messages stand in the log: {status: count}."""
    rows = (Message.objects.filter(about=about_key(announcement), kind=KIND)
            .values("status").annotate(n=Count("pk")))
    return {row["status"]: row["n"] for row in rows}
