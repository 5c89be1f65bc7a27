"""Workflows of a mentorship: start it, record its terms and meetings, end it.

Every write to a mentorship goes through here, so that the moves between statuses
(``Mentorship.TRANSITIONS``) and a mentor's capacity hold whoever makes the change: an
organizer in admin, a matching run's approval, or a mentor adding their own mentee.

Capacity: a mentor's live mentorships (invited, active, paused) never exceed their
capacity. Creating one locks the mentor's row first (``SELECT … FOR UPDATE``), so two
organizers approving at the same moment are served one after the other and the second
one sees the first one's mentorship when it counts. A database trigger holds the same
rule for every write (migration ``matching 0006``), should anything bypass this module.
"""

from collections.abc import Callable
from datetime import date

from allauth.account.models import EmailAddress
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from matching import notifications, signals
from matching.models import (
    RUNNING_STATUSES,
    FinalProject,
    MeetingLog,
    Mentee,
    Mentor,
    Mentorship,
    MentorshipSource,
    MentorshipStatus,
    validate_next_steps,
)

from .applications import user_for_email
from .cohort_slots import slots_floor
from .invitation_rules import adding_refused, invitation_address_problem

# Named in the IntegrityError of the trigger that keeps live mentorships within capacity
# (migration matching 0006).
CAPACITY_TRIGGER = "mentorship_mentor_capacity"


def mentor_load(mentor: Mentor) -> int:
    """How many of the mentor's places are taken (``Mentor.objects.with_load``)."""
    return Mentor.objects.load_of(mentor)


def default_end_date(program, start: date) -> date:
    """The shortest duration from `start`, or the end of the phases everyone goes through."""
    return (program.phases_end_date(start)
            or start + relativedelta(months=program.duration_months_min))


def mentorship_create(
    *,
    mentor: Mentor,
    mentee: Mentee,
    source: str,
    created_by=None,
    start_date: date | None = None,
    notify: bool = True,
) -> Mentorship:
    """Start a mentorship within the mentor's capacity, and email both sides (unless
    `notify` is False: an import of existing pairs, which sends nothing, no survey either).

    Raises ValidationError with a message for the person who asked when the mentor is
    inactive or full, the pair already has a live mentorship, the mentee is already
    mentored by someone else, or the two are not in the same program.
    """
    with transaction.atomic():
        mentor = _locked_mentor(mentor)
        # Locked too (after the mentor, always in that order): two organizers matching
        # the same mentee to two different mentors at once are served one at a time, and
        # the second sees that the mentee is already mentored.
        mentee = Mentee.objects.select_for_update(of=("self",)).select_related("user").get(
            pk=mentee.pk)
        who = str(mentor.user)
        if mentee.program_id != mentor.program_id:
            raise ValidationError("The mentor and the mentee are in different programs.",
                                  code="program")
        if mentee.user_id == mentor.user_id:
            raise ValidationError("A person cannot mentor themselves.", code="self")
        if not mentor.is_active:
            raise ValidationError(f"{who} is not an active mentor.", code="inactive")
        live = Mentorship.objects.live()
        if live.filter(mentor=mentor, mentee=mentee).exists():
            raise ValidationError(f"{who} and {str(mentee.user)} already have a mentorship.",
                                  code="duplicate")
        other = live.filter(mentee=mentee).select_related("mentor__user").first()
        if other is not None:
            raise ValidationError(
                f"{str(mentee.user)} is already mentored by {str(other.mentor.user)}.",
                code="mentored",
            )
        mentorship = _new(mentor, start_date, mentee=mentee, source=source,
                          created_by=created_by, status=MentorshipStatus.ACTIVE,
                          introduced_at=timezone.now())
        _save_within_capacity(mentorship, mentor, duplicate=ValidationError(
            f"{who} and {str(mentee.user)} already have a mentorship.", code="duplicate"))
        if notify:
            notifications.introduction(mentorship)
            _on_commit_signal(signals.mentorship_started, mentorship)
    return mentorship


