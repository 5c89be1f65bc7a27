"""Slots: how many scholars each mentor of a cohort may take, within the program's budget.

Organizers set ``CohortMentor.slots``; the sum never exceeds ``Cohort.slot_budget``, and a
mentor's slots never exceed their own cap (``Mentor.capacity``) when they are set. The cap
is the mentor's; the slots are the organizers': the mentor can't lower their cap under
their slots (``matching.services.mentorships.mentor_set_capacity`` asks ``slots_floor``).

What one more slot would buy a mentor is the rating of their next yes: the applicant they
ranked just after the ones their slots already cover (their rank among yeses first, the
rating breaking ties and ranking the unranked). It is a figure a person can check on the
mentor's page, and the allocation view sorts by it. It ignores that the same applicant may
be a yes of several mentors: the matching run settles that.
"""

import heapq
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Exists, OuterRef, Subquery
from django.utils import timezone

from matching.models import (
    Cohort,
    CohortMentor,
    Conflict,
    Mentor,
    MentorChoice,
    SharedReview,
)
from matching.scoping import organizes

from .cohort_reviews import pair_rating, shown_rating, yes_reviews


@dataclass
class MentorSlots:
    """One row of the allocation view."""

    mentor: Mentor
    listing: CohortMentor
    cap: int
    slots: int
    demand: int
    first_choices: int
    yeses: int
    yes_ratings: list[float | None] = field(default_factory=list)  # in the mentor's order
    suggested: int = 0

    @property
    def next_rating(self) -> float | None:
        """The rating of the next yes one more slot would take (None: no yes left)."""
        if self.slots >= len(self.yes_ratings):
            return None
        return self.yes_ratings[self.slots]

    @property
    def at_cap(self) -> bool:
        return self.slots >= self.cap

    def marginal_words(self, scale: int) -> str:
        if self.at_cap:
            return "at the mentor's own cap"
        if self.next_rating is None:
            return "no further yes" if self.slots >= self.yeses else "next yes not rated"
        return f"next yes rated {shown_rating(self.next_rating, scale)}"


def _order_key(rank, rating, application_id):
    # Ranked yeses first by rank; the unranked after them, best rated first.
    return (rank is None, rank or 0, -(rating if rating is not None else -1), application_id)


class YesRow(NamedTuple):
    """One of a mentor's yeses, in the mentor's order: who, the place the applicant gave
    the mentor (1 = first choice), and the pair rating (0..1, None if unrated)."""

    application_id: int
    choice_rank: int
    rating: float | None


def yes_rows_by_mentor(cohort: Cohort, mentor_ids=None) -> dict[int, list[YesRow]]:
    """Each mentor's yeses in their order (their rank among yeses first, the rating
    breaking ties and ordering the unranked): one query."""
    shared = Subquery(SharedReview.objects.filter(
        application=OuterRef("choice__application"), scored_at__isnull=False)
        .values("application").annotate(a=Avg("rating")).values("a")[:1])
    rows = yes_reviews(cohort).annotate(shared=shared)
    if mentor_ids is not None:
        rows = rows.filter(choice__mentor_id__in=list(mentor_ids))
    grouped: dict[int, list] = {}
    for mentor_id, app_id, choice_rank, rank, rating, shared_rating in rows.values_list(
            "choice__mentor_id", "choice__application_id", "choice__rank", "rank", "rating",
            "shared"):
        value = pair_rating(rating, shared_rating, cohort.scale)
        grouped.setdefault(mentor_id, []).append(
            (_order_key(rank, value, app_id), YesRow(app_id, choice_rank, value)))
    return {mentor_id: [row for _, row in sorted(items, key=lambda x: x[0])]
            for mentor_id, items in grouped.items()}


def yes_ratings_by_mentor(cohort: Cohort, mentor_ids=None) -> dict[int, list]:
    """Each mentor's yeses in their order, as pair ratings (0..1): one query."""
    return {mentor_id: [row.rating for row in rows]
            for mentor_id, rows in yes_rows_by_mentor(cohort, mentor_ids).items()}


def mentor_slots(cohort: Cohort) -> list[MentorSlots]:
    """Every active mentor of the cohort with their cap, slots, demand, yeses and the
    ratings of their yeses in order: four queries however many applicants."""
    listings = {row.mentor_id: row for row in CohortMentor.objects.filter(
        mentor__program_id=cohort.program_id)}
    seen = MentorChoice.objects.filter(mentor=OuterRef("pk")).exclude(Exists(
        Conflict.objects.filter(user_id=OuterRef("mentor__user_id"),
                                application_id=OuterRef("application_id"))))
    mentors = list(
        Mentor.objects.filter(program_id=cohort.program_id, is_active=True)
        .select_related("user")
        .annotate(
            demand=Subquery(seen.values("mentor").annotate(n=Count("pk")).values("n")[:1]),
            first=Subquery(seen.filter(rank=1).values("mentor").annotate(n=Count("pk"))
                           .values("n")[:1]))
        .order_by("user__name", "pk"))
    ratings = yes_ratings_by_mentor(cohort)
    rows = []
    for mentor in mentors:
        listing = listings.get(mentor.pk) or CohortMentor(mentor=mentor)
        yes = ratings.get(mentor.pk, [])
        rows.append(MentorSlots(mentor=mentor, listing=listing, cap=mentor.capacity,
                                slots=listing.slots, demand=mentor.demand or 0,
                                first_choices=mentor.first or 0, yeses=len(yes),
                                yes_ratings=yes))
    suggest(rows, cohort.slot_budget)
    return rows


