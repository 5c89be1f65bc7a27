"""The surveys' part of "Needs attention" (``mm_program.attention``): survey kinds whose
response rate falls behind. Figures from a third of the people say little about the
program (the impact dashboard shows each figure's response rate); an organizer who sees
the rate slipping can write to the people who haven't answered, or send new links.

Counted over the invitations sent in the last RATE_WINDOW_DAYS days whose reminders have
all gone out (the survey reminders' own schedule, ``surveys.reminders``): a survey sent
yesterday is not behind yet.
"""

from datetime import date, timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode

from mm_program.attention import Item, check
from mm_program.scope import narrow

from .models import Invitation, SurveyKind
from .reminders import MAX_REMINDERS, REMIND_AFTER_DAYS

RATE_WINDOW_DAYS = 90
# The share answered below which a kind needs the organizers: under about 70%, whoever
# didn't answer can move a figure more than any effect the program is likely to have.
RATE_GOAL = 0.7
# Fewer settled invitations than this say nothing about a rate.
MIN_SETTLED = 5


def settled_window(today: date) -> tuple[date, date]:
    """The days (first, last) an invitation was sent on to count: in the window, and
    with every reminder gone out."""
    return (today - timedelta(days=RATE_WINDOW_DAYS),
            today - timedelta(days=REMIND_AFTER_DAYS * MAX_REMINDERS))


@check
def response_rates(today: date, user=None):
    first, last = settled_window(today)
    invitations = Invitation.objects.all() if user is None else narrow(
        Invitation.objects.all(), user, "mentorship__program")
    rows = (invitations.filter(sent_at__date__gte=first, sent_at__date__lte=last)
            .values("kind")
            .annotate(sent=Count("pk"),
                      answered=Count("pk", filter=Q(response__submitted_at__isnull=False))))
    labels = dict(SurveyKind.choices)
    for row in sorted(rows, key=lambda row: row["kind"]):
        sent, answered = row["sent"], row["answered"]
        if sent < MIN_SETTLED or answered >= RATE_GOAL * sent:
            continue
        query = urlencode({"kind__exact": row["kind"], "answered": "no",
                           "sent_at__date__gte": first.isoformat(),
                           "sent_at__date__lte": last.isoformat()})
        yield Item(
            sent - answered,
            f"people who didn't answer the {labels.get(row['kind'], row['kind']).lower()}"
            f": {round(100 * answered / sent)}% of {sent} answered in "
            f"{RATE_WINDOW_DAYS} days, after every reminder (aim: "
            f"{round(100 * RATE_GOAL)}%)",
            f"{reverse('admin:surveys_invitation_changelist')}?{query}",
            permission="surveys.view_invitation")
