"""Where payments plugs into matching: the checks and dashboard blocks matching asks its
registries for. Imported (and so registered) by ``PaymentsConfig.ready()``."""

from matching.models import MeetingLog, Mentorship
from matching.services.mentorships import meeting_removal_guard

from .models import StipendRequest, StipendStatus


@meeting_removal_guard
def approved_stipend_counts_the_day(mentorship: Mentorship, meeting: MeetingLog) -> str:
    """A meeting stays once a stipend request covering its day is approved or paid: the
    organizers checked the hours against it. Locked, so an approval running at the same
    moment waits, or the removal sees it."""
    covering = (StipendRequest.objects.select_for_update().live()
                .overlapping(meeting.date, meeting.date).filter(mentorship=mentorship)
                .values_list("status", flat=True))
    if any(status in (StipendStatus.APPROVED, StipendStatus.PAID) for status in covering):
        return ("This meeting is counted in a stipend request that was already approved: "
                "ask the organizers to correct it.")
    return ""
