"""Where payments plugs into matching: a check on removing meetings, and the stipend
blocks of the dashboard. Imported (and so registered) by ``PaymentsConfig.ready()``."""

from matching.dashboard import dashboard_extra
from matching.models import MeetingLog, Mentorship, Phase
from matching.services.mentorships import meeting_removal_guard

from .models import PayeeRole, StipendRequest, StipendStatus
from .services.grants import grant_rows
from .services.stipends import can_request, hours_refused


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


# --- the dashboard's stipend blocks ---------------------------------------------------------

def _requests_by_mentorship(user, role: str) -> dict[int, list[StipendRequest]]:
    """The person's own requests as `role`, newest first, by mentorship (one query)."""
    grouped: dict[int, list[StipendRequest]] = {}
    for req in StipendRequest.objects.filter(payee=user, payee_role=role).only(
        "pk", "mentorship_id", "phase_id", "payee_role", "period_start", "period_end", "hours",
        "amount", "currency", "status", "paid_on",
    ).order_by("-period_start", "-pk"):
        grouped.setdefault(req.mentorship_id, []).append(req)
    return grouped


@dashboard_extra(place="mentee_card", template="payments/_dashboard_requests.html")
def mentee_stipends(user, rows) -> dict[int, dict]:
    """Under each mentorship card of a mentee: their requests, and a way to make one. In
    a program whose phases carry grants, the grants instead: each phase's, with the
    scholar's request or a button once the phase has begun."""
    rows = [m for m in rows if not m.is_invitation]
    if not rows:
        return {}
    grouped = _requests_by_mentorship(user, "mentee")
    phases = list(Phase.objects.filter(program_id__in={m.program_id for m in rows},
                                       grant__isnull=False)
                  .order_by("starts_on", "position", "pk"))
    paying = {p.program_id for p in phases}
    grants = grant_rows([m for m in rows if m.program_id in paying], phases=phases) \
        if phases else {}
    return {m.pk: {"m": m, "requests": grouped.get(m.pk, []),
                   "grants": grants.get(m.pk, []), "pays_grants": m.program_id in paying,
                   "can_request": can_request(m) and not hours_refused(
                       m, user, grants=m.program_id in paying, role=PayeeRole.MENTEE),
                   "rate": m.program.stipend_rate_for(PayeeRole.MENTEE)}
            for m in rows}


@dashboard_extra(place="mentor_sheet", template="payments/_mentor_requests.html")
def mentor_stipends(user, sections) -> dict[int, dict]:
    """Under each mentor sheet: their own requests as a mentor, and the mentorships they
    can request one for."""
    grouped = _requests_by_mentorship(user, "mentor") if sections else {}
    blocks = {}
    for section in sections:
        requests = []
        for m in section["rows"]:
            for req in grouped.get(m.pk, []):
                req.mentee_name = m.mentee_name
                requests.append(req)
        requests.sort(key=lambda r: (r.period_start, r.pk), reverse=True)
        requestable = [m for m in section["rows"] if can_request(m)]
        if requests or requestable:
            program = section["mentor"].program
            blocks[section["mentor"].pk] = {
                "program": program, "mentor": section["mentor"],
                "rate": program.stipend_rate_for(PayeeRole.MENTOR),
                "requests": requests, "requestable": requestable}
    return blocks
