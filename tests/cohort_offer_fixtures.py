"""Fixtures of the offer tests: a cohort with two mentors, one slot each, and applicants
waiting behind the first placed one; and the same with the optimal run approved."""

import pytest

from matching.models import Offer, OfferStatus
from matching.services import cohort_offers as offers
from matching.services import cohort_slots
from mm_program.models import Message

from .cohort_helpers import applicant, cohort_program, review


@pytest.fixture
def offer_queue(organizer):
    """Mentor 0 said yes to Ada (1st), Bo (2nd) and Cy (3rd); mentor 1 to Di. One slot
    each: Ada and Di are placed, Bo and Cy wait for mentor 0."""
    s = cohort_program(mentors=2, questions=0)
    ada = applicant(s, 1, choose=[0], name="Ada")
    bo = applicant(s, 2, choose=[0], name="Bo")
    cy = applicant(s, 3, choose=[0], name="Cy")
    di = applicant(s, 4, choose=[1], name="Di")
    for rank, person in enumerate([ada, bo, cy], start=1):
        review(s, person, 0, rank=rank)
    review(s, di, 1, rank=1)
    cohort_slots.slots_set(cohort=s.cohort, allocation={m.pk: 1 for m in s.mentors},
                           by=organizer)
    return s, ada, bo, cy, di


def offer_emails() -> int:
    return Message.objects.filter(occasion__startswith="cohort-offer/").count()


@pytest.fixture
def offers_sent(offer_queue, organizer):
    s = offer_queue[0]
    run = offers.cohort_run_store(cohort=s.cohort, mode="optimal", by=organizer)
    offers.cohort_run_approve(run=run, by=organizer)
    return offer_queue


def offer_of(application) -> Offer:
    return Offer.objects.get(application=application,
                             status__in=[OfferStatus.PENDING, OfferStatus.PROPOSED])
