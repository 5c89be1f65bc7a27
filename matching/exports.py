"""The spreadsheets organizers hand to funders: one row per mentorship, per meeting, and
per mentor (a summary). Each sheet is its headers and rows of plain values; the cells go
through ``mm_program.spreadsheets`` on the way out (the one rule for cell values).

What other apps know about a mentorship or a mentor (surveys: survey status, worth-it
answers, ratings received) they add as columns through ``@column``, the way they plug
into reminders: matching never imports them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from .models import MeetingLog, MentorshipStatus

MENTORSHIPS = "mentorships"
MENTORS = "mentors"


@dataclass(frozen=True)
class Column:
    header: str
    # The values of the rows with these ids: {id: value}; an id left out is a blank cell.
    values: Callable[[list[int]], dict[int, object]]


COLUMNS: dict[str, list[Column]] = {MENTORSHIPS: [], MENTORS: []}


def column(sheet: str, header: str):
    """Register a function ``(ids) -> {id: value}`` as one more column of `sheet`."""
    def register(values):
        if all(c.header != header for c in COLUMNS[sheet]):  # a module read twice
            COLUMNS[sheet].append(Column(header, values))
        return values
    return register


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: Iterable[list]


def _hours(minutes) -> float:
    return round((minutes or 0) / 60, 1)


def _extras(sheet: str, ids: list[int]) -> tuple[list[str], list[dict]]:
    columns = COLUMNS[sheet]
    return [c.header for c in columns], [c.values(ids) for c in columns]


def mentorships_sheet(queryset) -> Sheet:
    """One row per mentorship: the pair, its terms, its meetings and hours, the final
    project, the next steps, how it ended, and the other apps' columns."""
    rows = list(queryset.with_meeting_stats().select_related(
        "program", "mentor__user", "mentee__user", "final_project").order_by("pk"))
    extra_headers, extra_values = _extras(MENTORSHIPS, [m.pk for m in rows])
    headers = [
        "id", "program", "mentor", "mentor email", "mentee", "mentee email", "status",
        "source", "start date", "planned end", "ended on", "focus", "mentee hours per week",
        "meet every (weeks)", "minutes per meeting", "terms recorded", "meetings",
        "hours met", "last meeting", "final project", "final project kind",
        "final project link", "next steps", "next steps notes", "why it ended early",
        "notes on the ending", "organizer notes", *extra_headers]

    def lines():
        for m in rows:
            project = getattr(m, "final_project", None)
            yield [
                m.pk, m.program.name, str(m.mentor.user), m.mentor.user.email,
                m.mentee_name, m.mentee_email, m.get_status_display(),
                m.get_source_display(), m.start_date, m.planned_end_date, m.ended_on,
                m.focus, m.hours_per_week, m.meeting_every_weeks, m.meeting_minutes,
                m.terms_recorded_at.date() if m.terms_recorded_at else None,
                m.meetings_count, _hours(m.meetings_minutes), m.last_meeting_on,
                project.title if project else None,
                project.get_kind_display() if project else None,
                project.url if project else None,
                m.get_next_steps_display(), m.next_steps_notes,
                m.get_end_reason_display() if m.end_reason else None, m.end_notes,
                m.organizer_notes, *(values.get(m.pk) for values in extra_values)]

    return Sheet("mentorships", headers, lines())


def meetings_sheet(queryset) -> Sheet:
    """One row per logged meeting."""
    rows = (queryset.select_related("mentorship__program", "mentorship__mentor__user",
                                    "mentorship__mentee__user", "logged_by")
            .order_by("mentorship_id", "date", "pk"))
    headers = ["mentorship id", "program", "mentor", "mentee", "date", "minutes",
               "on track?", "note", "logged by"]

    def lines():
        for meeting in rows.iterator(chunk_size=2000):
            m = meeting.mentorship
            yield [m.pk, m.program.name, str(m.mentor.user), m.mentee_name, meeting.date,
                   meeting.minutes, meeting.get_on_track_display(), meeting.note,
                   str(meeting.logged_by) if meeting.logged_by else None]

    return Sheet("meetings", headers, lines())


def mentors_sheet(queryset) -> Sheet:
    """One row per mentor: mentees (all, live, completed, ended early), meetings and
    hours given, and the other apps' columns (worth-it answers, ratings received)."""
    paired = Q(mentorships__mentee__isnull=False)
    rows = list(queryset.select_related("user", "program").annotate(
        mentees=Count("mentorships", filter=paired),
        live=Count("mentorships", filter=paired & Q(
            mentorships__status__in=[MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED])),
        completed=Count("mentorships", filter=Q(
            mentorships__status=MentorshipStatus.COMPLETED)),
        ended_early=Count("mentorships", filter=Q(
            mentorships__status=MentorshipStatus.ENDED_EARLY)),
    ).order_by("pk"))
    meetings = {row["mentorship__mentor"]: row for row in MeetingLog.objects.filter(
        mentorship__mentor__in=[mentor.pk for mentor in rows]).values(
        "mentorship__mentor").annotate(count=Count("pk"), minutes=Sum("minutes"))}
    extra_headers, extra_values = _extras(MENTORS, [mentor.pk for mentor in rows])
    headers = ["id", "program", "mentor", "email", "capacity", "active", "mentees",
               "mentees now", "completed", "ended early", "meetings", "hours given",
               *extra_headers]

    def lines():
        for mentor in rows:
            met = meetings.get(mentor.pk, {})
            yield [mentor.pk, mentor.program.name, str(mentor.user), mentor.user.email,
                   mentor.capacity, mentor.is_active, mentor.mentees, mentor.live,
                   mentor.completed, mentor.ended_early, met.get("count", 0),
                   _hours(met.get("minutes")),
                   *(values.get(mentor.pk) for values in extra_values)]

    return Sheet("mentors", headers, lines())


