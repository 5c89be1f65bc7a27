"""Erasure: a participant's request, and the organizers' erasure of a person or of one
application.

A person is erased in place, in one transaction: their account can no longer sign in and
holds no name or address; their applications, mentorships, survey answers, stipends and
emails keep the facts the program's figures and the accounting law need (statuses,
dates, numbers, amounts, references) and lose everything that says who they were or what
they wrote. Wherever the product copied their name or address into someone else's row
(an email to their mentor, a matching run's inputs, the admin's change log, another
applicant's conflicts of interest), it is cut out. Each step also rewrites the model's
change history (``scrub``), so no old version keeps what the current row dropped.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from matching.models import (
    LIVE_STATUSES,
    OPEN_STATUSES,
    ApplicationUpdate,
    FinalProject,
    MatchingRun,
    MeetingLog,
    Mentee,
    MenteeApplication,
    Mentor,
    MentorApplication,
    Mentorship,
    MentorshipStatus,
    Proposal,
)
from mm_program.emails import absolute_url
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
from payments.models import BankDetails, BankDetailsReveal, StipendRequest, StipendStatus
from surveys.models import TEXT_TYPES, Answer, Invitation

from . import ERASED_NAME, erased_email, is_erased_email
from .permissions import can_erase
from .scrub import clear, first_names, name_pattern, needles, pattern_for, scrub, scrub_rows

# What a cleared email body says in the message log.
ERASED_BODY = "(erased)"

# An application's answers that say who the applicant is or what they wrote; choices and
# numbers (occupation, hours, areas, intent) stay for the program's figures.
APPLICATION_CLEARED = {"heard_about": "", "decision_message": "", "organizer_notes": ""}
MENTEE_APPLICATION_CLEARED = {
    **APPLICATION_CLEARED, "field_of_study": "", "research_interests": "", "goals": "",
    "key_uncertainties": "", "funding_reason": "", "cv_url": "", "github_url": "",
    "writing_url": "", "conflicts": "",
}
MENTOR_APPLICATION_CLEARED = {
    **APPLICATION_CLEARED, "organization": "", "expertise": "", "style_notes": "",
    "profile_url": "", "conflicts": "",
    # An erased mentor is no longer shown on the mentee form.
    "listed_for_applicants": False,
}
APPLICATION_MODELS = {MenteeApplication: MENTEE_APPLICATION_CLEARED,
                      MentorApplication: MENTOR_APPLICATION_CLEARED}
# The texts of a mentorship describe the mentee's work, so they go with the mentee; an
# erased mentor takes only what they wrote (their meeting notes and project feedback).
MENTORSHIP_TEXTS = {"focus": "", "next_steps_notes": "", "end_notes": "",
                    "organizer_notes": ""}
MESSAGE_TEXTS = ["subject", "body_text", "body_html", "last_error"]
DATABASE_SESSION_ENGINES = ("django.contrib.sessions.backends.db",
                            "django.contrib.sessions.backends.cached_db",
                            "mm_program.fast_auth")


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

@dataclass
class ErasurePlan:
    """What `person_erase` would do to one person, in words, for the confirmation page."""

    user: User
    steps: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Reasons it cannot be done at all.
    blockers: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.blockers


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _blockers(user: User) -> list[str]:
    if is_erased_email(user.email):
        return ["This person is already erased."]
    if user.is_staff or user.is_superuser:
        return ["This is a staff account: take away its staff status first (staff erase "
                "people, they are not erased from the organizer area)."]
    return []


def _applications(user: User) -> list:
    return [app for model in APPLICATION_MODELS
            for app in model.objects.filter(user=user).select_related("program")]


def _mentorships(user: User):
    return Mentorship.objects.filter(Q(mentor__user=user) | Q(mentee__user=user))


def person_erasure_plan(*, user: User) -> ErasurePlan:
    plan = ErasurePlan(user=user, blockers=_blockers(user))
    if plan.blockers:
        return plan
    applications = _applications(user)
    mentorships = list(_mentorships(user).select_related(
        "program", "mentor__user", "mentee__user"))
    responses = Invitation.objects.filter(person=user, response__isnull=False).count()
    requests = list(StipendRequest.objects.filter(payee=user).order_by("pk"))
    emails = Message.objects.filter(_own_messages(user, _emails(user))).count()

    plan.steps.append(
        f"Sign-in becomes impossible: {_plural(_count_addresses(user), 'email address')} "
        f"and every session and sign-in code are removed, the account is deactivated and "
        f"its address becomes {erased_email(str(user.pk))}.")
    if applications:
        plan.steps.append(
            f"{_plural(len(applications), 'application')}: the name, email, links and every "
            "text they wrote are cleared, with the organizers' notes on them; status, "
            "dates and choices stay for the program's figures.")
    if mentorships:
        plan.steps.append(
            f"{_plural(len(mentorships), 'mentorship')}: the texts about their work "
            "(focus, notes, final project title and link) or the notes they wrote are "
            "cleared; dates, statuses and meeting minutes stay.")
    if responses:
        plan.steps.append(
            f"{_plural(responses, 'survey response')}: free-text answers are cleared; "
            "numbers and choices stay, anonymous, in the impact figures.")
    if requests:
        plan.steps.append(
            f"{_plural(len(requests), 'stipend request')}: kept as accounting law requires "
            "(amounts, dates, payment references, status); the justification and reasons "
            "are cleared.")
    if BankDetails.objects.filter(user=user).exists():
        plan.steps.append("Bank details: deleted.")
    if emails:
        plan.steps.append(f"{_plural(emails, 'email')} in the message log: recipient and "
                          "body are cleared; queued ones are cancelled.")
    plan.steps.append("Their name and address are cut out of emails to others, matching "
                      "runs, the change log and other applicants' conflicts of interest, "
                      "and their first name too out of what others wrote in their "
                      "mentorships (meeting notes, survey answers, stipend requests).")

    for m in mentorships:
        if m.status in LIVE_STATUSES:
            is_mentor = m.mentor.user_id == user.pk
            other = m.mentee.user if is_mentor else m.mentor.user
            plan.warnings.append(
                f"Their mentorship {'of' if is_mentor else 'with'} {other.name or other.email} "
                f"is {m.get_status_display().lower()}: it stays so, with an anonymous "
                f"{'mentor' if is_mentor else 'mentee'}. End it first if it should stop.")
    for req in requests:
        if req.status == StipendStatus.APPROVED:
            plan.warnings.append(
                f"Stipend request {req.pk} ({req.amount} {req.currency}) is approved but "
                "not paid: without bank details it can no longer be paid out. Pay or "
                "reject it first.")
        elif req.status == StipendStatus.SUBMITTED:
            plan.warnings.append(
                f"Stipend request {req.pk} ({req.amount} {req.currency}) waits for a "
                "decision: reject it first, or it stays waiting.")
    for app in applications:
        if app.status in OPEN_STATUSES:
            plan.warnings.append(
                f"Their {app.kind} application to {app.program} is "
                f"{app.get_status_display().lower()}: it stays so, anonymous. Decline it "
                "first if it should leave triage.")
    return plan


# --- erasing a person --------------------------------------------------------------------

def _emails(user: User) -> set[str]:
    """Every address the person used: account, sign-in addresses, applications."""
    found = {user.email.lower()}
    found |= {e.lower() for e in EmailAddress.objects.filter(user=user)
              .values_list("email", flat=True)}
    for model in APPLICATION_MODELS:
        found |= {e.lower() for e in model.objects.filter(user=user)
                  .values_list("email", flat=True)}
    return {e for e in found if e and not is_erased_email(e)}


def _count_addresses(user: User) -> int:
    return EmailAddress.objects.filter(user=user).count()


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
    applications = _applications(user)
    found = needles(user.name, *emails, *(app.name for app in applications))
    pattern = pattern_for(found)
    counts: dict[str, int] = {}

    counts["applications"] = _erase_applications(user, applications, pattern, found)
    counts["mentorships"] = _erase_mentorships(user)
    counts["invitations"] = _erase_invitations(emails)
    counts["survey_answers"] = _erase_survey_answers(user)
    counts.update(_erase_payments(user))
    counts["messages"] = _erase_messages(user, emails, pattern, found)
    counts["copies_elsewhere"] = _scrub_copies(user, pattern, found)
    counts["texts_by_others"] = _scrub_their_mentorships(
        user, pattern, found, first_names(user.name, *(app.name for app in applications)))
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


def _erase_applications(user: User, applications: list, pattern, found) -> int:
    address = erased_email(str(user.pk))
    for model, values in APPLICATION_MODELS.items():
        ids = [app.pk for app in applications if isinstance(app, model)]
        clear(model, Q(user=user), name=ERASED_NAME, email=address, **values)
        _forget_held_updates(model, ids)
        # Other applicants' conflicts of interest may name the person.
        scrub_rows(model.objects.exclude(user=user), ["conflicts"], pattern, found)
    return len(applications)


def _forget_held_updates(model, ids: list[int]) -> None:
    """Answers sent again for these applications and held for confirmation."""
    kind = model.kind
    held = ApplicationUpdate.objects.filter(kind=kind, application_id__in=ids)
    clear(ApplicationUpdate, held.values_list("pk", flat=True), data={})
    held.delete()


def _erase_invitations(emails: set[str]) -> int:
    """Mentors' invitations to one of the person's addresses: a waiting one is
    withdrawn; each keeps neither the address nor the name the mentor typed."""
    to_them = Q(invited_email__in=emails)
    Mentorship.objects.filter(to_them, status=MentorshipStatus.INVITED).update(
        status=MentorshipStatus.DECLINED)
    return clear(Mentorship, to_them, invited_email="", invited_name=ERASED_NAME)


def _erase_mentorships(user: User) -> int:
    as_mentee = Q(mentorship__mentee__user=user)
    as_mentor = Q(mentorship__mentor__user=user)
    count = clear(Mentorship, Q(mentee__user=user), **MENTORSHIP_TEXTS)
    count += Mentorship.objects.filter(mentor__user=user).count()
    clear(Mentorship, Q(ended_by=user), end_notes="")  # their note to the organizers
    clear(MeetingLog, as_mentee | (as_mentor & Q(logged_by=user)), note="")
    clear(FinalProject, as_mentee, title=ERASED_NAME, url="", mentor_feedback="")
    clear(FinalProject, as_mentor, mentor_feedback="")
    clear(Mentee, Q(user=user), timezone="", goals="")
    # Never proposed in a matching run again.
    clear(Mentor, Q(user=user), is_active=False)
    return count


def _erase_survey_answers(user: User) -> int:
    """Free-text answers of the person, and the mentor's free text about them as a
    mentee; numbers and choices stay for the figures. Their survey links stop working."""
    about_them = (Q(response__invitation__person=user)
                  | Q(response__invitation__mentorship__mentee__user=user))
    cleared = clear(Answer, about_them & Q(question__type__in=TEXT_TYPES) & ~Q(text=""),
                    text="")
    for pk in Invitation.objects.filter(person=user).values_list("pk", flat=True):
        clear(Invitation, [pk], nonce=secrets.token_hex(16))
    return cleared


def _erase_payments(user: User) -> dict[str, int]:
    """Stipend records stay (amounts, dates, references, status: the accounting law's
    part) without the person's words; their bank details go."""
    theirs = Q(payee=user)
    count = clear(StipendRequest, theirs, justification="", paid_to="")
    # A rejected request must keep a reason (a database rule): the placeholder is one.
    clear(StipendRequest, theirs & ~Q(rejection_reason=""), rejection_reason=ERASED_NAME)
    clear(StipendRequest, theirs & ~Q(budget_override_reason=""),
          budget_override_reason=ERASED_NAME)
    # Cleared before the delete, so the history's "deleted" row copies nothing either.
    details = clear(BankDetails, Q(user=user), masked="", country="")
    BankDetails.objects.filter(user=user).delete()
    clear(BankDetailsReveal, theirs, account="")
    return {"stipend_requests": count, "bank_details": details}


