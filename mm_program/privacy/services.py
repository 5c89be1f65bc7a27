"""Erasure: a participant's request, and the organizers' erasure of a person.

A person is erased in place, in one transaction: their account can no longer sign in and
holds no name or address; their applications, mentorships, survey answers, stipends and
emails keep the facts the program's figures and the accounting law need (statuses,
dates, numbers, amounts, references) and lose everything that says who they were or what
they wrote. Wherever the product copied their name or address into someone else's row
(an email to their mentor, a matching run's inputs, the admin's change log, another
applicant's conflicts of interest), it is cut out. Each step also rewrites the model's
change history (``scrub``), so no old version keeps what the current row dropped.

The ground does its own part (the account, its addresses and sessions, the message log,
the change log) and asks every app's registered hooks for theirs (``hooks``).
"""

from __future__ import annotations

import json
from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model, Q
from django.urls import reverse
from django.utils import timezone

from mm_program.emails import absolute_url
from mm_program.erased import ERASED_NAME, erased_email, is_erased_email
from mm_program.messaging import about_key, queue
from mm_program.models import (
    Erasure,
    ErasureRequest,
    ErasureRequestStatus,
    Message,
    MessageStatus,
    ReminderPause,
    User,
)

from .hooks import HOOKS, Erasing, ErasurePlan
from .permissions import can_erase
from .scrub import clear, first_names, name_pattern, needles, pattern_for, scrub_rows

# What a cleared email body says in the message log.
ERASED_BODY = "(erased)"
MESSAGE_TEXTS = ["subject", "body_text", "body_html", "last_error"]
UNSENT = (MessageStatus.QUEUED, MessageStatus.SENDING)
DATABASE_SESSION_ENGINES = ("django.contrib.sessions.backends.db",
                            "django.contrib.sessions.backends.cached_db")


# --- the participant's request -------------------------------------------------------------

def erasure_request_create(*, user: User, reason: str = "") -> tuple[ErasureRequest, bool]:
    """Record that `user` asks to be erased and email them an acknowledgement.

    Returns (request, created). While a request is open, asking again returns it unchanged
    (a reason typed the second time is added to it if the first had none)."""
    reason = reason.strip()
    with transaction.atomic():
        # Lock the person, so two clicks at once make one request.
        User.objects.select_for_update().filter(pk=user.pk).first()
        existing = ErasureRequest.objects.filter(
            user=user, status=ErasureRequestStatus.OPEN).first()
        if existing is not None:
            if reason and not existing.reason:
                existing.reason = reason
                existing.save(update_fields=["reason"])
            return existing, False
        try:
            with transaction.atomic():
                request = ErasureRequest.objects.create(user=user, reason=reason)
        except IntegrityError:  # another process made it between our check and insert
            return ErasureRequest.objects.get(user=user,
                                              status=ErasureRequestStatus.OPEN), False
        queue("erasure-requested", to=user.email, user=user, about=request,
              occasion=f"erasure-requested/erasurerequest:{request.pk}",
              context={"name": user.name, "request": request,
                       "privacy_url": absolute_url(reverse("privacy"))})
    return request, True


# --- what erasing a person does ----------------------------------------------------------

def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _blockers(user: User) -> list[str]:
    if is_erased_email(user.email):
        return ["This person is already erased."]
    if user.is_staff or user.is_superuser:
        return ["This is a staff account: take away its staff status first (staff erase "
                "people, they are not erased from the organizer area)."]
    return []


