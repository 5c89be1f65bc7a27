"""The four imports: mentee and mentor applications (a Google Forms export), existing pairs
with their people, and their meeting history. Each row is written by a service
(``matching.services.imports``); see ``base`` for what they share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from matching.models import (
    MAX_MEETING_MINUTES,
    ApplicationStatus,
    EndReason,
    ImportKind,
    MeetingLog,
    MenteeApplication,
    MentorApplication,
    Mentorship,
    MentorshipStatus,
    NextStep,
    OnTrack,
    ResearchArea,
)
from matching.services.imports import (
    ORGANIZER_ADDRESS,
    PairRow,
    application_import,
    applications_import_new,
    meeting_import,
    mentorship_import,
    organizer_addresses,
)

from .base import NON_FIELD, Column, ServiceResource
from .widgets import (
    ChoiceWidget,
    DayWidget,
    EmailWidget,
    MomentWidget,
    MultiChoiceWidget,
    NamedRowsWidget,
    TextWidget,
    TimeZoneWidget,
    WholeNumberWidget,
    YesNoWidget,
    blank,
)

# --- applications ----------------------------------------------------------------------------


def _text(model, name):
    return TextWidget(model._meta.get_field(name).max_length)


class ApplicationResource(ServiceResource):
    """What both interest forms share. A row's key is its email: an application of the
    program with that address (the newest) is the same application again."""

    name = Column("name", "Name", TextWidget(150), required=True,
                  aliases=("Full name", "Your name", "What is your name"))
    email = Column("email", "Email", EmailWidget(254), required=True,
                   aliases=("Email address", "E-mail", "Your email"))
    timezone = Column("timezone", "Time zone", TimeZoneWidget(64), required=True,
                      aliases=("Timezone", "Your time zone"))
    research_areas = Column("research_areas", "Research areas",
                            NamedRowsWidget(ResearchArea.objects.all()),
                            aliases=("Areas", "Research interests (areas)"),
                            model_field=False)
    heard_about = Column("heard_about", "How did you hear about us", TextWidget(200),
                         aliases=("How did you hear about the program",))
    submitted_at = Column("submitted_at", "Submitted at", MomentWidget(),
                          aliases=("Timestamp", "Date submitted", "Submitted"),
                          model_field=False)
    status = Column("status", "Status (decision)", ChoiceWidget(ApplicationStatus.choices),
                    aliases=("Decision",), model_field=False)
    organizer_notes = Column("organizer_notes", "Organizer notes", TextWidget(5000),
                             aliases=("Notes",))

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._pending: list = []
        self.organizer_emails: set[str] = set()

    def load_existing(self, dataset) -> dict:
        emails = {str(e).strip().lower() for e in dataset["email"] if not blank(e)} \
            if "email" in dataset.headers else set()
        self.organizer_emails = organizer_addresses(emails=emails)
        found = {}
        rows = (self._meta.model.objects.filter(program=self.program)
                .annotate(email_key=Lower("email")).filter(email_key__in=emails)
                .prefetch_related("research_areas").order_by("submitted_at", "pk"))
        for application in rows:  # the newest wins
            found[application.email_key] = application
        return found

    def row_key(self, row):
        email = row.get("email")
        return None if blank(email) else str(email).strip().lower()

    def remember(self, instance) -> None:
        super().remember(instance)
        instance._import_before["research_areas"] = sorted(
            area.pk for area in (instance.research_areas.all() if instance.pk else
                                 getattr(instance, "imported_research_areas", None) or ()))
        instance._import_before["status"] = instance.status
        instance._import_before["submitted_at"] = instance.submitted_at

    def skip_row(self, instance, original, row, import_validation_errors=None):
        before = getattr(instance, "_import_before", None)
        if before is None or import_validation_errors:
            return False
        areas = getattr(instance, "imported_research_areas", None)
        status = getattr(instance, "imported_status", "") or instance.status
        if "research_areas" in row and sorted(a.pk for a in areas or ()) != \
                before["research_areas"]:
            return False
        if status != before["status"]:
            return False
        plain = [c for c in self.columns() if not c.attribute.startswith("imported_")]
        return all(before.get(c.key) == c.get_value(instance) for c in plain
                   if c.column_name in row)

    def init_instance(self, row=None):
        return self._meta.model(program=self.program)

    def check(self, instance, errors):
        """The model's own field rules (lengths, URLs, ranges) for the cells that passed,
        and no organizer's address."""
        if "email" not in errors and self.row_key(self._row) in self.organizer_emails:
            raise ValidationError({"email": ORGANIZER_ADDRESS})
        exclude = {"user", "program", *errors, *(f.name for f in instance._meta.fields
                                                   if f.name not in self.fields)}
        instance.full_clean(exclude=exclude, validate_unique=False,
                            validate_constraints=False)

    def save_instance(self, instance, is_create, row, **kwargs):
        """New pending applications wait to be written in batches (thousands of rows a
        minute); a decision or a change is written at once, through the services."""
        status = getattr(instance, "imported_status", "") or ""
        if instance.pk is None and status in ("", ApplicationStatus.PENDING):
            if not getattr(instance, "_import_pending", False):
                instance._import_pending = True
                self._pending.append(instance)
                self.create_instances.append(instance)
            self.existing[self.row_key(row)] = instance
            return
        if instance.pk is None:
            self.write_pending()
        super().save_instance(instance, is_create, row, **kwargs)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None,
                    result=None):
        try:
            self.write_pending()
        except Exception as exc:  # noqa: BLE001 - reported as the import's error
            self.handle_import_error(result, exc, raise_errors)

    def write_pending(self) -> None:
        batch, self._pending = self._pending, []
        self.create_instances.clear()
        applications_import_new(
            applications=batch,
            research_areas={i: getattr(a, "imported_research_areas", None) or ()
                            for i, a in enumerate(batch)},
            submitted_at={i: getattr(a, "imported_submitted_at", None)
                          for i, a in enumerate(batch)},
            notify=self.notify)

    def save_row(self, instance, is_create, row):
        areas = getattr(instance, "imported_research_areas", None)
        if areas is None:
            areas = [] if is_create else list(instance.research_areas.all())
        return application_import(
            application=instance, research_areas=areas, decided_by=self.user,
            status=getattr(instance, "imported_status", "") or "",
            submitted_at=getattr(instance, "imported_submitted_at", None),
            notify=self.notify)