def _locked_mentor(mentor: Mentor) -> Mentor:
    return Mentor.objects.select_for_update().select_related("user", "program").get(
        pk=mentor.pk)


def _new(mentor: Mentor, start_date: date | None, **fields) -> Mentorship:
    """A mentorship of `mentor`, unsaved, with the program's defaults."""
    start = start_date or timezone.localdate()
    return Mentorship(
        program=mentor.program, mentor=mentor, start_date=start,
        planned_end_date=default_end_date(mentor.program, start),
        meeting_every_weeks=mentor.program.meeting_every_weeks,
        meeting_minutes=mentor.program.meeting_minutes_min, **fields)


def _save_within_capacity(mentorship: Mentorship, mentor: Mentor, *,
                          duplicate: ValidationError) -> None:
    """Save a new live mentorship of the locked `mentor`, or refuse in words: a full
    mentor (counted here first, and by the database's trigger), or `duplicate`."""
    load = mentor_load(mentor)
    if load >= mentor.capacity:
        raise ValidationError(
            f"{str(mentor.user)} is at capacity ({load} of {mentor.capacity} "
            f"mentee{'s' if mentor.capacity != 1 else ''}).",
            code="capacity", params={"load": load, "capacity": mentor.capacity},
        )
    try:
        with transaction.atomic():
            mentorship.save()
    except IntegrityError as exc:
        if CAPACITY_TRIGGER in str(exc):  # the database's own capacity rule
            raise ValidationError(
                f"{str(mentor.user)} is at capacity ({mentor.capacity} of "
                f"{mentor.capacity}).", code="capacity",
                params={"load": mentor.capacity, "capacity": mentor.capacity},
            ) from exc
        raise duplicate from exc  # the same pair or address, a moment ago


MAX_CAPACITY = 20  # as Mentor.capacity's validators and database check


@transaction.atomic
def mentor_set_capacity(*, mentor: Mentor, capacity: int) -> Mentor:
    """The mentor's own cap on mentees at once: never under the mentees they have now
    (completing or ending a mentorship frees a place); 0 with none pauses new matches."""
    mentor = Mentor.objects.select_for_update().get(pk=mentor.pk)
    load = mentor_load(mentor)
    if not 0 <= capacity <= MAX_CAPACITY:
        raise ValidationError(f"Enter a number from 0 to {MAX_CAPACITY}.")
    if capacity < load:
        raise ValidationError(
            f"You have {load} mentee{'s' if load != 1 else ''} now (invited, active or "
            f"paused), so the number can't be under {load}. Completing or ending a "
            "mentorship frees a place.")
    floor = slots_floor(mentor)
    if capacity < floor:
        raise ValidationError(
            f"The organizers gave you {floor} slot{'s' if floor != 1 else ''} in "
            f"{mentor.program}, so the number can't be under {floor}: ask them to change "
            "the allocation.")
    mentor.capacity = capacity
    mentor.save(update_fields=["capacity"])
    return mentor