def _erase_messages(user: User, emails: set[str], pattern, found) -> int:
    own = Message.objects.filter(_own_messages(user, emails))
    own_ids = list(own.values_list("pk", flat=True))
    mine = Message.objects.filter(pk__in=own_ids)
    # The subject stays (the export lists it) without the names in it.
    scrub_rows(mine, ["subject"], pattern, found)
    mine.filter(status=MessageStatus.QUEUED).update(status=MessageStatus.CANCELLED)
    mine.update(recipient="", body_text=ERASED_BODY, body_html="", sealed="", last_error="")
    # Emails to others that name the person (an introduction, a reminder about them).
    scrub_rows(Message.objects.exclude(pk__in=own_ids), MESSAGE_TEXTS, pattern, found)
    return len(own_ids)


def _scrub_copies(user: User, pattern, found) -> int:
    """Where the product copied the person's name or address into rows about others."""
    changed = scrub_rows(LogEntry.objects.all(), ["object_repr", "change_message"],
                         pattern, found)
    programs = set(Mentee.objects.filter(user=user).values_list("program_id", flat=True))
    programs |= set(Mentor.objects.filter(user=user).values_list("program_id", flat=True))
    for run in MatchingRun.objects.filter(program__in=programs):
        inputs, unmatched = scrub(run.inputs, pattern), scrub(run.unmatched, pattern)
        if (inputs, unmatched) != (run.inputs, run.unmatched):
            clear(MatchingRun, [run.pk], inputs=inputs, unmatched=unmatched)
            changed += 1
    proposals = Proposal.objects.filter(run__program__in=programs).only(
        "pk", "summary", "components")
    for proposal in proposals:
        summary = scrub(proposal.summary, pattern)
        components = scrub(proposal.components, pattern)
        if (summary, components) != (proposal.summary, proposal.components):
            clear(Proposal, [proposal.pk], summary=summary, components=components)
            changed += 1
    return changed