def person_erasure_plan(*, user: User) -> ErasurePlan:
    plan = ErasurePlan(user=user, blockers=_blockers(user))
    if plan.blockers:
        return plan
    plan.steps.append(
        f"Sign-in becomes impossible: "
        f"{plural(EmailAddress.objects.filter(user=user).count(), 'email address')} and "
        f"every session and sign-in code are removed, the account is deactivated and its "
        f"address becomes {erased_email(str(user.pk))}.")
    for hooks in HOOKS:
        hooks.plan(user, plan)
    emails = Message.objects.filter(_own_messages(user, _emails(user))).count()
    if emails:
        plan.steps.append(f"{plural(emails, 'email')} in the message log: recipient and "
                          "body are cleared; queued ones are cancelled.")
    plan.steps.append("Their name and address are cut out of emails to others, matching "
                      "runs, the change log and other applicants' conflicts of interest, "
                      "and their first name too out of what others wrote in their "
                      "mentorships (meeting notes, survey answers, stipend requests).")
    return plan


# --- erasing a person --------------------------------------------------------------------

def _emails(user: User) -> set[str]:
    """Every address the person used: the account's, its sign-in addresses, and those
    the apps hold (an application's)."""
    found = {user.email.lower()}
    found |= {e.lower() for e in EmailAddress.objects.filter(user=user)
              .values_list("email", flat=True)}
    for hooks in HOOKS:
        found |= {e.lower() for e in hooks.addresses(user)}
    return {e for e in found if e and not is_erased_email(e)}


def _own_messages(user: User, emails: set[str]) -> Q:
    return Q(user=user) | Q(recipient__in=emails)


def person_erase(*, user: User, by: User, request: ErasureRequest | None = None) -> Erasure:
    """Erase `user` (see the module's docstring), for an organizer `by`; all or nothing.

    Raises PermissionDenied unless `by` may erase people, ValidationError if the person
    cannot be erased (already erased, a staff account)."""
    if not can_erase(by):
        raise PermissionDenied("Only organizers erase people.")
    trigger = Erasure.Trigger.REQUEST if request is not None else Erasure.Trigger.ORGANIZER
    return _erase_person(user=user, by=by, trigger=trigger, request=request)


@transaction.atomic
def _erase_person(*, user: User, by: User | None, trigger: str,
                  request: ErasureRequest | None = None) -> Erasure:
    user = User.objects.select_for_update().get(pk=user.pk)
    blockers = _blockers(user)
    if blockers:
        raise ValidationError(blockers)
    emails = _emails(user)
    names = [name for hooks in HOOKS for name in hooks.names(user)]
    found = needles(user.name, *emails, *names)
    first = first_names(user.name, *names)
    erasing = Erasing(user=user, emails=emails, found=found, pattern=pattern_for(found),
                      first=first, first_pattern=name_pattern(first))
    counts: dict[str, int] = {}
    for hooks in HOOKS:
        counts.update(hooks.erase(erasing))
    counts["messages"] = _erase_messages(erasing)
    counts["copies_elsewhere"] = _scrub_copies(erasing)
    counts["texts_by_others"] = sum(hooks.scrub_texts_by_others(erasing) for hooks in HOOKS)
    counts.update(_close_sign_in(user, emails))

    now = timezone.now()
    open_requests = ErasureRequest.objects.filter(user=user,
                                                  status=ErasureRequestStatus.OPEN)
    open_requests.update(status=ErasureRequestStatus.DONE, closed_at=now, closed_by=by)
    clear(ErasureRequest, Q(user=user), reason="")
    erasure = Erasure.objects.create(
        scope=Erasure.Scope.PERSON, about=about_key(user), user=user, trigger=trigger,
        request=request, performed_by=by, performed_at=now, counts=counts)
    if by is not None:
        user.refresh_from_db()
        LogEntry.objects.log_actions(
            user_id=by.pk, queryset=[user], action_flag=CHANGE,
            change_message=f"Personal data erased (erasure record {erasure.pk})")
    return erasure


def person_erase_for_retention(*, user: User) -> Erasure:
    """Erase a person whose only trace the retention period has ended (no organizer)."""
    return _erase_person(user=user, by=None, trigger=Erasure.Trigger.RETENTION)


