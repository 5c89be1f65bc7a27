"""Reminder rule of stipends (registered with ``mm_program.reminders``): payments officers
hear of a request that has waited more than N days (the program's
``StipendBudget.remind_waiting_days``, 5 by default) for a decision, or, once approved,
to be paid. Each officer gets one reminder per request and stage."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from mm_program.emails import absolute_url
from mm_program.reminders import Due, rule
from mm_program.roles import PAYMENTS_OFFICERS

from .models import DEFAULT_REMIND_WAITING_DAYS, StipendBudget, StipendRequest, StipendStatus

KIND = "stipend-waiting"


def _officers():
    return list(get_user_model().objects.filter(
        groups__name=PAYMENTS_OFFICERS, is_active=True, is_staff=True).distinct())


@rule(KIND, "reminders about stipend requests waiting")
def stipend_waiting(today: date):
    officers = _officers()
    if not officers:
        return
    intervals = dict(StipendBudget.objects.values_list("program_id", "remind_waiting_days"))
    shortest = min([DEFAULT_REMIND_WAITING_DAYS, *intervals.values()])
    cutoff = today - timedelta(days=shortest)
    waiting = StipendRequest.objects.filter(
        status__in=[StipendStatus.SUBMITTED, StipendStatus.APPROVED],
    ).exclude(
        status=StipendStatus.SUBMITTED, submitted_at__date__gte=cutoff,
    ).exclude(
        status=StipendStatus.APPROVED, decided_at__date__gte=cutoff,
    ).select_related("program", "payee").order_by("pk")
    for req in waiting:
        since = req.submitted_at if req.status == StipendStatus.SUBMITTED else req.decided_at
        days = (today - timezone.localdate(since)).days
        if days <= intervals.get(req.program_id, DEFAULT_REMIND_WAITING_DAYS):
            continue
        link = reverse("admin:payments_stipendrequest_change", args=[req.pk])
        for officer in officers:
            yield Due(
                kind=KIND,
                occasion=f"{KIND}/stipendrequest:{req.pk}/{req.status}/to:{officer.pk}",
                user=officer,
                template=KIND,
                context={
                    "name": str(officer),
                    "req": req,
                    "payee": str(req.payee),
                    "period": req.period_label,
                    "program": req.program,
                    "stage": req.status,
                    "days": days,
                    "admin_url": absolute_url(link),
                },
                program=req.program,
                about=req,
                link=link,
            )
