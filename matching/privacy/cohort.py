"""The cohort part of a person's data export and erasure (``matching.privacy``).

Exported: the mentors an applicant chose, in their order, with their answers to those
mentors' questions; the offers sent to them; a mentor's own listing (agenda, style, task,
questions). Not the reviews of an application: a scholar never sees a reviewer's scores
or notes of them.

Erased: an applicant's offers still in play are withdrawn (their slots proposed to the
mentors' next yeses), and their yeses no longer count; an applicant's answers, and the
reviewers' notes about their applications (the scores, decisions and ranks stay,
anonymous, as the application's choices do); a mentor's listing texts, task file and
questions, and the notes they wrote as a reviewer (a note about someone else names that
person, not the erased author, but it is theirs)."""

from __future__ import annotations

from django.db.models import Q

from mm_program.models import User
from mm_program.privacy.hooks import ErasurePlan, when
from mm_program.privacy.scrub import clear

from ..models import (
    ChoiceAnswer,
    CohortMentor,
    MentorChoice,
    MentorQuestion,
    MentorReview,
    Offer,
    OfferStatus,
    SharedReview,
)
from ..services.cohort_offers import offers_withdraw

LISTING_CLEARED = {"agenda": "", "style": "", "task": "", "task_url": "", "task_file": "",
                   "is_listed": False}


def export_section(user: User) -> dict:
    choices = (MentorChoice.objects.filter(application__user=user)
               .select_related("application__program", "mentor__user")
               .prefetch_related("answers__question")
               .order_by("application__submitted_at", "application_id", "rank"))
    listings = (CohortMentor.objects.filter(mentor__user=user)
                .select_related("mentor__program").prefetch_related("questions"))
    offers = (Offer.objects.filter(application__user=user)
              .exclude(status__in=[OfferStatus.PROPOSED, OfferStatus.DISMISSED])
              .select_related("cohort__program", "mentor__user").order_by("sent_at", "pk"))
    return {
        "mentors_you_chose": [
            {"program": c.application.program.name, "choice": c.rank,
             "mentor": str(c.mentor.user), "chosen_at": when(c.created_at),
             "answers": [{"question": a.question.prompt, "answer": a.text}
                         for a in c.answers.all()]}
            for c in choices],
        "your_mentor_listings": [
            {"program": li.mentor.program.name, "agenda": li.agenda, "style": li.style,
             "task": li.task, "task_link": li.task_url,
             "task_file": li.task_file.name.rsplit("/", 1)[-1] if li.task_file else "",
             "questions": [q.prompt for q in li.questions.all()]}
            for li in listings],
        # Offers as they were sent; not a proposal organizers haven't decided, nor the
        # pair's score, which comes from the reviews.
        "offers_to_you": [
            {"program": o.cohort.program.name, "mentor": str(o.mentor.user),
             "status": o.get_status_display(), "sent_at": when(o.sent_at),
             "accept_by": when(o.accept_by),
             "answered_at": when(o.answered_at)}
            for o in offers],
    }


def plan(user: User, plan: ErasurePlan) -> None:
    for offer in (Offer.objects.filter(application__user=user,
                                       status__in=[OfferStatus.PROPOSED, OfferStatus.PENDING])
                  .select_related("mentor__user")):
        plan.warnings.append(
            f"Their offer from {offer.mentor.user} is {offer.get_status_display().lower()}: "
            "it is withdrawn, and the slot proposed to the mentor's next yes.")


def erase(user: User) -> int:
    """Returns how many of the person's choices and listings were cleared."""
    offers_withdraw(user)
    theirs = Q(choice__application__user=user)
    clear(ChoiceAnswer, theirs, text="")
    clear(MentorReview, theirs, notes="")
    clear(SharedReview, Q(application__user=user), notes="")
    # What they wrote as a mentor or reviewer.
    clear(MentorReview, Q(choice__mentor__user=user), notes="")
    clear(SharedReview, Q(reviewer=user), notes="")
    listings = CohortMentor.objects.filter(mentor__user=user)
    for listing in listings.exclude(task_file=""):
        listing.task_file.delete(save=False)
    count = clear(CohortMentor, Q(mentor__user=user), **LISTING_CLEARED)
    clear(MentorQuestion, Q(listing__mentor__user=user), prompt="(erased)")
    return count + MentorChoice.objects.filter(application__user=user).count()