# What others write in a mentorship: the other side's meeting notes, survey answers and
# stipend requests, and the organizers' and mentor's notes on the mentorship itself.
SHARED_TEXTS = (
    (Mentorship, "pk", list(MENTORSHIP_TEXTS)),
    (MeetingLog, "mentorship", ["note"]),
    (FinalProject, "mentorship", ["title", "mentor_feedback"]),
    (StipendRequest, "mentorship", ["justification", "rejection_reason",
                                    "budget_override_reason"]),
)


def _scrub_their_mentorships(user: User, pattern, found, first: list[str]) -> int:
    """Cut the person out of what others wrote in their mentorships: the full name and
    addresses, and the first name on its own, where it is written as a name ("met Amara
    on Tuesday"). Elsewhere a first name alone could be anyone's, so it stays."""
    ids = list(_mentorships(user).values_list("pk", flat=True))
    if not ids:
        return 0
    changed = 0
    for needles_, pattern_ in ((found, pattern), (first, name_pattern(first))):
        for model, link, fields in SHARED_TEXTS:
            changed += scrub_rows(model.objects.filter(**{f"{link}__in": ids}), fields,
                                  pattern_, needles_)
        answers = Answer.objects.filter(response__invitation__mentorship__in=ids,
                                        question__type__in=TEXT_TYPES)
        changed += scrub_rows(answers, ["text"], pattern_, needles_)
    return changed


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