def one_mentor_slots(cohort: Cohort, mentor: Mentor, listing: CohortMentor,
                     counts: dict) -> MentorSlots:
    """The mentor's own row, for their page (``counts`` from ``review_counts``)."""
    ratings = yes_ratings_by_mentor(cohort, [mentor.pk]).get(mentor.pk, [])
    return MentorSlots(mentor=mentor, listing=listing, cap=mentor.capacity,
                       slots=listing.slots, demand=counts["demand"],
                       first_choices=counts["first"], yeses=len(ratings),
                       yes_ratings=ratings)


def by_marginal_value(rows: list[MentorSlots]) -> list[MentorSlots]:
    """The allocation view's order: what one more slot would buy, best first; mentors at
    their cap or out of yeses last."""
    def key(row):
        value = None if row.at_cap else row.next_rating
        return (value is None, -(value or 0), row.slots, row.mentor.pk)
    return sorted(rows, key=key)


def suggest(rows: list[MentorSlots], budget: int) -> None:
    """Fill ``suggested`` greedily from nothing: each slot of the budget goes to the mentor
    whose next yes is rated best (ties: the mentor with fewer slots so far), never past a
    mentor's cap or their yeses. Unrated yeses count after rated ones."""
    def candidate(index, row):
        # Negated, for heapq's smallest-first; a row's key changes only when it is picked.
        value = row.yes_ratings[row.suggested]
        return ((value is None), -(value or 0), row.suggested, row.mentor.pk, index)

    for row in rows:
        row.suggested = 0
    heap = [candidate(i, row) for i, row in enumerate(rows) if min(row.cap, row.yeses) > 0]
    heapq.heapify(heap)
    for _ in range(budget):
        if not heap:
            return
        index = heapq.heappop(heap)[-1]
        best = rows[index]
        best.suggested += 1
        if best.suggested < min(best.cap, best.yeses):
            heapq.heappush(heap, candidate(index, best))


def slots_floor(mentor: Mentor) -> int:
    """The least the mentor's own cap may be: the slots organizers gave them."""
    return (CohortMentor.objects.filter(mentor=mentor).values_list("slots", flat=True)
            .first() or 0)


@transaction.atomic
def slots_set(*, cohort: Cohort, allocation: dict[int, int], by) -> list[CohortMentor]:
    """Organizers set mentors' slots ({mentor id: slots}), all or nothing: within the
    budget and each mentor's own cap. Raises ValidationError naming each mentor at fault
    (field "slots_<mentor id>") or the budget ("__all__")."""
    if not organizes(by, cohort.program_id):
        raise PermissionDenied("Only the program's organizers allocate slots.")
    cohort = (Cohort.objects.select_for_update(of=("self",)).select_related("program")
              .get(pk=cohort.pk))
    mentors = {m.pk: m for m in Mentor.objects.select_for_update(of=("self",)).filter(
        program_id=cohort.program_id, pk__in=list(allocation)).select_related("user")}
    errors = {}
    for mentor_id, slots in allocation.items():
        mentor = mentors.get(mentor_id)
        if mentor is None:
            errors["__all__"] = "A mentor in the allocation is not in this program."
            continue
        if not isinstance(slots, int) or slots < 0 or slots > 50:
            errors[f"slots_{mentor_id}"] = "Enter a whole number from 0 to 50."
        elif slots > mentor.capacity:
            errors[f"slots_{mentor_id}"] = (
                f"{mentor.user} takes at most {mentor.capacity} (their own cap).")
    if errors:
        raise ValidationError(errors)
    listings = []
    for mentor_id, slots in allocation.items():
        listing, _ = CohortMentor.objects.select_for_update().get_or_create(
            mentor_id=mentor_id)
        listings.append((listing, slots))
    changed = {listing.pk for listing, _ in listings}
    others = sum(CohortMentor.objects.filter(mentor__program_id=cohort.program_id)
                 .exclude(pk__in=changed).values_list("slots", flat=True))
    total = others + sum(slots for _, slots in listings)
    if total > cohort.slot_budget:
        raise ValidationError({"__all__": (
            f"That makes {total} slots; the budget is {cohort.slot_budget}. Take "
            f"{total - cohort.slot_budget} away, or raise the budget.")})
    now = timezone.now()
    for listing, slots in listings:
        if listing.slots != slots:
            listing.slots, listing.slots_set_by, listing.slots_set_at = slots, by, now
            listing._history_user = by
            listing.save(update_fields=["slots", "slots_set_by", "slots_set_at",
                                        "updated_at"])
    return [listing for listing, _ in listings]
