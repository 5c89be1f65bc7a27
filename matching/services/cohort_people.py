"""Organizers name a cohort's extra reviewers (admin → Cohorts) and a milestone's graders
(admin → Milestones) by email address.

An organizer can't search the accounts (user administration is not theirs, and a reviewer
or grader may have none yet): they type the address. The account is found through any of
its addresses, or made with no password (its owner signs in with an emailed code), and an
email through the message log tells the person where their list is."""

from allauth.account.utils import filter_users_by_email
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from matching.models import Cohort, Milestone, Reviewer
from matching.scoping import organizes
from mm_program.emails import absolute_url
from mm_program.erased import is_erased_email
from mm_program.messaging import queue

from .applications import user_for_email


def address_refused(email: str) -> str:
    """Why the person at `email` can't be given a role here ("" if they can)."""
    if is_erased_email(email):
        return "That address belongs to an erased person."
    if any(not user.is_active for user in filter_users_by_email(email.strip().lower())):
        return "This account is deactivated: a superuser can restore it."
    return ""


def reviewer_refused(*, cohort: Cohort | None, email: str) -> str:
    """Why `email` can't become a reviewer of `cohort` ("" if it can; None: a setup not
    saved yet): the setup's form asks it at the field, ``reviewer_add`` again."""
    email = email.strip().lower()
    refused = address_refused(email)
    if refused or cohort is None:
        return refused
    users = filter_users_by_email(email)
    if Reviewer.objects.filter(cohort=cohort, user__in=users).exists():
        return f"{users[0]} reviews for {cohort.program.name} already."
    return ""


def reviewer_add(*, cohort: Cohort, email: str, by, name: str = "") -> Reviewer:
    """Make `email` an extra reviewer of `cohort` (only its organizers may) and email them
    where to review. Raises ValidationError at "email", changing nothing, when
    ``reviewer_refused`` says why not."""
    if not organizes(by, cohort.program_id):
        raise PermissionDenied("Only the program's organizers add its reviewers.")
    email = email.strip().lower()
    with transaction.atomic():
        refused = reviewer_refused(cohort=cohort, email=email)
        if refused:
            raise ValidationError({"email": refused})
        user = user_for_email(email=email, name=" ".join(name.split())[:150])
        reviewer = Reviewer.objects.create(cohort=cohort, user=user, added_by=by)
        _tell(user, "reviewer-invitation", by=by, program=cohort.program, about=cohort,
              url=reverse("cohort_reviewer", args=[cohort.program.slug]))
    return reviewer


def milestone_graders_set(*, milestone: Milestone, emails: list[str], by) -> list:
    """The milestone's graders become exactly these addresses' people (only the program's
    organizers may); those new to it are emailed where to grade. A grader taken off keeps
    the gradings they gave. Raises ValidationError at "graders", changing nothing, when
    ``address_refused`` refuses an address."""
    program = milestone.phase.program
    if not organizes(by, program.pk):
        raise PermissionDenied("Only the program's organizers assign its graders.")
    emails = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    with transaction.atomic():
        problems = [f"{e}: {why}" for e in emails if (why := address_refused(e))]
        if problems:
            raise ValidationError({"graders": problems})
        before = set(milestone.graders.values_list("pk", flat=True))
        users = [user_for_email(email=e) for e in emails]
        milestone.graders.set(users)
        for user in users:
            if user.pk not in before:
                _tell(user, "grader-invitation", by=by, program=program, about=milestone,
                      url=reverse("cohort_grader", args=[program.slug]),
                      milestone=milestone)
    return users


def _tell(user, kind: str, *, by, program, about, url: str, **context) -> None:
    queue(kind, to=user.email, context={
        "program": program, "name": user.get_short_name(), "inviter": str(by),
        "url": absolute_url(url), **context,
    }, occasion=f"{kind}/{about._meta.model_name}:{about.pk}/to:{user.pk}",
        user=user, program=program, about=about)
