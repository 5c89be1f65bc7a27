"""Workflows around interest forms: submitting one and deciding on it."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.account.utils import filter_users_by_email
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from matching import notifications
from matching.models import (
    OPEN_STATUSES,
    Application,
    ApplicationStatus,
    ApplicationUpdate,
    Mentee,
    MenteeApplication,
    Mentor,
    MentorApplication,
    RedirectTarget,
)

User = get_user_model()

# Fields the applicant fills in; everything else on an application belongs to triage.
_TRIAGE_FIELDS = {
    "id", "program", "user", "status", "submitted_at", "updated_at", "resubmissions",
    "decided_at", "decided_by", "redirect_to", "decision_message", "organizer_notes",
}

APPLICATION_MODELS: dict[str, type[Application]] = {
    "mentee": MenteeApplication,
    "mentor": MentorApplication,
}


@dataclass(frozen=True)
class SubmitResult:
    application: Application
    # The submitter is the signed-in owner of an open application, which was updated.
    updated_existing: bool = False
    # An open application exists but the submitter is not signed in as its owner: the
    # answers wait for the owner to confirm them by email (see ApplicationUpdate).
    held_for_confirmation: bool = False


def user_for_email(*, email: str, name: str = "") -> User:
    """The account for `email`, created (with no password) if this is its first visit.

    Looked up through every address an account has, not only its primary one, so that a
    person who changed their address keeps one account.
    """
    email = email.strip().lower()
    users = filter_users_by_email(email, prefer_verified=True)
    if users:
        user = users[0]
        if name and not user.name:
            user.name = name
            user.save(update_fields=["name"])
        return user
    user = User.objects.create_user(email=email, name=name)
    # A brand-new account has no addresses yet. A concurrent submission creating the same
    # account fails on the unique email, and application_submit tries again.
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    return user


def users_for_emails(*, names: dict[str, str]) -> dict[str, User]:
    """``user_for_email`` for many addresses at once ({email: name} → {email: account}),
    in a handful of queries: for imports of thousands of rows. Found the same way
    (any address of an account), made the same way (no password, one unverified
    address)."""
    wanted = {email.strip().lower(): name for email, name in names.items()}
    found: dict[str, User] = {}
    for start in range(0, len(wanted), 1000):
        chunk = list(wanted)[start:start + 1000]
        for user in User.objects.annotate(key=Lower("email")).filter(key__in=chunk):
            found[user.key] = user
        for address in (EmailAddress.objects.annotate(key=Lower("email"))
                        .filter(key__in=[e for e in chunk if e not in found])
                        .select_related("user").order_by("-verified", "pk")):
            found.setdefault(address.key, address.user)
    unnamed = []
    for email, user in found.items():
        if wanted[email] and not user.name:
            user.name = wanted[email]
            unnamed.append(user)
    User.objects.bulk_update(unnamed, ["name"], batch_size=1000)
    new = [User(email=email, name=wanted[email]) for email in wanted if email not in found]
    for user in new:
        user.set_unusable_password()  # people sign in with an emailed code
    User.objects.bulk_create(new, batch_size=1000)
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=user, email=user.email, primary=True, verified=False)
         for user in new], batch_size=1000)
    found.update({user.email: user for user in new})
    return found


def application_submit(
    *, application: Application, research_areas, submitted_by=None, raw_data=None,
    preferred_mentors=None,
) -> SubmitResult:
    """Save a submitted interest form and email the applicant.

    A new application is saved and confirmed. If the same email already has an open
    (pending or waitlisted) application in the program, nothing is duplicated: the
    signed-in owner's answers replace the old ones at once; anyone else's are held as an
    ApplicationUpdate until the address's owner confirms them from their inbox.
    `raw_data` (the posted fields) is what a held update keeps. Two identical
    submissions racing each other end the same way: the loser of the insert retries.
    """
    related = _related(research_areas, preferred_mentors)
    try:
        return _submit_once(application, related, submitted_by, raw_data)
    except IntegrityError:
        # Everything the first try saved was rolled back: start from an unsaved row.
        application.pk = None
        application._state.adding = True
        return _submit_once(application, related, submitted_by, raw_data)


def _related(research_areas, preferred_mentors) -> dict:
    """The many-to-many answers of a form, saved after the application row."""
    related = {"research_areas": research_areas}
    if preferred_mentors is not None:
        related["preferred_mentors"] = preferred_mentors
    return related


def _set_related(application: Application, related: dict, *, new: bool = False) -> None:
    for name, values in related.items():
        if not new:
            getattr(application, name).set(values)
        elif values:  # a new row has nothing to compare with or take away
            getattr(application, name).add(*values)


@transaction.atomic
def _submit_once(application, related, submitted_by, raw_data) -> SubmitResult:
    model = type(application)
    application.email = application.email.strip().lower()
    existing = (
        model.objects.select_for_update()
        .filter(program=application.program, email=application.email)
        .open()
        .first()
    )
    if existing is not None:
        owner_signed_in = submitted_by is not None and submitted_by.pk == existing.user_id
        if not owner_signed_in:
            update = ApplicationUpdate.objects.create(
                kind=existing.kind, application_id=existing.pk, data=raw_data or {}
            )
            notifications.update_confirmation(update, existing)
            return SubmitResult(application=existing, held_for_confirmation=True)
        _replace_answers(existing, application, related)
        notifications.application_received(existing, updated=True)
        return SubmitResult(application=existing, updated_existing=True)

    application.user = user_for_email(email=application.email, name=application.name)
    application.refresh_flags()
    application.save()
    _set_related(application, related, new=True)
    notifications.application_received(application, updated=False)
    return SubmitResult(application=application)


def _replace_answers(existing: Application, submitted: Application, related: dict) -> None:
    for field in type(existing)._meta.concrete_fields:
        if field.name not in _TRIAGE_FIELDS and field.name != "email":
            setattr(existing, field.attname, getattr(submitted, field.attname))
    existing.resubmissions += 1
    existing.refresh_flags()
    existing.save()
    _set_related(existing, related)


@transaction.atomic
def application_update_confirm(*, update: ApplicationUpdate, form) -> Application:
    """Apply held answers that the application's owner confirmed from their inbox.

    `form` is the interest form bound to the held data, already validated. Raises
    ValidationError if the update was used already or the application is no longer open.
    """
    update = ApplicationUpdate.objects.select_for_update().get(pk=update.pk)
    if update.applied_at is not None:
        raise ValidationError("These changes were already applied.")
    model = APPLICATION_MODELS[update.kind]
    existing = model.objects.select_for_update().filter(pk=update.application_id).first()
    if existing is None or existing.status not in OPEN_STATUSES:
        raise ValidationError(
            "Your application has been decided since, so it can't be changed any more. "
            "You're welcome to apply again."
        )
    submitted = form.save(commit=False)
    submitted.program = existing.program
    _replace_answers(existing, submitted, _related(
        form.cleaned_data["research_areas"], form.cleaned_data.get("preferred_mentors")
    ))
    update.applied_at = timezone.now()
    update.save(update_fields=["applied_at"])
    notifications.application_received(existing, updated=True)
    return existing


@transaction.atomic
def application_decide(
    *,
    application: Application,
    decision: str,
    decided_by: User,
    redirect_to: RedirectTarget | None = None,
    message: str = "",
    notify: bool = True,
) -> Application:
    """Record a triage decision, make accepted people mentors or mentees, email them
    (unless `notify` is False: decisions brought in by an import).

    Raises ValidationError if the decision is not a valid move from the current status.
    Each decision is also written to the admin log and the application's change history
    with who made it and when.
    """
    model = type(application)
    locked = model.objects.select_for_update().get(pk=application.pk)
    locked.check_decision(decision, redirect_to)

    locked.status = decision
    locked.decided_at = timezone.now()
    locked.decided_by = decided_by
    locked.redirect_to = redirect_to if decision == ApplicationStatus.REDIRECTED else None
    locked.decision_message = message.strip()
    note = f"Decision: {locked.get_status_display()}"
    if locked.redirect_to:
        note += f" ({locked.redirect_to.name})"
    # The change history (simple_history) names the organizer even outside a request
    # (a shell, a command), and says what the change was.
    locked._history_user = decided_by
    locked._change_reason = note
    locked.save(
        update_fields=[
            "status", "decided_at", "decided_by", "redirect_to", "decision_message",
            "updated_at",
        ]
    )
    if decision == ApplicationStatus.ACCEPTED:
        _make_participant(locked)

    LogEntry.objects.log_actions(
        user_id=decided_by.pk, queryset=[locked], action_flag=CHANGE, change_message=note
    )

    if notify:
        notifications.decision(locked, decision)
    return locked


def _make_participant(application: Application) -> None:
    """Make the accepted person a mentor or mentee of the program. Someone who already is
    one keeps their role as it stands (a paused mentor stays paused, a capacity they
    changed stays changed): the new application is only linked to it."""
    if isinstance(application, MentorApplication):
        mentor, created = Mentor.objects.get_or_create(
            program=application.program,
            user=application.user,
            defaults={"application": application, "capacity": application.capacity},
        )
        if not created:
            mentor.application = application
            mentor.save(update_fields=["application"])
    else:
        mentee, created = Mentee.objects.get_or_create(
            program=application.program,
            user=application.user,
            defaults={"application": application, "source": Mentee.Source.APPLICATION},
        )
        if not created:
            mentee.application = application
            mentee.save(update_fields=["application"])