class MenteeApplicationResource(ApplicationResource):
    kind = ImportKind.MENTEE_APPLICATIONS
    M = MenteeApplication

    occupation = Column("occupation", "Occupation", ChoiceWidget(M.Occupation.choices),
                        required=True, aliases=("Education or occupation", "Current status"))
    field_of_study = Column("field_of_study", "Field of study or work",
                            _text(M, "field_of_study"), aliases=("Field",))
    research_interests = Column("research_interests", "More specific interests",
                                TextWidget(1000), aliases=("Research interests",))
    hours_per_week = Column("hours_per_week", "Hours per week", WholeNumberWidget(1, 80),
                            required=True, aliases=("Hours per week you can commit",))
    goals = Column("goals", "Goals", TextWidget(3000), required=True,
                   aliases=("What do you want from a mentorship", "Goals and key uncertainties"))
    key_uncertainties = Column("key_uncertainties", "Key uncertainties", TextWidget(3000))
    fulltime_intent = Column("fulltime_intent", "Full-time intent",
                             ChoiceWidget(M.FullTimeIntent.choices), required=True,
                             aliases=("Do you intend to work full-time in AI safety",))
    courses_done = Column("courses_done", "Courses already done",
                          MultiChoiceWidget(M.Course.choices), aliases=("Courses",))
    needs_funding = Column("needs_funding", "Needs a stipend", YesNoWidget(),
                           aliases=("Do you need funding", "Needs funding"))
    funding_reason = Column("funding_reason", "Why funding", TextWidget(1000))
    cv_url = Column("cv_url", "CV or LinkedIn", TextWidget(500), aliases=("CV",))
    github_url = Column("github_url", "GitHub", TextWidget(500))
    writing_url = Column("writing_url", "Writing sample", TextWidget(500))

    class Meta(ServiceResource.Meta):
        model = MenteeApplication
        use_bulk = True
        batch_size = 1000
        name = "Mentee applications"
        fields = ["submitted_at", "name", "email", "timezone", "occupation",
                  "field_of_study", "research_areas", "research_interests",
                  "hours_per_week", "goals", "key_uncertainties", "fulltime_intent",
                  "courses_done", "needs_funding", "funding_reason", "cv_url",
                  "github_url", "writing_url", "heard_about", "status", "organizer_notes"]


