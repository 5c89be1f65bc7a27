"""The matching app's part of "Needs attention" (``mm_program.attention``): each count is
the rule the rest of the app uses (the reminders' quiet and overdue mentorships, the
admin's filters), and links to the admin list filtered by it."""

from datetime import date, timedelta

from django.urls import reverse

from mm_program.attention import Item, check

from .models import (
    OFF_TRACK_TIMES,
    UNMATCHED_DAYS,
    ApplicationStatus,
    Mentee,
    MenteeApplication,
    MentorApplication,
    Mentorship,
    Offer,
    OfferStatus,
)
from .scoping import scoped


def _theirs(queryset, user, path: str = "program"):
    """The rows of `user`'s programs (every row for None: the digest's "anything?")."""
    return queryset if user is None else scoped(queryset, user, path)


def _list(model: str, query: str) -> str:
    return f"{reverse(f'admin:matching_{model}_changelist')}?{query}"


@check
def applications(today: date, user=None):
    for model, who in ((MenteeApplication, "mentee"), (MentorApplication, "mentor")):
        yield Item(_theirs(model.objects.all(), user)
                   .filter(status=ApplicationStatus.PENDING).count(),
                   f"{who} applications waiting for a decision",
                   _list(model._meta.model_name, "status__exact=pending"))


@check
def mentorships(today: date, user=None):
    waiting = _theirs(Mentee.objects.all(), user).waiting_since(
        today - timedelta(days=UNMATCHED_DAYS))
    mentorships = _theirs(Mentorship.objects.all(), user)
    yield Item(waiting.count(), f"accepted mentees unmatched for {UNMATCHED_DAYS} days "
                                "or more", _list("mentee", "waiting=yes"))
    yield Item(mentorships.off_track().count(),
               f"mentorships marked not on track {OFF_TRACK_TIMES} times or more",
               _list("mentorship", "off_track=yes"))
    yield Item(mentorships.quiet(today).count(),
               "quiet mentorships (no meeting in the agreed time)",
               _list("mentorship", "quiet=yes"))
    yield Item(mentorships.final_call_overdue(today).count(),
               "mentorships with the final call overdue", _list("mentorship",
                                                                 "ending=final_call"))


@check
def offers(today: date, user=None):
    yield Item(_theirs(Offer.objects.all(), user, "cohort__program")
               .filter(status=OfferStatus.PROPOSED).count(),
               "cohort re-offers waiting to be sent or dismissed (a declined or lapsed "
               "offer freed the slot)", _list("offer", "waiting=organizer"))