def mentorship_invite(*, mentor: Mentor, name: str, email: str, start_date: date) -> Mentorship:
    """A mentor adds a mentee they found themselves: one row, then the mentee confirms.

    The row holds the name and address the mentor typed, and no account: whether the
    address has one (and what it is called, and whether it is staff) is decided only
    when its owner accepts, so the mentor learns nothing about it. Raises ValidationError
    in the mentor's words."""
    refused = adding_refused(mentor)
    if refused:
        raise ValidationError(refused, code="cohort")
    email = email.strip().lower()
    name = " ".join(name.split())
    problem = invitation_address_problem(mentor=mentor, email=email)
    if problem:
        raise ValidationError({"email": problem}, code="self")
    with transaction.atomic():
        mentor = _locked_mentor(mentor)
        if not mentor.is_active:
            raise ValidationError("Your mentor role is paused: ask the organizers to "
                                  "reactivate it before adding mentees.", code="inactive")
        existing = (Mentorship.objects.live().filter(mentor=mentor)
                    .filter(Q(invited_email__iexact=email, status=MentorshipStatus.INVITED)
                            | Q(mentee__user__email__iexact=email))
                    .select_related("mentee__user").first())
        if existing is not None:
            raise _duplicate(existing.mentee_name)
        mentorship = _new(mentor, start_date, mentee=None, source=MentorshipSource.MENTOR_ROW,
                          created_by=mentor.user, status=MentorshipStatus.INVITED,
                          invited_name=name, invited_email=email)
        try:
            _save_within_capacity(mentorship, mentor, duplicate=_duplicate(name))
        except ValidationError as exc:
            if getattr(exc, "code", None) == "capacity":
                raise ValidationError(
                    "All your places are taken (%(load)s of %(capacity)s). End or complete "
                    "a mentorship first, or raise how many mentees you take, at the top of "
                    "your list.", code="capacity", params=exc.params) from exc
            raise
        notifications.mentee_invitation(mentorship)
    return mentorship


def _duplicate(name: str) -> ValidationError:
    return ValidationError({"email": f"You already have a mentorship with {name}."},
                           code="duplicate")


def _on_commit_signal(signal, mentorship: Mentorship) -> None:
    transaction.on_commit(
        lambda: signal.send(sender=Mentorship, mentorship=mentorship), robust=True
    )


def _locked(mentorship: Mentorship) -> Mentorship:
    return (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("program", "mentor__user", "mentee__user")
        .get(pk=mentorship.pk)
    )


@transaction.atomic
def invitation_accept(*, mentorship: Mentorship, name: str, timezone_name: str,
                      goals: str) -> Mentorship:
    """The invited mentee confirms and fills the minimal profile.

    Only now does the invitation meet an account: the address's own, or a new one. A
    staff account never becomes a participant this way (it signs in to the organizer
    area, and a mentor's invitation must not give it a mentee's role)."""
    m = _locked(mentorship)
    if m.status != MentorshipStatus.INVITED:
        raise ValidationError("This invitation has already been answered.")
    m.check_move(MentorshipStatus.ACTIVE)
    name = " ".join(name.split())
    if m.mentee_id is None:
        user = user_for_email(email=m.invited_email, name=name or m.invited_name)
        if user.is_staff or user.is_superuser:
            raise ValidationError(
                "This address belongs to an organizer's account, which can't take part as "
                "a mentee. Ask your mentor to invite another address of yours.",
                code="staff")
        if user.pk == m.mentor.user_id:
            raise ValidationError("A person cannot mentor themselves.", code="self")
        m.mentee, _ = Mentee.objects.get_or_create(
            program=m.program, user=user, defaults={"source": Mentee.Source.MENTOR_INVITE})
    # One mentor per mentee. A mentor may invite someone who already has a mentor (they
    # can't know, and mustn't be told): the person decides here, on their own page.
    mentee = Mentee.objects.select_for_update(of=("self",)).select_related("user").get(
        pk=m.mentee.pk)
    current = (Mentorship.objects.filter(mentee=mentee, status__in=RUNNING_STATUSES)
               .exclude(pk=m.pk).select_related("mentor__user").first())
    if current is not None:
        raise ValidationError(
            f"You already have a mentor in {m.program.name}: {str(current.mentor.user)}. "
            "It's one mentor per mentee; to switch, end that mentorship first from your "
            "page, or ask the organizers. Otherwise, decline this invitation.",
            code="mentored")
    user = mentee.user
    if name:
        user.name = name
        user.save(update_fields=["name"])
    mentee.timezone = timezone_name
    mentee.goals = goals.strip()
    mentee.save(update_fields=["timezone", "goals"])
    _verify_address(user, m.invited_email or user.email)
    m.mentee = mentee
    m.status = MentorshipStatus.ACTIVE
    m.introduced_at = timezone.now()
    # The account holds the person's name and address from now on.
    m.invited_name = m.invited_email = ""
    try:
        with transaction.atomic():
            m.save(update_fields=["mentee", "status", "introduced_at", "invited_name",
                                  "invited_email", "updated_at"])
    except IntegrityError as exc:  # this mentor already mentors this account
        raise ValidationError(
            f"You and {str(m.mentor.user)} already have a mentorship in "
            f"{m.program.name}: decline this invitation.", code="mentored") from exc
    notifications.introduction(m)
    _on_commit_signal(signals.mentorship_started, m)
    return m