def person_keeps_records(user: User, *, ignoring: Model | None = None) -> bool:
    """Whether the program keeps anything of the person besides `ignoring`: a staff
    account, or a record an app keeps (a role, a stipend, a survey, an application)."""
    if user.is_staff or user.is_superuser or is_erased_email(user.email):
        return True
    return any(hooks.keeps(user, ignoring=ignoring) for hooks in HOOKS)


def _erase_messages(erasing: Erasing) -> int:
    own = Message.objects.filter(_own_messages(erasing.user, erasing.emails))
    own_ids = list(own.values_list("pk", flat=True))
    mine = Message.objects.filter(pk__in=own_ids)
    # The subject stays (the export lists it) without the names in it.
    scrub_rows(mine, ["subject"], erasing.pattern, erasing.found)
    # Waiting, or claimed by a worker (one already on the wire may still arrive; none is
    # tried again, since the worker records only what it still holds).
    mine.filter(status__in=UNSENT).update(status=MessageStatus.CANCELLED)
    mine.update(recipient="", body_text=ERASED_BODY, body_html="", sealed="", last_error="")
    # Emails to others that name the person (an introduction, a reminder about them).
    scrub_rows(Message.objects.exclude(pk__in=own_ids), MESSAGE_TEXTS, erasing.pattern,
               erasing.found)
    return len(own_ids)


def _scrub_copies(erasing: Erasing) -> int:
    """Where the product copied the person's name or address into rows about others:
    the change log here, and what each app copied."""
    changed = scrub_rows(LogEntry.objects.all(), ["object_repr", "change_message"],
                         erasing.pattern, erasing.found)
    return changed + sum(hooks.scrub_copies(erasing) for hooks in HOOKS)


def _close_sign_in(user: User, emails: set[str]) -> dict[str, int]:
    """No way back in: no address to send a code to, no session, no password, inactive."""
    addresses, _ = EmailAddress.objects.filter(user=user).delete()
    sessions = _delete_sessions(user, emails)
    ReminderPause.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    # "(erased)" rather than nothing: what the other side's reminders and the admin's
    # lists show in place of the person.
    clear(User, [user.pk], email=erased_email(str(user.pk)), name=ERASED_NAME, is_active=False,
          is_staff=False, is_superuser=False, password=make_password(None),
          last_login=None)
    return {"email_addresses": addresses, "sessions": sessions}


def _delete_sessions(user: User, emails: set[str]) -> int:
    """Sessions signed in as the person, or holding a sign-in code on its way to them.

    Only database-backed sessions can be listed; with any other engine the new unusable
    password already ends the person's sessions (Django checks its hash on each request)."""
    if settings.SESSION_ENGINE not in DATABASE_SESSION_ENGINES:
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    doomed = []
    for key, data in Session.objects.values_list("session_key", "session_data").iterator():
        decoded = store().decode(data)
        login = decoded.get("account_login") or {}
        text = json.dumps(decoded, default=str).lower()
        if (str(decoded.get("_auth_user_id")) == str(user.pk)
                or str(login.get("user_pk")) == str(user.pk)
                or any(address in text for address in emails)):
            doomed.append(key)
    for key in doomed:
        store(session_key=key).delete()
    return len(doomed)


# --- what one row was about (the retention job, an app's anonymising) ---------------------

def messages_about_erase(about: Model, *, found: list[str]) -> int:
    """The emails about one row (an application): recipients and bodies cleared, names
    cut from their subjects, queued ones cancelled. Returns how many."""
    pattern = pattern_for(found)
    messages = Message.objects.filter(about=about_key(about))
    scrub_rows(messages, ["subject"], pattern, found)
    messages.filter(status__in=UNSENT).update(status=MessageStatus.CANCELLED)
    return messages.update(recipient="", body_text=ERASED_BODY, body_html="", sealed="",
                           last_error="")


def log_entries_scrub(about: Model, *, found: list[str]) -> int:
    """Names cut out of the admin change log's lines about one row."""
    entries = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(about),
                                      object_id=str(about.pk))
    return scrub_rows(entries, ["object_repr", "change_message"], pattern_for(found), found)
