"""Bringing existing records in (admin → Import): the same workflows as the pages.

An import row goes through the services every other write takes, so the rules hold for
imported rows too: an application becomes a mentor or mentee only by a decision
(``application_decide``), a mentorship starts within the mentor's capacity and one mentor
per mentee (``mentorship_create``), ends through ``mentorship_complete`` or
``mentorship_end_early``, and a meeting passes the checks of a logged one
(``MeetingLog.validate_meeting``). What differs is said here: nobody is emailed unless the organizer
asks (`notify`), an imported application keeps the date it was sent, and a meeting can
be recorded on a mentorship that has ended (it happened before the end).

Each function is one transaction: a row that fails leaves nothing behind.
"""

from dataclasses import dataclass
from datetime import date, datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from matching import notifications
from matching.models import (
    Application,
    ApplicationStatus,
    MeetingLog,
    Mentee,
    Mentor,
    Mentorship,
    MentorshipSource,
    MentorshipStatus,
    Program,
)

from .applications import application_decide, user_for_email, users_for_emails
from .mentorships import (
    mentor_set_capacity,
    mentorship_complete,
    mentorship_create,
    mentorship_end_early,
    mentorship_pause,
    terms_record,
)

User = get_user_model()


ORGANIZER_ADDRESS = ("This address belongs to an organizer's account, which can't take "
                     "part in a program.")


def _is_organizer_account(user) -> bool:
    return user.is_staff or user.is_superuser


def _person(*, email: str, name: str, field: str):
    """The account for an imported address; an organizer's account never takes part."""
    user = user_for_email(email=email, name=name)
    if _is_organizer_account(user):
        raise ValidationError({field: ORGANIZER_ADDRESS})
    return user


def organizer_addresses(*, emails) -> set[str]:
    """Which of these (lower-case) addresses belong to an organizer's account, found as
    ``user_for_email`` finds accounts (by any of their addresses): for a dry run to
    refuse them at their cell, before anything is written."""
    emails = list(emails)
    staff = Q(is_staff=True) | Q(is_superuser=True)
    found = set()
    for start in range(0, len(emails), 1000):
        chunk = emails[start:start + 1000]
        found.update(User.objects.filter(staff).annotate(key=Lower("email"))
                     .filter(key__in=chunk).values_list("key", flat=True))
        found.update(EmailAddress.objects.filter(
            Q(user__is_staff=True) | Q(user__is_superuser=True))
            .annotate(key=Lower("email")).filter(key__in=chunk)
            .values_list("key", flat=True))
    return found


@transaction.atomic
def application_import(*, application: Application, research_areas, decided_by,
                       status: str = "", submitted_at: datetime | None = None,
                       notify: bool = False) -> Application:
    """Save an application from an import: the applicant's account is found or made as
    the interest form makes it, and a decision other than "pending" is taken through
    ``application_decide`` (so accepted people become mentors or mentees). With `notify`,
    the applicant gets the confirmation and the decision emails the form would send."""
    application.email = application.email.strip().lower()
    new = application.pk is None
    if new:
        application.user = _person(email=application.email, name=application.name,
                                   field="email")
    if new and submitted_at is not None:
        application.submitted_at = submitted_at  # the form's own date, not today's
    application.refresh_flags()
    application.save()
    application.research_areas.set(research_areas)
    if new and notify:
        notifications.application_received(application, updated=False)
    if status and status != application.status:
        if status == ApplicationStatus.PENDING:
            raise ValidationError({"status": "A decided application can't be pending again."})
        try:
            application_decide(application=application, decision=status,
                               decided_by=decided_by, notify=notify)
        except ValidationError as exc:
            raise ValidationError({"status": exc.messages}) from exc
        application.refresh_from_db()
    return application


@transaction.atomic
def applications_import_new(*, applications: list[Application], research_areas: dict,
                            submitted_at: dict, notify: bool = False) -> list[Application]:
    """New pending applications from an import, thousands at once: the accounts found or
    made as the form makes them (``users_for_emails``), the flags refreshed, the rows,
    their history and their areas written in batches. `research_areas` and
    `submitted_at` are keyed by position in `applications`."""
    if not applications:
        return []
    model = type(applications[0])
    people = users_for_emails(names={a.email.strip().lower(): a.name for a in applications})
    for index, application in enumerate(applications):
        application.email = application.email.strip().lower()
        application.user = people[application.email]
        if _is_organizer_account(application.user):  # the dry run said so at the cell
            raise ValidationError({"email": f"{application.email}: {ORGANIZER_ADDRESS}"})
        application.refresh_flags()
        # The form's own date (Google Forms' "Timestamp"): an application sent last
        # spring is no new application.
        application.submitted_at = submitted_at.get(index) or timezone.now()
    bulk_create_with_history(applications, model, batch_size=1000)
    through = model.research_areas.through
    owner = f"{model._meta.model_name}_id"
    through.objects.bulk_create(
        [through(**{owner: application.pk, "researcharea_id": area.pk})
         for index, application in enumerate(applications)
         for area in research_areas.get(index, ())], batch_size=2000)
    if notify:
        for application in applications:
            notifications.application_received(application, updated=False)
    return applications