def _verify_address(user, email: str) -> None:
    """The invitation reached this address, so the address is the person's."""
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        EmailAddress.objects.create(
            user=user, email=email, verified=True,
            primary=not EmailAddress.objects.filter(user=user, primary=True).exists())
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])


@transaction.atomic
def invitation_decline(*, mentorship: Mentorship) -> Mentorship:
    """The invited mentee says no, or the mentor withdraws the invitation."""
    m = _locked(mentorship)
    m.check_move(MentorshipStatus.DECLINED)
    m.status = MentorshipStatus.DECLINED
    # The mentor's row keeps the name they typed; the address is no longer needed.
    m.invited_email = ""
    m.save(update_fields=["status", "invited_email", "updated_at"])
    return m


@transaction.atomic
def mentorship_pause(*, mentorship: Mentorship) -> Mentorship:
    m = _locked(mentorship)
    m.check_move(MentorshipStatus.PAUSED)
    m.status = MentorshipStatus.PAUSED
    m.save(update_fields=["status", "updated_at"])
    return m


@transaction.atomic
def mentorship_resume(*, mentorship: Mentorship) -> Mentorship:
    m = _locked(mentorship)
    if m.status != MentorshipStatus.PAUSED:
        raise ValidationError("Only a paused mentorship can be resumed.")
    m.check_move(MentorshipStatus.ACTIVE)
    m.status = MentorshipStatus.ACTIVE
    m.save(update_fields=["status", "updated_at"])
    return m


@transaction.atomic
def mentorship_complete(*, mentorship: Mentorship, next_steps: list[str], notes: str = "",
                        ended_on: date | None = None, by=None,
                        notify: bool = True) -> Mentorship:
    """Record the final call's next steps and end the mentorship as completed. The
    end-of-program survey listens for ``signals.mentorship_ended`` (unless `notify`)."""
    m = _locked(mentorship)
    m.check_move(MentorshipStatus.COMPLETED)
    m.next_steps = validate_next_steps(next_steps)
    m.ended_on = _end_date(m, ended_on)
    m.status = MentorshipStatus.COMPLETED
    m.next_steps_notes = notes.strip()
    m.ended_by = by
    m.save()
    if notify:
        _on_commit_signal(signals.mentorship_ended, m)
    return m


@transaction.atomic
def mentorship_end_early(*, mentorship: Mentorship, reason: str, notes: str = "",
                         ended_on: date | None = None, by=None,
                         notify: bool = True) -> Mentorship:
    m = _locked(mentorship)
    m.check_move(MentorshipStatus.ENDED_EARLY)
    if not reason:
        raise ValidationError("Say why the mentorship ended early.")
    m.ended_on = _end_date(m, ended_on)
    m.status = MentorshipStatus.ENDED_EARLY
    m.end_reason = reason
    m.end_notes = notes.strip()
    m.ended_by = by
    m.save()
    if notify:
        _on_commit_signal(signals.mentorship_ended, m)
    return m


def _end_date(m: Mentorship, ended_on: date | None) -> date:
    ended_on = ended_on or timezone.localdate()
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": "The end date cannot be in the future."})
    if ended_on < m.start_date:
        raise ValidationError({"ended_on": (
            f"The end date cannot be before the mentorship started ({m.start_date:%d %b %Y})."
        )})
    return ended_on


