"""Matching in a cohort, both sides: only pairs where the applicant chose the mentor and
the mentor said yes; a score from both rankings and the rating, with the organizers'
weights; the optimal and the stable mode compared (placed, total, blocking pairs); locks
and forbids holding in both; the page for organizers only."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.models import Cohort
from matching.services import cohort_reviews, cohort_slots
from matching.services.cohort_matching import (
    cohort_compare,
    cohort_pair_rule_set,
    cohort_pairs,
)

from .cohort_helpers import applicant, cohort_program, review
from .helpers import signed_in, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def trade(organizer):
    """Ada chose mentors 0 then 1, Bo chose mentor 0 only; mentor 0 ranks Ada over Bo and
    mentor 1 said yes to Ada; one slot each. Stable places Ada with mentor 0 and leaves Bo
    out; optimal places both (Ada with mentor 1), at the price of one blocking pair."""
    s = cohort_program(mentors=2, questions=0)
    ada = applicant(s, 1, choose=[0, 1], name="Ada")
    bo = applicant(s, 2, choose=[0], name="Bo")
    review(s, ada, 0, rank=1, scores=(4, 4))
    review(s, bo, 0, rank=2, scores=(3, 3))
    review(s, ada, 1, rank=1, scores=(4, 4))
    cohort_slots.slots_set(cohort=s.cohort, allocation={m.pk: 1 for m in s.mentors},
                           by=organizer)
    return s, ada, bo


def test_a_pair_needs_the_applicants_choice_and_the_mentors_yes(organizer):
    s = cohort_program(mentors=3, questions=0)
    a = applicant(s, 1, choose=[0, 1])
    review(s, a, 0, decision="yes", rank=1)
    review(s, a, 1, decision="maybe")
    b = applicant(s, 2, choose=[2])
    review(s, b, 2, decision="yes", rank=1)
    cohort_reviews.conflict_declare(cohort=s.cohort, application=b, user=s.mentors[2].user,
                                    by=s.mentors[2].user)
    assert set(cohort_pairs(s.cohort)) == {(a.pk, s.mentors[0].pk)}


def test_the_score_weighs_both_rankings_and_the_rating(trade):
    s, ada, bo = trade
    pairs = cohort_pairs(s.cohort)
    # Ada: first choice, mentor 0's first yes, rated 4 of 4: full marks.
    assert pairs[(ada.pk, s.mentors[0].pk)].score == pytest.approx(100)
    # Bo: first choice (1), mentor 0's second of two yeses (0.5), rated 3 of 4 (2/3).
    assert pairs[(bo.pk, s.mentors[0].pk)].score == pytest.approx(100 * (1 + .5 + 2 / 3) / 3)
    Cohort.objects.filter(pk=s.cohort.pk).update(weight_mentee_rank=0, weight_mentor_rank=0)
    s.cohort.refresh_from_db()
    assert cohort_pairs(s.cohort)[(bo.pk, s.mentors[0].pk)].score == pytest.approx(200 / 3)
    words = [c.words for c in cohort_pairs(s.cohort)[(bo.pk, s.mentors[0].pk)].components]
    assert words == ["their choice no. 1 of up to 3", "the mentor's yes no. 2 of 2",
                     "3.0 of 4"]


def test_the_modes_report_placed_totals_and_blocking_pairs(trade):
    s, ada, bo = trade
    m0, m1 = (m.pk for m in s.mentors)
    comparison = cohort_compare(cohort=s.cohort)
    optimal, stable = comparison.modes["optimal"], comparison.modes["stable"]
    assert stable.placed == {ada.pk: m0}
    assert stable.blocking == []
    assert optimal.placed == {ada.pk: m1, bo.pk: m0}
    assert optimal.blocking == [(ada.pk, m0)]
    assert optimal.total > stable.total


def test_locks_and_forbids_hold_in_both_modes(trade, organizer):
    s, ada, bo = trade
    m0, m1 = s.mentors
    cohort_pair_rule_set(cohort=s.cohort, application=ada, mentor=m1, kind="lock",
                         by=organizer)
    comparison = cohort_compare(cohort=s.cohort)
    assert comparison.modes["stable"].placed == {ada.pk: m1.pk, bo.pk: m0.pk}
    cohort_pair_rule_set(cohort=s.cohort, application=bo, mentor=m0, kind="forbid",
                         by=organizer)
    comparison = cohort_compare(cohort=s.cohort)
    for mode in comparison.modes.values():
        assert mode.placed == {ada.pk: m1.pk}, mode.mode


def test_a_lock_needs_a_possible_pair_and_a_free_slot(trade, organizer):
    s, ada, bo = trade
    m0, m1 = s.mentors
    with pytest.raises(ValidationError, match="not a possible pair"):
        cohort_pair_rule_set(cohort=s.cohort, application=bo, mentor=m1, kind="lock",
                             by=organizer)
    cohort_pair_rule_set(cohort=s.cohort, application=ada, mentor=m0, kind="lock",
                         by=organizer)
    with pytest.raises(ValidationError, match="slots are all taken"):
        cohort_pair_rule_set(cohort=s.cohort, application=bo, mentor=m0, kind="lock",
                             by=organizer)


def test_the_page_compares_both_modes_for_organizers_only(trade, organizer):
    s, ada, bo = trade
    url = reverse("cohort_matching", args=[s.program.slug])
    assert signed_in(s.mentors[0].user).get(url).status_code == 403
    assert signed_in(ada.user).post(reverse("cohort_pair_rule", args=[s.program.slug]), {
        "application": ada.pk, "mentor": s.mentors[0].pk, "kind": "lock"}).status_code == 403
    browser = signed_in(organizer)
    page = text(browser.get(url))
    # Mode, placed, total score, blocking pairs.
    assert re.search(r'id="mode-optimal"><th scope="row">Optimal[^<]*</th><td>2</td>'
                     r'<td>[\d.]+</td><td>1</td>', page)
    assert re.search(r'id="mode-stable"><th scope="row">Stable[^<]*</th><td>1</td>'
                     r'<td>100.0</td><td>0</td>', page)
    assert "Ada and Mentor mats 0" in page  # the optimal mode's blocking pair
    response = browser.post(reverse("cohort_pair_rule", args=[s.program.slug]), {
        "application": bo.pk, "mentor": s.mentors[0].pk, "kind": "forbid"})
    assert "never placed together" in text(browser.get(response.url))


def test_weights_that_are_all_zero_are_refused_keeping_what_was_typed(trade, organizer):
    s, *_ = trade
    response = signed_in(organizer).post(
        reverse("cohort_matching", args=[s.program.slug]),
        {"weight_mentee_rank": "0", "weight_mentor_rank": "0", "weight_rating": "0"})
    assert response.status_code == 400
    assert "weren't saved" in text(response)
    s.cohort.refresh_from_db()
    assert s.cohort.weight_rating == 1.0
