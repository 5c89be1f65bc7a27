"""Answers the app already knows, filled in on a survey page (issue 18: never ask what
the app knows). Today one: the hours a mentee put in, from the stipend requests they made
for the mentorship (a request's hours are their own work, meetings included). The person
sees where the number came from and can change it; nothing is stored until they send or
save the page, like any other answer.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from payments.models import StipendRequest, StipendStatus

HOURS_FIGURE = "hours_put_in"
HOURS_NOTE = "From your stipend requests."


def known_answers(invitation, questions) -> dict[str, tuple[str, str]]:
    """{question key: (the answer as the form sends it, where it came from)}."""
    asked = [q for q in questions if q.figure == HOURS_FIGURE]
    if not asked:
        return {}
    total = (StipendRequest.objects
             .filter(mentorship_id=invitation.mentorship_id, payee_id=invitation.person_id)
             .exclude(status=StipendStatus.REJECTED)
             .aggregate(total=Sum("hours"))["total"])
    if not total:
        return {}
    # The hours question takes one decimal; a request may have two (7.25).
    hours = f"{total.quantize(Decimal('0.1'), ROUND_HALF_UP).normalize():f}"
    return {q.key: (hours, HOURS_NOTE) for q in asked}