@transaction.atomic
def terms_record(*, mentorship: Mentorship, by, focus_areas, **terms) -> Mentorship:
    """Record (or correct) the terms agreed at the first call."""
    m = _locked(mentorship)
    if not m.is_running:
        raise ValidationError(
            f"This mentorship is {m.get_status_display().lower()}; its terms can't change now."
        )
    allowed = {"focus", "hours_per_week", "meeting_every_weeks", "meeting_minutes",
               "planned_end_date", "needs_stipend"}
    for key, value in terms.items():
        if key not in allowed:
            raise TypeError(f"unexpected term {key!r}")
        setattr(m, key, value)
    if m.planned_end_date and m.planned_end_date <= m.start_date:
        raise ValidationError({"planned_end_date": (
            f"The planned end must be after the start ({m.start_date:%d %b %Y})."
        )})
    m.terms_recorded_at = timezone.now()
    m.terms_recorded_by = by
    m.save()
    m.focus_areas.set(focus_areas)
    return m


def meeting_log(*, mentorship: Mentorship, by, minutes: int, on_track: str,
                meeting_date: date | None = None, note: str = "") -> MeetingLog:
    """Log one meeting. Raises ValidationError for a mentorship that is not running, a
    date in the future or before the mentorship started, and absurd minutes."""
    meeting_date = meeting_date or timezone.localdate()
    with transaction.atomic():
        m = _locked(mentorship)
        if not m.is_running:
            raise ValidationError(
                f"This mentorship is {m.get_status_display().lower()}: meetings can no "
                "longer be logged."
            )
        log = MeetingLog(mentorship=m, date=meeting_date, minutes=minutes,
                         on_track=on_track, note=note.strip(), logged_by=by)
        log.validate_meeting()
        log.save()
    return log


# Other apps may hold a logged meeting in place (payments: a stipend request approved for
# its day). Each guard is called with the mentorship locked and returns why the meeting
# must stay, or "" if it doesn't object; it locks what it reads, so that an approval
# running at the same moment waits for the removal or is seen by it.
MeetingGuard = Callable[[Mentorship, MeetingLog], str]
MEETING_REMOVAL_GUARDS: list[MeetingGuard] = []


def meeting_removal_guard(fn: MeetingGuard) -> MeetingGuard:
    """Register a check that can refuse removing a meeting (once per function)."""
    if fn not in MEETING_REMOVAL_GUARDS:
        MEETING_REMOVAL_GUARDS.append(fn)
    return fn


def meeting_remove(*, meeting: MeetingLog, by) -> None:
    """Remove a meeting logged by mistake (twice, or on the wrong mentorship), while the
    mentorship runs. Only the person who logged it may, and not when another app holds it
    in place (``MEETING_REMOVAL_GUARDS``: a stipend request covering its day approved)."""
    with transaction.atomic():
        m = _locked(meeting.mentorship)
        meeting = MeetingLog.objects.select_for_update().get(pk=meeting.pk)
        if not m.is_running:
            raise ValidationError(
                f"This mentorship is {m.get_status_display().lower()}: its meetings can no "
                "longer be changed.")
        if meeting.logged_by_id != by.pk:
            raise ValidationError("Only the person who logged a meeting can remove it: ask "
                                  "them, or the organizers.")
        for guard in MEETING_REMOVAL_GUARDS:
            why = guard(m, meeting)
            if why:
                raise ValidationError(why)
        meeting.delete()


def final_project_save(*, mentorship: Mentorship, project: FinalProject) -> FinalProject:
    """Save the final project (a form's unsaved instance) while the mentorship runs, or
    in the months after it completed (Mentorship.project_editable)."""
    with transaction.atomic():
        m = _locked(mentorship)
        if not m.project_editable:
            raise ValidationError(
                f"This mentorship is {m.get_status_display().lower()}: its final project "
                "can no longer be changed."
            )
        project.mentorship = m
        project.save()
    return project
