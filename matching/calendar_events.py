"""What a mentorship puts in each side's calendar feed (``mm_program.calendar``).

- While it is active and a cadence is agreed: the next call, then every agreed number of
  weeks until the planned end. The series starts from the last logged meeting (or the
  start), so it moves as meetings are logged.
- While it runs: the planned end, when the final call is due.
- After it completes: the last day to record the final project.
"""

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mm_program.calendar import CalendarEvent, calendar_source
from mm_program.emails import absolute_url

from .models import Mentorship, MentorshipStatus
from .models.mentorships import PROJECT_DAYS_AFTER_COMPLETION
from .models.statuses import RUNNING_STATUSES


@calendar_source
def mentorship_entries(user):
    today = timezone.localdate()
    rows = (
        Mentorship.objects.of_person(user)
        .filter(Q(status__in=RUNNING_STATUSES)
                | Q(status=MentorshipStatus.COMPLETED,
                    ended_on__gte=today - timedelta(days=PROJECT_DAYS_AFTER_COMPLETION)))
        .with_meeting_stats()
        .select_related("mentor__user", "mentee__user")
        .order_by("pk")
    )
    for m in rows:
        is_mentor = m.mentor.user_id == user.pk
        other = m.mentee_name if is_mentor else str(m.mentor.user)
        url = absolute_url(reverse("mentorship_detail", args=[m.pk]))
        stamp = m.updated_at
        if m.status == MentorshipStatus.ACTIVE and m.meeting_every_weeks:
            every = m.meeting_every_weeks
            since = m.last_meeting_on or m.start_date
            yield CalendarEvent(
                uid=f"mentorship-{m.pk}-calls", stamp=stamp, url=url,
                summary=f"Mentoring call with {other}",
                start=since + timedelta(weeks=every), every_weeks=every,
                until=m.planned_end_date,
                description=f"Every {every} week{'s' if every > 1 else ''}, as agreed. "
                            f"Log it on your page afterwards: {url}",
            )
        if m.status in RUNNING_STATUSES and m.planned_end_date:
            yield CalendarEvent(
                uid=f"mentorship-{m.pk}-end", stamp=stamp, url=url,
                summary=f"Final call with {other}: the mentorship's planned end",
                start=m.planned_end_date,
                description=f"Record what comes next on your page: {url}",
            )
        if m.status == MentorshipStatus.COMPLETED and m.project_editable_until:
            yield CalendarEvent(
                uid=f"mentorship-{m.pk}-project", stamp=stamp, url=url,
                summary="Last day to record the final project",
                start=m.project_editable_until,
                description=f"The project of your mentorship with {other}: {url}",
            )
