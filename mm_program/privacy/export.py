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

from mm_program.models import ErasureRequest, Message, User

from .hooks import HOOKS, when

FORMAT_VERSION = 1


def _emails(user: User) -> list[dict]:
    messages = Message.objects.filter(Q(user=user) | Q(recipient__iexact=user.email))
    return [{"kind": kind, "subject": subject, "sent_at": when(sent_at),
             "status": status}
            for kind, subject, sent_at, status in messages.order_by("created_at", "pk")
            .values_list("kind", "subject", "sent_at", "status")]


def person_export(*, user: User) -> dict:
    """Everything the product holds about `user` that is theirs to see, as plain data:
    the account and its emails here, and each app's sections (``hooks``)."""
    document = {
        "format": FORMAT_VERSION,
        "exported_at": when(timezone.now()),
        "account": {
            "email": user.email,
            "name": user.name,
            "joined": when(user.date_joined),
            "last_sign_in": when(user.last_login),
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in user.emailaddress_set.order_by("email")],
        },
    }
    for hooks in HOOKS:
        document.update(hooks.export(user))
    document.update({
        "emails_sent_to_you": _emails(user),
        "erasure_requests": [
            {"requested_at": when(r.requested_at), "reason": r.reason,
             "status": r.get_status_display()}
            for r in ErasureRequest.objects.filter(user=user).order_by("requested_at")],
        "reminders_paused": sorted(user.reminder_pauses.values_list("kind", flat=True)),
    })
    return document
