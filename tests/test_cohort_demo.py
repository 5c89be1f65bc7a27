"""`seed_demo` builds a cohort program beside the rolling one, at its selection stage:
every cohort page shows data to the person it is for."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from matching.cohort_demo import SLUG
from matching.demo_data import DEMO_MENTOR, email_for
from matching.models import (
    CohortMentor,
    Conflict,
    MentorChoice,
    MentorReview,
    Offer,
    OfferStatus,
    SharedReview,
)

from .demo_once import demo_once
from .helpers import signed_in, text

_demo_seeded_once = demo_once()


@pytest.fixture
def seeded(_demo_seeded_once, db):
    """The demo as `seed_demo` leaves it, seeded once for the module."""


def test_the_cohort_has_choices_reviews_of_every_kind_and_slots(seeded):
    assert MentorChoice.objects.filter(mentor__program__slug=SLUG).count() >= 40
    decisions = set(MentorReview.objects.values_list("decision", flat=True))
    assert decisions == {"yes", "maybe", "no"}
    assert MentorChoice.objects.filter(mentor__program__slug=SLUG, review__isnull=True).exists()
    assert SharedReview.objects.exists() and Conflict.objects.count() == 1
    slots = CohortMentor.objects.filter(mentor__program__slug=SLUG)
    assert sum(slots.values_list("slots", flat=True)) == 6


def test_the_demo_mentor_reviews_in_the_cohort_from_their_dashboard(seeded, client):
    mentor = get_user_model().objects.get(email=email_for(DEMO_MENTOR))
    browser = signed_in(mentor)
    assert "Your applicants and listing" in text(browser.get(reverse("dashboard")))
    page = text(browser.get(reverse("cohort_mentor", args=[SLUG])))
    assert "chose you" in page and "Answers" not in page
    assert "Reproduce one figure" in text(client.get(reverse("cohort_listing", args=[SLUG])))


def test_the_allocation_shows_the_marginal_figures(seeded, organizer):
    page = text(signed_in(organizer).get(reverse("cohort_allocation", args=[SLUG])))
    assert "next yes rated" in page


def test_running_it_again_changes_nothing_in_the_cohort(seeded):
    before = (MentorChoice.objects.count(), MentorReview.objects.count())
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert (MentorChoice.objects.count(), MentorReview.objects.count()) == before


def test_the_cohort_has_offers_at_every_status(seeded, organizer):
    statuses = set(Offer.objects.filter(cohort__program__slug=SLUG)
                   .values_list("status", flat=True))
    assert statuses == set(OfferStatus.values)
    page = text(signed_in(organizer).get(reverse("cohort_offers", args=[SLUG])))
    assert "Re-offers waiting for you (1)" in page and "Lapsed" in page
    mentor = get_user_model().objects.get(email=email_for(DEMO_MENTOR))
    assert "Your offers" in text(signed_in(mentor).get(reverse("cohort_mentor",
                                                               args=[SLUG])))
