"""The payee's emails, queued through the message log: one when their request is paid,
or when it is rejected (they may fix it and send it again), and one whenever where they
are paid changes. Sending and approving email nothing: the page confirms a request as it
is sent and shows where it stands, and its "paid" email follows (issue 18: one email per
request, every word a payee reads counts).

Each is called inside the transaction that made the move, so the email exists only if
the move committed; each names its occasion, so a repeated call sends nothing new. No
email ever carries more of an account than its masked form.
"""

from django.urls import reverse

from mm_program.emails import absolute_url
from mm_program.messaging import queue


def _request_context(req) -> dict:
    return {
        "name": str(req.payee),
        "req": req,
        "program": req.program,
        # "Your stipend for 3–16 Nov 2026", or "for the Training grant".
        "period": f"the {req.title}" if req.is_grant else req.period_label,
        "request_url": absolute_url(reverse("stipend_detail", args=[req.pk])),
        "dashboard_url": absolute_url(reverse("dashboard")),
    }


def _send(template: str, req, **extra) -> None:
    queue(
        template,
        to=req.payee.email,
        context={**_request_context(req), **extra},
        occasion=f"{template}/stipendrequest:{req.pk}",
        user=req.payee, program=req.program, about=req,
    )


def rejected(req) -> None:
    _send("stipend-rejected", req)


def paid(req) -> None:
    _send("stipend-paid", req)


def bank_details_saved(details, *, first: bool) -> None:
    """Every change of where a person is paid is confirmed to them: if somebody else
    changed it, they hear of it before a payout."""
    user = details.user
    queue(
        "stipend-bank-details",
        to=user.email,
        context={
            "name": str(user),
            "first": first,
            "masked": details.masked,
            "country": details.country_name,
            "when": details.updated_at,
            "bank_details_url": absolute_url(reverse("stipend_bank_details")),
        },
        occasion=f"stipend-bank-details/bankdetails:{details.pk}/"
                 f"at:{details.updated_at:%Y%m%d%H%M%S%f}",
        user=user, about=details,
    )
