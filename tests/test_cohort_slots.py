"""Slots: organizers allocate within the budget and each mentor's own cap; the allocation
view sorts mentors by the rating of the next yes one more slot would take; a mentor can't
lower their cap under their slots."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.services import cohort_slots
from matching.services.mentorships import mentor_set_capacity

from .cohort_helpers import applicant, cohort_program, review
from .helpers import signed_in, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Mentor 0 has yeses rated 4, 2; mentor 1 has one yes rated 3; mentor 2 none."""
    s = cohort_program(mentors=3, questions=0, capacity=2, budget=3)
    a = applicant(s, 1, choose=[0])
    b = applicant(s, 2, choose=[0, 1])
    c = applicant(s, 3, choose=[1])
    applicant(s, 4, choose=[2])
    review(s, a, 0, rank=1, scores=(4, 4))
    review(s, b, 0, rank=2, scores=(2, 2))
    review(s, c, 1, rank=1, scores=(3, 3))
    review(s, b, 1, decision="maybe", scores=(4, 4))
    return s


def test_the_marginal_value_is_the_next_yes_rating(world):
    rows = {r.mentor.pk: r for r in cohort_slots.mentor_slots(world.cohort)}
    m0, m1, m2 = (rows[m.pk] for m in world.mentors)
    assert (m0.demand, m0.yeses, m0.next_rating) == (2, 2, 1.0)
    assert (m1.demand, m1.first_choices, m1.yeses) == (2, 1, 1)
    assert m1.next_rating == pytest.approx(2 / 3)
    assert m2.next_rating is None and m2.yeses == 0
    order = [r.mentor.pk for r in cohort_slots.by_marginal_value(list(rows.values()))]
    assert order == [world.mentors[0].pk, world.mentors[1].pk, world.mentors[2].pk]


def test_the_suggestion_fills_the_budget_by_marginal_value(world):
    rows = {r.mentor.pk: r for r in cohort_slots.mentor_slots(world.cohort)}
    # Slot 1: mentor 0's first yes (4.0); slot 2: mentor 1's (3.0); slot 3: mentor 0's
    # second (2.0). Mentor 2 has no yes.
    assert [rows[m.pk].suggested for m in world.mentors] == [2, 1, 0]


def test_slots_stay_within_the_budget_and_each_cap(world, organizer):
    m0, m1, m2 = world.mentors
    with pytest.raises(ValidationError) as over_budget:
        cohort_slots.slots_set(cohort=world.cohort, allocation={m0.pk: 2, m1.pk: 2},
                               by=organizer)
    assert "budget is 3" in str(over_budget.value)
    with pytest.raises(ValidationError) as over_cap:
        cohort_slots.slots_set(cohort=world.cohort, allocation={m2.pk: 3}, by=organizer)
    assert "own cap" in str(over_cap.value)
    cohort_slots.slots_set(cohort=world.cohort, allocation={m0.pk: 2, m1.pk: 1},
                           by=organizer)
    m0.listing.refresh_from_db()
    assert m0.listing.slots == 2 and m0.listing.slots_set_by == organizer


def test_a_mentor_cannot_undo_an_allocation_by_lowering_their_cap(world, organizer):
    m0 = world.mentors[0]
    cohort_slots.slots_set(cohort=world.cohort, allocation={m0.pk: 2}, by=organizer)
    with pytest.raises(ValidationError) as refused:
        mentor_set_capacity(mentor=m0, capacity=1)
    assert "gave you 2 slots" in str(refused.value)
    m0.refresh_from_db()
    assert m0.capacity == 2


def test_the_allocation_page_saves_the_suggestion_and_shows_errors(world, organizer):
    browser = signed_in(organizer)
    url = reverse("cohort_allocation", args=[world.program.slug])
    page = text(browser.get(url))
    assert "next yes rated 4.0 of 4" in page
    assert browser.post(url, {"suggestion": "1"}).status_code == 302
    world.mentors[0].listing.refresh_from_db()
    assert world.mentors[0].listing.slots == 2
    data = {f"slots_{m.pk}": "2" for m in world.mentors}
    refused = browser.post(url, data)
    assert refused.status_code == 400
    assert "the budget is 3" in text(refused)


def test_the_mentor_page_shows_slots_demand_and_yeses(world, organizer):
    m0 = world.mentors[0]
    cohort_slots.slots_set(cohort=world.cohort, allocation={m0.pk: 1}, by=organizer)
    page = text(signed_in(m0.user).get(reverse("cohort_mentor", args=[world.program.slug])))
    assert "1 slot" in page
    assert "2 chose you (2 first)" in page
    assert "2 yes" in page
    assert "next yes rated 2.0 of 4" in page
