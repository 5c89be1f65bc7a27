"""Reviews in a cohort program, and who may see what: the one place these rules live.

- A mentor sees the applicants who chose them, never one they have a conflict with, and
  only their own review; the extra reviewers' scores of an applicant only once they have
  scored that applicant themselves.
- An extra reviewer sees the shared part of every application that chose a mentor (not the
  answers to mentors' questions, not any mentor's review), never one they have a conflict
  with, and the other reviewers' scores only once they have scored it.
- Organizers see everything. The applicant never sees any review of their application.

A rating is the mean of a review's criterion scores (1 to ``Cohort.scale``); the rating of
an applicant for a mentor (``pair_rating``) is the mean of the mentor's rating and the
extra reviewers' mean, each on 0–1, whichever of them exist.
"""

from statistics import fmean

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Exists, OuterRef, Q
from django.utils import timezone

from matching.models import (
    OPEN_STATUSES,
    Cohort,
    Conflict,
    Decision,
    MenteeApplication,
    Mentor,
    MentorChoice,
    MentorReview,
    Reviewer,
    ReviewPart,
    RubricCriterion,
    SharedReview,
)
from matching.scoping import organizes
from mm_program.erased import ERASED_DOMAIN

# --------------------------------------------------------------------------- ratings


def normalized(rating: float | None, scale: int) -> float | None:
    """A mean score from 1..scale on 0..1."""
    if rating is None:
        return None
    return (rating - 1) / (scale - 1)


def pair_rating(mentor_rating: float | None, shared_rating: float | None,
                scale: int) -> float | None:
    """The rating of an applicant for one mentor, on 0..1: the mean of the mentor's own
    rating and the extra reviewers' mean rating, whichever exist (None if neither)."""
    if mentor_rating is None or shared_rating is None:
        return normalized(shared_rating if mentor_rating is None else mentor_rating, scale)
    return (normalized(mentor_rating, scale) + normalized(shared_rating, scale)) / 2


def shown_rating(value: float | None, scale: int) -> str:
    """A 0..1 rating in the rubric's own terms: "3.3 of 4"."""
    if value is None:
        return "not rated"
    return f"{1 + value * (scale - 1):.1f} of {scale}"


def criteria(cohort: Cohort, part: str) -> list[RubricCriterion]:
    return list(RubricCriterion.objects.filter(cohort=cohort, part=part)
                .order_by("position", "pk"))


def _scores(cohort: Cohort, part: str, raw: dict) -> tuple[dict[str, int], float | None]:
    """The scores given for the part's criteria, checked (1..scale), and their mean.
    Raises ValidationError naming the criterion's field ("score_<id>")."""
    scores, errors = {}, {}
    for criterion in criteria(cohort, part):
        value = raw.get(criterion.pk, raw.get(str(criterion.pk)))
        if value in (None, ""):
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if not 1 <= number <= cohort.scale:
            errors[f"score_{criterion.pk}"] = f"Give {criterion.name} a score from 1 to " \
                                              f"{cohort.scale}."
            continue
        scores[str(criterion.pk)] = number
    if errors:
        raise ValidationError(errors)
    return scores, (fmean(scores.values()) if scores else None)


def _complete(cohort: Cohort, part: str, scores: dict) -> bool:
    return all(str(c.pk) in scores for c in criteria(cohort, part))


# --------------------------------------------------------------------------- who sees what


def conflicted(user) -> Exists:
    """For a query over applications: the user declared or was given a conflict."""
    return Exists(Conflict.objects.filter(user=user, application=OuterRef("pk")))


def has_conflict(user, application: MenteeApplication) -> bool:
    return Conflict.objects.filter(user=user, application=application).exists()


def is_reviewer(cohort: Cohort, user) -> bool:
    return Reviewer.objects.filter(cohort=cohort, user=user).exists()


def mentor_choices(mentor: Mentor):
    """The choices of the mentor's applicants that the mentor may see (no conflicts), with
    the mentor's own review; the extra reviewers' mean rating is added as ``shared`` and
    their count as ``shared_count`` (shown once the mentor has scored)."""
    shared = SharedReview.objects.filter(application=OuterRef("application"),
                                         scored_at__isnull=False)
    return (
        MentorChoice.objects.filter(mentor=mentor)
        .exclude(Exists(Conflict.objects.filter(user_id=mentor.user_id,
                                                application=OuterRef("application"))))
        .select_related("application", "review")
        .annotate(shared=shared.values("application").annotate(a=Avg("rating"))
                  .values("a")[:1],
                  shared_count=shared.values("application").annotate(n=Count("pk"))
                  .values("n")[:1])
    )


def mentor_choice_for(mentor: Mentor, application_id: int) -> MentorChoice:
    """One of the mentor's applicants, or MentorChoice.DoesNotExist (a 404 for the page:
    an applicant who didn't choose the mentor, or one they have a conflict with)."""
    return mentor_choices(mentor).get(application_id=application_id)


def reviewer_applications(cohort: Cohort, user):
    """The applications an extra reviewer scores: every one that chose a mentor, minus
    the reviewer's conflicts, with the reviewer's own review's rating as ``own``."""
    own = SharedReview.objects.filter(application=OuterRef("pk"), reviewer=user)
    return (
        MenteeApplication.objects.filter(program_id=cohort.program_id)
        .filter(Exists(MentorChoice.objects.filter(application=OuterRef("pk"))))
        .exclude(conflicted(user))
        .annotate(own=own.values("rating")[:1], own_scored=own.values("scored_at")[:1])
        .order_by("submitted_at", "pk")
    )


