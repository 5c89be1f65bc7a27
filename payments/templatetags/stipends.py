"""The stipend blocks of the dashboard.

    {% load stipends %}{% stipend_requests_for m as reqs %}

The signed-in person's requests are read once per page (one query, whatever the number
of mentorships on it) and kept on the request; each block takes its mentorship's.
"""

from django import template

from ..models import StipendRequest
from ..services.stipends import can_request

register = template.Library()


def _by_mentorship(context) -> dict[int, list[StipendRequest]]:
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return {}
    cache = getattr(request, "_stipend_requests", None) if request is not None else None
    if cache is not None and cache[0] == user.pk:
        return cache[1]
    grouped: dict[int, list[StipendRequest]] = {}
    for req in StipendRequest.objects.filter(payee=user).only(
        "pk", "mentorship_id", "payee_role", "period_start", "period_end", "hours",
        "amount", "currency", "status", "paid_on",
    ).order_by("-period_start", "-pk"):
        grouped.setdefault(req.mentorship_id, []).append(req)
    if request is not None:
        request._stipend_requests = (user.pk, grouped)
    return grouped


@register.simple_tag(takes_context=True)
def stipend_requests_for(context, mentorship, role=""):
    """The signed-in person's requests for one mentorship (as `role`, if given)."""
    reqs = _by_mentorship(context).get(mentorship.pk, [])
    return [r for r in reqs if not role or r.payee_role == role]


@register.simple_tag(takes_context=True)
def mentor_stipends(context, rows):
    """For a mentor's sheet: their own requests as a mentor on these rows, and the rows
    they can request a stipend for."""
    grouped = _by_mentorship(context)
    requests = []
    for m in rows:
        for req in grouped.get(m.pk, []):
            if req.payee_role == "mentor":
                req.mentee_name = m.mentee.user.name or m.mentee.user.email
                requests.append(req)
    requests.sort(key=lambda r: (r.period_start, r.pk), reverse=True)
    return {"requests": requests, "requestable": [m for m in rows if can_request(m)]}


@register.filter
def can_request_stipend(mentorship) -> bool:
    return can_request(mentorship)