class MentorApplicationResource(ApplicationResource):
    kind = ImportKind.MENTOR_APPLICATIONS
    M = MentorApplication

    position = Column("position", "Current position", ChoiceWidget(M.Position.choices),
                      required=True, aliases=("Position",))
    organization = Column("organization", "Organization", TextWidget(120))
    expertise = Column("expertise", "Expertise", TextWidget(1000))
    capacity = Column("capacity", "Mentees at once", WholeNumberWidget(1, 20),
                      aliases=("Capacity", "How many mentees at once"))
    minutes_per_week = Column("minutes_per_week", "Minutes per week",
                              WholeNumberWidget(10, 1200))
    involvement = Column("involvement", "Involvement", ChoiceWidget(M.Involvement.choices),
                         required=True, aliases=("How involved are you",))
    creative_control = Column("creative_control", "Who sets the direction",
                              ChoiceWidget(M.CreativeControl.choices), required=True,
                              aliases=("Creative control",))
    style_notes = Column("style_notes", "Style notes", TextWidget(1000),
                         aliases=("Mentorship style",))
    wants_paid = Column("wants_paid", "Wants to be paid", YesNoWidget())
    profile_url = Column("profile_url", "Homepage or profile", TextWidget(500),
                         aliases=("Homepage", "Profile"))

    class Meta(ServiceResource.Meta):
        model = MentorApplication
        use_bulk = True
        batch_size = 1000
        name = "Mentor applications"
        fields = ["submitted_at", "name", "email", "timezone", "position", "organization",
                  "research_areas", "expertise", "capacity", "minutes_per_week",
                  "involvement", "creative_control", "style_notes", "wants_paid",
                  "profile_url", "heard_about", "status", "organizer_notes"]


# --- existing pairs ----------------------------------------------------------------------------

_IMPORTED_STATUSES = [(s, label) for s, label in MentorshipStatus.choices
                      if s in ("active", "paused", "completed", "ended_early")]


def _pair_key(mentor_email, mentee_email) -> tuple[str, str] | None:
    if blank(mentor_email) or blank(mentee_email):
        return None
    return str(mentor_email).strip().lower(), str(mentee_email).strip().lower()


