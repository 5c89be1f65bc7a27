"""The payments app's part of "Needs attention" (``mm_program.attention``): stipend
requests waiting for a decision (the payments officers decide; they are reminded of each
request on their own, ``payments.reminders``)."""

from datetime import date

from django.urls import reverse

from matching.scoping import scoped
from mm_program.attention import Item, check
from mm_program.roles import is_payments_officer

from .models import StipendRequest, StipendStatus


@check
def stipends(today: date, user=None):
    # Payments officers decide stipends of every program: their count is not narrowed;
    # an organizer's is their programs'.
    waiting = StipendRequest.objects.filter(status=StipendStatus.SUBMITTED)
    if user is not None and not is_payments_officer(user):
        waiting = scoped(waiting, user)
    yield Item(waiting.count(),
               "stipend requests waiting for a decision",
               reverse("admin:payments_stipendrequest_changelist") + "?status__exact=submitted",
               permission="payments.view_stipendrequest")
