"""The payments app's part of "Needs attention" (``mm_program.attention``): stipend
requests waiting for a decision (the payments officers decide; they are reminded of each
request on their own, ``payments.reminders``)."""

from datetime import date

from django.urls import reverse

from mm_program.attention import Item, check

from .models import StipendRequest, StipendStatus


@check
def stipends(today: date):
    yield Item(StipendRequest.objects.filter(status=StipendStatus.SUBMITTED).count(),
               "stipend requests waiting for a decision",
               reverse("admin:payments_stipendrequest_changelist") + "?status__exact=submitted",
               permission="payments.view_stipendrequest")