def others_shared_reviews(application: MenteeApplication, viewer) -> list[SharedReview]:
    """The extra reviewers' scored reviews of the application that `viewer` may read now:
    none until the viewer has scored it themselves (the mentor their own review, an extra
    reviewer their shared review); everything for organizers. Never their notes."""
    rows = SharedReview.objects.filter(application=application, scored_at__isnull=False) \
        .exclude(reviewer=viewer).select_related("reviewer")
    if organizes(viewer, application.program_id):
        return list(rows)
    if has_conflict(viewer, application):
        return []
    scored_own = (
        SharedReview.objects.filter(application=application, reviewer=viewer,
                                    scored_at__isnull=False).exists()
        or MentorReview.objects.filter(choice__application=application,
                                       choice__mentor__user=viewer,
                                       scored_at__isnull=False).exists()
    )
    return list(rows) if scored_own else []


# --------------------------------------------------------------------------- saving


@transaction.atomic
def mentor_review_save(*, choice: MentorChoice, by, scores: dict, decision: str, rank,
                       notes: str) -> MentorReview:
    """The mentor's review of an applicant who chose them: rubric scores, a decision
    (yes / maybe / no, or none yet), a rank among their yeses, private notes."""
    choice = MentorChoice.objects.select_related("mentor", "application__program__cohort").get(
        pk=choice.pk)
    if choice.mentor.user_id != by.pk:
        raise PermissionDenied("Only the chosen mentor reviews this applicant.")
    if has_conflict(by, choice.application):
        raise PermissionDenied("You have a conflict of interest with this applicant.")
    cohort = choice.application.program.cohort
    errors = {}
    if decision not in ("", *Decision.values):
        errors["decision"] = "Choose yes, maybe or no."
    if rank in ("", None):
        rank = None
    else:
        try:
            rank = int(rank)
        except (TypeError, ValueError):
            rank = 0
        if decision != Decision.YES:
            errors["rank"] = "Only a yes has a rank among your yeses."
        elif not 1 <= rank <= 1000:
            errors["rank"] = "A rank is a whole number from 1 (your first pick)."
    try:
        clean_scores, rating = _scores(cohort, ReviewPart.MENTOR, scores)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        clean_scores, rating = {}, None
    if errors:
        raise ValidationError(errors)
    review, _ = MentorReview.objects.select_for_update().get_or_create(choice=choice)
    review.scores, review.rating = clean_scores, rating
    review.decision, review.rank, review.notes = decision, rank, notes.strip()
    if _complete(cohort, ReviewPart.MENTOR, clean_scores) and (clean_scores or decision):
        review.scored_at = review.scored_at or timezone.now()
    else:
        review.scored_at = None
    review._history_user = by
    review.save()
    return review


@transaction.atomic
def shared_review_save(*, application: MenteeApplication, by, scores: dict,
                       notes: str) -> SharedReview:
    """An extra reviewer scores the shared part of an application."""
    application = MenteeApplication.objects.select_related("program__cohort").get(
        pk=application.pk)
    cohort = application.program.cohort
    if not is_reviewer(cohort, by):
        raise PermissionDenied("Only the program's reviewers score the shared part.")
    if has_conflict(by, application):
        raise PermissionDenied("You have a conflict of interest with this applicant.")
    if not MentorChoice.objects.filter(application=application).exists():
        raise PermissionDenied("This application hasn't chosen a mentor yet.")
    clean_scores, rating = _scores(cohort, ReviewPart.SHARED, scores)
    review, _ = SharedReview.objects.select_for_update().get_or_create(
        application=application, reviewer=by)
    review.scores, review.rating, review.notes = clean_scores, rating, notes.strip()
    complete = _complete(cohort, ReviewPart.SHARED, clean_scores) and bool(clean_scores)
    review.scored_at = (review.scored_at or timezone.now()) if complete else None
    review.save()
    return review


@transaction.atomic
def conflict_declare(*, cohort: Cohort, application: MenteeApplication, user, by,
                     note: str = "") -> Conflict:
    """Hide an applicant from a reviewer: the reviewer declares it themselves, or an
    organizer records it. Their review of the applicant, if any, stops counting."""
    if by.pk != user.pk and not organizes(by, cohort.program_id):
        raise PermissionDenied("Only organizers record someone else's conflict.")
    Conflict(cohort=cohort, application=application, user=user).clean()
    conflict, _ = Conflict.objects.get_or_create(
        user=user, application=application,
        defaults={"cohort": cohort, "note": note.strip()[:300], "created_by": by})
    return conflict


def counted_reviews():
    """Mentor reviews that count: not by a mentor with a conflict on the applicant."""
    return MentorReview.objects.exclude(Exists(Conflict.objects.filter(
        user_id=OuterRef("choice__mentor__user_id"),
        application_id=OuterRef("choice__application_id"))))


def yes_reviews(cohort: Cohort):
    """The yeses that count: of open applications (not withdrawn or decided) of people
    still here (not erased: nobody could write to them), by a mentor without a conflict."""
    return (counted_reviews().filter(decision=Decision.YES,
                                     choice__mentor__program_id=cohort.program_id,
                                     choice__application__status__in=OPEN_STATUSES)
            .exclude(choice__application__email__iendswith="@" + ERASED_DOMAIN))


def review_counts(mentor: Mentor) -> dict[str, int]:
    """The mentor's page header: how many chose them, first choices, decisions so far."""
    rows = mentor_choices(mentor)
    return rows.aggregate(
        demand=Count("pk"), first=Count("pk", filter=Q(rank=1)),
        yes=Count("pk", filter=Q(review__decision=Decision.YES)),
        maybe=Count("pk", filter=Q(review__decision=Decision.MAYBE)),
        no=Count("pk", filter=Q(review__decision=Decision.NO)),
        scored=Count("pk", filter=Q(review__scored_at__isnull=False)),
    )