class MentorshipResource(ServiceResource):
    """One row per pair: both people (their roles are made if they have none), when it
    started, its terms, and how it stands or ended. A pair with a mentorship that started
    the same day is already here."""

    kind = ImportKind.MENTORSHIPS

    mentor_email = Column("mentor_email", "Mentor's email", EmailWidget(254), required=True,
                          model_field=False)
    mentor_name = Column("mentor_name", "Mentor's name", TextWidget(150), model_field=False,
                         aliases=("Mentor",))
    mentor_capacity = Column("mentor_capacity", "Mentor's capacity",
                             WholeNumberWidget(0, 20), model_field=False,
                             aliases=("Capacity", "Max mentees"))
    mentee_email = Column("mentee_email", "Mentee's email", EmailWidget(254), required=True,
                          model_field=False)
    mentee_name = Column("mentee_name", "Mentee's name", TextWidget(150), model_field=False,
                         aliases=("Mentee",))
    start_date = Column("start_date", "Start date", DayWidget(), required=True,
                        aliases=("Started", "Start"))
    status = Column("status", "Status", ChoiceWidget(_IMPORTED_STATUSES))
    planned_end_date = Column("planned_end_date", "Planned end", DayWidget(),
                              aliases=("Planned end date", "End date (planned)"))
    ended_on = Column("ended_on", "Ended on", DayWidget(), aliases=("End date", "Ended"))
    focus = Column("focus", "Focus", TextWidget(300), aliases=("Project", "Topic"))
    hours_per_week = Column("hours_per_week", "Mentee's hours per week",
                            WholeNumberWidget(1, 80), aliases=("Hours per week",))
    meeting_every_weeks = Column("meeting_every_weeks", "Meet every (weeks)",
                                 WholeNumberWidget(1, 8), aliases=("Cadence (weeks)",))
    meeting_minutes = Column("meeting_minutes", "Minutes per meeting",
                             WholeNumberWidget(5, MAX_MEETING_MINUTES))
    next_steps = Column("next_steps", "Next steps", MultiChoiceWidget(NextStep.choices))
    end_reason = Column("end_reason", "Why it ended early", ChoiceWidget(EndReason.choices),
                        aliases=("End reason",))
    end_notes = Column("end_notes", "Notes on the ending", TextWidget(2000))
    organizer_notes = Column("organizer_notes", "Organizer notes", TextWidget(5000),
                             aliases=("Notes",))

    class Meta(ServiceResource.Meta):
        model = Mentorship
        name = "Mentors and mentees with their mentorships"
        fields = ["mentor_email", "mentor_name", "mentor_capacity", "mentee_email",
                  "mentee_name", "start_date", "status", "planned_end_date", "ended_on",
                  "focus", "hours_per_week", "meeting_every_weeks", "meeting_minutes",
                  "next_steps", "end_reason", "end_notes", "organizer_notes"]

    def load_existing(self, dataset) -> dict:
        rows = (Mentorship.objects.filter(program=self.program, mentee__isnull=False)
                .annotate(mentor_key=Lower("mentor__user__email"),
                          mentee_key=Lower("mentee__user__email")))
        return {(m.mentor_key, m.mentee_key, m.start_date): m for m in rows}

    def row_key(self, row):
        pair = _pair_key(row.get("mentor_email"), row.get("mentee_email"))
        try:
            start = DayWidget().clean(row.get("start_date"))
        except ValueError:
            return None
        return None if pair is None or start is None else (*pair, start)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # A pair already here is left as it is: it changes on its own pages since.
        return instance.pk is not None and not import_validation_errors

    def check(self, instance, errors):
        status = getattr(instance, "status", "") or MentorshipStatus.ACTIVE
        if status in ("completed", "ended_early") and instance.ended_on is None \
                and "ended_on" not in errors:
            raise ValidationError({"ended_on": "Required for a mentorship that ended."})
        if status == "ended_early" and not instance.end_reason and "end_reason" not in errors:
            raise ValidationError({"end_reason": "Say why it ended early."})

    def save_row(self, instance, is_create, row):
        get = lambda key: getattr(instance, f"imported_{key}", None)  # noqa: E731
        pair = PairRow(
            mentor_email=get("mentor_email"), mentee_email=get("mentee_email"),
            mentor_name=get("mentor_name") or "", mentee_name=get("mentee_name") or "",
            mentor_capacity=get("mentor_capacity"), start_date=instance.start_date,
            status=instance.status or MentorshipStatus.ACTIVE,
            planned_end_date=instance.planned_end_date, ended_on=instance.ended_on,
            focus=instance.focus or "", hours_per_week=instance.hours_per_week,
            meeting_every_weeks=instance.meeting_every_weeks,
            meeting_minutes=instance.meeting_minutes, next_steps=tuple(
                instance.next_steps or ()), end_reason=instance.end_reason or "",
            end_notes=instance.end_notes or "", organizer_notes=instance.organizer_notes or "")
        return mentorship_import(program=self.program, row=pair, by=self.user,
                                 notify=self.notify)