@dataclass
class PairRow:
    """One row of existing pairs, as an import cleaned it."""

    mentor_email: str
    mentee_email: str
    start_date: date
    mentor_name: str = ""
    mentee_name: str = ""
    mentor_capacity: int | None = None
    status: str = MentorshipStatus.ACTIVE
    planned_end_date: date | None = None
    ended_on: date | None = None
    focus: str = ""
    hours_per_week: int | None = None
    meeting_every_weeks: int | None = None
    meeting_minutes: int | None = None
    next_steps: tuple = ()
    end_reason: str = ""
    end_notes: str = ""
    organizer_notes: str = ""


def participant_enrol(*, program: Program, role: str, email: str, name: str = "",
                      capacity: int | None = None) -> Mentor | Mentee:
    """The person's mentor or mentee role in `program`, made if they have none (an
    existing one is kept as it is; a capacity given is set through
    ``mentor_set_capacity``, never under the mentees they have)."""
    field = f"{role}_email"
    user = _person(email=email, name=name, field=field)
    if role == "mentor":
        mentor, created = Mentor.objects.get_or_create(
            program=program, user=user, defaults={"capacity": 1 if capacity is None else capacity})
        if not created and capacity is not None and capacity != mentor.capacity:
            try:
                mentor = mentor_set_capacity(mentor=mentor, capacity=capacity)
            except ValidationError as exc:
                raise ValidationError({"mentor_capacity": exc.messages}) from exc
        return mentor
    mentee, _ = Mentee.objects.get_or_create(
        program=program, user=user, defaults={"source": Mentee.Source.IMPORTED})
    return mentee


# Which column a service's refusal belongs to, by its code.
PAIR_ERROR_FIELDS = {"capacity": "mentor_capacity", "inactive": "mentor_email",
                     "duplicate": "mentee_email", "mentored": "mentee_email",
                     "self": "mentee_email", "program": "mentee_email"}


def _at(field: str, exc: ValidationError) -> ValidationError:
    if hasattr(exc, "error_dict"):
        return exc
    return ValidationError({field: exc.messages})


@transaction.atomic
def mentorship_import(*, program: Program, row: PairRow, by,
                      notify: bool = False) -> Mentorship:
    """Bring in an existing pair: both people's roles, the mentorship from its start
    (within the mentor's capacity then), its terms, and how it stands or ended."""
    mentor = participant_enrol(program=program, role="mentor", email=row.mentor_email,
                               name=row.mentor_name, capacity=row.mentor_capacity)
    mentee = participant_enrol(program=program, role="mentee", email=row.mentee_email,
                               name=row.mentee_name)
    try:
        m = mentorship_create(mentor=mentor, mentee=mentee, source=MentorshipSource.IMPORTED,
                              created_by=by, start_date=row.start_date, notify=notify)
    except ValidationError as exc:
        raise _at(PAIR_ERROR_FIELDS.get(exc.code, "mentee_email"), exc) from exc
    terms = {key: value for key, value in (
        ("focus", row.focus), ("hours_per_week", row.hours_per_week),
        ("meeting_every_weeks", row.meeting_every_weeks),
        ("meeting_minutes", row.meeting_minutes),
        ("planned_end_date", row.planned_end_date)) if value}
    if terms:
        terms_record(mentorship=m, by=by, focus_areas=[], **terms)
    if row.organizer_notes:
        m.organizer_notes = row.organizer_notes
        m.save(update_fields=["organizer_notes"])
    try:
        if row.status == MentorshipStatus.PAUSED:
            m = mentorship_pause(mentorship=m)
        elif row.status == MentorshipStatus.COMPLETED:
            m = mentorship_complete(mentorship=m, next_steps=list(row.next_steps),
                                    notes=row.end_notes, ended_on=row.ended_on,
                                    notify=notify)
        elif row.status == MentorshipStatus.ENDED_EARLY:
            m = mentorship_end_early(mentorship=m, reason=row.end_reason,
                                     notes=row.end_notes, ended_on=row.ended_on,
                                     notify=notify)
    except ValidationError as exc:
        raise _at("status", exc) from exc
    return m


@transaction.atomic
def meeting_import(*, mentorship: Mentorship, by, meeting_date: date, minutes: int,
                   on_track: str, note: str = "") -> MeetingLog:
    """Record a meeting from the meeting history: the checks of a logged meeting, on a
    running mentorship or one that has ended (the meeting was before its end)."""
    m = Mentorship.objects.select_for_update(of=("self",)).get(pk=mentorship.pk)
    if m.is_invitation:
        raise ValidationError({"mentee_email": "This invitation was never accepted: it "
                                               "has no meetings."})
    log = MeetingLog(mentorship=m, date=meeting_date, minutes=minutes, on_track=on_track,
                     note=(note or "").strip(), logged_by=by)
    log.validate_meeting()
    log.save()
    return log