# --- one application (the retention job) -------------------------------------------------

@transaction.atomic
def application_anonymise(*, application, trigger: str = Erasure.Trigger.RETENTION,
                          by: User | None = None) -> Erasure | None:
    """Anonymise one application in place: what `_erase_person` does to each of a
    person's applications, and to the emails about it. None if it already was."""
    model = type(application)
    application = model.objects.select_for_update().get(pk=application.pk)
    if is_erased_email(application.email):
        return None
    found = needles(application.name, application.email)
    pattern = pattern_for(found)
    key = about_key(application)
    clear(model, [application.pk], name=ERASED_NAME,
          email=erased_email(f"{application.kind}-application-{application.pk}"),
          **APPLICATION_MODELS[model])
    _forget_held_updates(model, [application.pk])
    about = Message.objects.filter(about=key)
    scrub_rows(about, ["subject"], pattern, found)
    about.filter(status=MessageStatus.QUEUED).update(status=MessageStatus.CANCELLED)
    messages = about.update(recipient="", body_text=ERASED_BODY, body_html="", sealed="",
                            last_error="")
    scrub_rows(LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                       object_id=str(application.pk)),
               ["object_repr", "change_message"], pattern, found)
    return Erasure.objects.create(
        scope=Erasure.Scope.APPLICATION, about=key, user_id=application.user_id,
        trigger=trigger, performed_by=by, counts={"applications": 1, "messages": messages})