# --- meeting history ---------------------------------------------------------------------------


class MeetingLogResource(ServiceResource):
    """One row per meeting, of a pair already here (import the pairs first): the same
    pair, day and minutes is the same meeting."""

    kind = ImportKind.MEETINGS

    mentor_email = Column("mentor_email", "Mentor's email", EmailWidget(254), required=True,
                          model_field=False)
    mentee_email = Column("mentee_email", "Mentee's email", EmailWidget(254), required=True,
                          model_field=False)
    date = Column("date", "Date", DayWidget(), required=True, aliases=("Meeting date", "Day"))
    minutes = Column("minutes", "Minutes", WholeNumberWidget(1, MAX_MEETING_MINUTES),
                     required=True, aliases=("Duration (minutes)", "Length (minutes)"))
    on_track = Column("on_track", "On track?", ChoiceWidget(OnTrack.choices),
                      aliases=("On track",))
    note = Column("note", "Note", TextWidget(280), aliases=("Notes", "Minutes of the meeting"))

    class Meta(ServiceResource.Meta):
        model = MeetingLog
        name = "Meeting history"
        fields = ["mentor_email", "mentee_email", "date", "minutes", "on_track", "note"]

    def load_existing(self, dataset) -> dict:
        self.pairs: dict[tuple[str, str], list[Mentorship]] = {}
        for m in (Mentorship.objects.filter(program=self.program, mentee__isnull=False)
                  .annotate(mentor_key=Lower("mentor__user__email"),
                            mentee_key=Lower("mentee__user__email"))
                  .order_by("start_date")):
            self.pairs.setdefault((m.mentor_key, m.mentee_key), []).append(m)
        ids = [m.pk for ms in self.pairs.values() for m in ms]
        found = {}
        for meeting in MeetingLog.objects.filter(mentorship__in=ids).order_by("pk"):
            found.setdefault((meeting.mentorship_id, meeting.date, meeting.minutes), meeting)
        return found

    def mentorship_of(self, row):
        """The pair's mentorship the meeting's day falls in (the latest one started)."""
        pair = _pair_key(row.get("mentor_email"), row.get("mentee_email"))
        try:
            day = DayWidget().clean(row.get("date"))
        except ValueError:
            day = None
        candidates = self.pairs.get(pair, []) if pair else []
        started = [m for m in candidates if day is None or m.start_date <= day]
        return (started or candidates or [None])[-1]

    def row_key(self, row):
        m = self.mentorship_of(row)
        try:
            day = DayWidget().clean(row.get("date"))
            minutes = WholeNumberWidget(1, MAX_MEETING_MINUTES).clean(row.get("minutes"))
        except ValueError:
            return None
        return None if m is None or day is None else (m.pk, day, minutes)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return instance.pk is not None and not import_validation_errors

    def check(self, instance, errors):
        if "mentee_email" not in errors and "mentor_email" not in errors \
                and self.mentorship_of(self._row) is None:
            raise ValidationError({"mentee_email": "No mentorship of this mentor and mentee "
                                                   "in the program: import the pairs first."})

    def save_row(self, instance, is_create, row):
        return meeting_import(
            mentorship=self.mentorship_of(row), by=self.user, meeting_date=instance.date,
            minutes=instance.minutes, on_track=instance.on_track or OnTrack.YES,
            note=instance.note or "")


RESOURCES = {r.kind: r for r in (MenteeApplicationResource, MentorApplicationResource,
                                 MentorshipResource, MeetingLogResource)}
__all__ = ["NON_FIELD", "RESOURCES"]
