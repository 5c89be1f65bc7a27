"""Workflows around interest forms: submitting one and deciding on it."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from matching.models import (
    Application,
    ApplicationStatus,
    Mentee,
    MenteeApplication,
    Mentor,
    MentorApplication,
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
    updated_existing: bool


def user_for_email(*, email: str, name: str = "") -> User:
    """The account for `email`, created (with no password) if this is its first visit."""
    email = email.strip().lower()
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"primary": True, "verified": False}
        )
    elif name and not user.name:
        user.name = name
        user.save(update_fields=["name"])
    return user


def application_submit(*, application: Application, research_areas) -> SubmitResult:
    """Save a submitted interest form and email the applicant a confirmation.

    A pending application with the same email for the same program is updated in place
    (and the applicant told so) instead of creating a duplicate. Two identical
    submissions racing each other end the same way: the loser of the insert retries as
    an update.
    """
    try:
        return _submit_once(application, research_areas)
    except IntegrityError:
        return _submit_once(application, research_areas)


@transaction.atomic
def _submit_once(application: Application, research_areas) -> SubmitResult:
    from matching.tasks import send_application_confirmation

    model = type(application)
    application.email = application.email.strip().lower()
    existing = (
        model.objects.select_for_update()
        .filter(program=application.program, email=application.email)
        .pending()
        .first()
    )
    if existing is not None:
        for field in model._meta.concrete_fields:
            if field.name not in _TRIAGE_FIELDS:
                setattr(existing, field.attname, getattr(application, field.attname))
        existing.resubmissions += 1
        target = existing
    else:
        target = application
    target.user = user_for_email(email=target.email, name=target.name)
    target.refresh_flags()
    with transaction.atomic():
        target.save()
    target.research_areas.set(research_areas)

    updated = existing is not None
    kind, pk = target.kind, target.pk
    transaction.on_commit(lambda: send_application_confirmation.delay(kind, pk, updated))
    return SubmitResult(application=target, updated_existing=updated)


@transaction.atomic
def application_decide(
    *,
    application: Application,
    decision: str,
    decided_by: User,
    redirect_to: str = "",
    message: str = "",
) -> Application:
    """Record a triage decision, make accepted people mentors or mentees, email them.

    Raises ValidationError if the decision is not a valid move from the current status.
    Each decision is also written to the admin history with who made it and when.
    """
    from matching.tasks import send_decision_email

    model = type(application)
    locked = model.objects.select_for_update().get(pk=application.pk)
    locked.check_decision(decision, redirect_to)

    locked.status = decision
    locked.decided_at = timezone.now()
    locked.decided_by = decided_by
    locked.redirect_to = redirect_to if decision == ApplicationStatus.REDIRECTED else ""
    locked.decision_message = message.strip()
    locked.save(
        update_fields=[
            "status", "decided_at", "decided_by", "redirect_to", "decision_message",
            "updated_at",
        ]
    )
    if decision == ApplicationStatus.ACCEPTED:
        _make_participant(locked)

    note = f"Decision: {locked.get_status_display()}"
    if locked.redirect_to:
        note += f" ({locked.get_redirect_to_display()})"
    LogEntry.objects.log_actions(
        user_id=decided_by.pk, queryset=[locked], action_flag=CHANGE, change_message=note
    )

    kind, pk = locked.kind, locked.pk
    transaction.on_commit(lambda: send_decision_email.delay(kind, pk, decision))
    return locked


def _make_participant(application: Application) -> None:
    if isinstance(application, MentorApplication):
        Mentor.objects.update_or_create(
            program=application.program,
            user=application.user,
            defaults={
                "application": application,
                "capacity": application.capacity,
                "is_active": True,
            },
        )
    else:
        Mentee.objects.update_or_create(
            program=application.program,
            user=application.user,
            defaults={"application": application, "source": Mentee.Source.APPLICATION},
        )
