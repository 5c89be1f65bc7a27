"""Offers in a cohort: a stored run approved sends one offer (and one email) per placed
applicant; an applicant holds one offer at most; a decline or a lapse (the hourly task)
frees the slot and proposes the mentor's best waiting yes; organizers send or dismiss it;
accepting starts the mentorship."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from matching import tasks
from matching.models import (
    ApplicationStatus,
    MatchingRun,
    Mentee,
    Mentorship,
    Offer,
    OfferStatus,
)
from matching.services import cohort_offers as offers
from matching.services import cohort_slots
from matching.services.cohort_matching import cohort_inputs
from matching.services.matching import StaleRun
from mm_program.models import Message

from .cohort_offer_fixtures import offer_emails, offer_of

pytestmark = pytest.mark.django_db


def test_a_stored_run_keeps_the_modes_placements_as_proposals(offer_queue, organizer):
    s, ada, bo, cy, di = offer_queue
    run = offers.cohort_run_store(cohort=s.cohort, mode="stable", by=organizer)
    assert run.mode == "stable" and run.status == MatchingRun.Status.PROPOSED
    assert {(p.application_id, p.mentor_id) for p in run.proposals.all()} == {
        (ada.pk, s.mentors[0].pk), (di.pk, s.mentors[1].pk)}
    assert run.matched_count == 2 and run.mentee_count == 4
    assert {u["name"] for u in run.unmatched} == {"Bo", "Cy"}
    with pytest.raises(ValidationError):
        offers.cohort_run_store(cohort=s.cohort, mode="random", by=organizer)


def test_approving_sends_one_offer_and_one_email_per_proposal_once(offer_queue, organizer):
    s, ada, bo, cy, di = offer_queue
    run = offers.cohort_run_store(cohort=s.cohort, mode="optimal", by=organizer)
    sent = offers.cohort_run_approve(run=run, by=organizer)
    assert {o.application_id for o in sent} == {ada.pk, di.pk}
    today = timezone.localdate()
    assert all(o.status == OfferStatus.PENDING for o in sent)
    assert {o.accept_by for o in sent} == {today + timedelta(days=s.cohort.offer_days)}
    assert offer_emails() == 2
    message = Message.objects.get(occasion=f"cohort-offer/offer:{sent[0].pk}")
    assert message.recipient == sent[0].application.email
    assert f"/cohorts/{s.program.slug}/offer/" in message.body_text
    # Sending again (a retried request, a second click) adds nothing.
    offers.offer_email(sent[0])
    with pytest.raises(ValidationError, match="approved already"):
        offers.cohort_run_approve(run=run, by=organizer)
    assert offer_emails() == 2 and Offer.objects.count() == 2
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.APPROVED


def test_the_organizer_sets_the_accept_by_date_within_reason(offer_queue, organizer):
    s = offer_queue[0]
    run = offers.cohort_run_store(cohort=s.cohort, mode="optimal", by=organizer)
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="after today"):
        offers.cohort_run_approve(run=run, by=organizer, accept_by=today)
    assert not Offer.objects.exists() and offer_emails() == 0
    sent = offers.cohort_run_approve(run=run, by=organizer, accept_by=today + timedelta(3))
    assert {o.accept_by for o in sent} == {today + timedelta(3)}


def test_a_run_the_cohort_moved_on_from_is_not_approved(offer_queue, organizer):
    s = offer_queue[0]
    run = offers.cohort_run_store(cohort=s.cohort, mode="optimal", by=organizer)
    cohort_slots.slots_set(cohort=s.cohort, allocation={s.mentors[0].pk: 2,
                                                        s.mentors[1].pk: 1}, by=organizer)
    with pytest.raises(StaleRun):
        offers.cohort_run_approve(run=run, by=organizer)
    assert not Offer.objects.exists()


def test_a_mentee_holds_at_most_one_offer(offers_sent, organizer):
    s, ada, bo, cy, di = offers_sent
    # The database refuses a second held offer, whatever the path.
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.create(cohort=s.cohort, application=ada, mentor=s.mentors[1])
    # A new run places nobody who holds an offer, in slots their offers take.
    inputs = cohort_inputs(s.cohort)
    assert not any(a in (ada.pk, di.pk) for a, _ in inputs.pairs)
    assert inputs.slots == {s.mentors[0].pk: 0, s.mentors[1].pk: 0}


def test_a_decline_frees_the_slot_for_the_best_waiting_candidate(offers_sent, organizer):
    s, ada, bo, cy, di = offers_sent
    proposal = offers.offer_decline(offer=offer_of(ada), by=ada.user)
    declined = Offer.objects.get(application=ada)
    assert declined.status == OfferStatus.DECLINED and declined.answered_at
    assert proposal.application == bo and proposal.mentor == s.mentors[0]
    assert proposal.status == OfferStatus.PROPOSED and proposal.replaces == declined
    assert offer_emails() == 2  # nothing goes to Bo before an organizer sends it
    # Proposing for the same freed slot again returns the same proposal.
    assert offers.propose_replacement(declined) == proposal
    offers.reoffer_approve(offer=proposal, by=organizer)
    proposal.refresh_from_db()
    assert proposal.status == OfferStatus.PENDING and proposal.accept_by
    assert Message.objects.filter(occasion=f"cohort-offer/offer:{proposal.pk}",
                                  recipient=bo.email).count() == 1


def test_a_dismissed_proposal_passes_to_the_next_candidate(offers_sent, organizer):
    s, ada, bo, cy, di = offers_sent
    proposal = offers.offer_decline(offer=offer_of(ada), by=ada.user)
    following = offers.reoffer_dismiss(offer=proposal, by=organizer)
    assert following.application == cy and following.replaces == proposal
    assert Offer.objects.get(pk=proposal.pk).status == OfferStatus.DISMISSED
    # Nobody else waits for mentor 0.
    assert offers.reoffer_dismiss(offer=following, by=organizer) is None
    with pytest.raises(ValidationError, match="only a proposed one"):
        offers.reoffer_approve(offer=following, by=organizer)


def test_the_task_lapses_offers_past_their_date_once(offers_sent, organizer):
    s, ada, bo, cy, di = offers_sent
    yesterday = timezone.localdate() - timedelta(days=1)
    Offer.objects.filter(application=ada).update(accept_by=yesterday)
    assert tasks.lapse_offers() == 1
    assert Offer.objects.get(application=ada).status == OfferStatus.LAPSED
    assert Offer.objects.get(application=di).status == OfferStatus.PENDING  # not yet due
    proposal = Offer.objects.get(status=OfferStatus.PROPOSED)
    assert proposal.application == bo
    lapsed = Offer.objects.get(application=ada)
    assert Message.objects.get(occasion=f"cohort-offer-lapsed/offer:{lapsed.pk}"
                               ).recipient == ada.email
    # Beat firing again finds nothing to do, and proposes nobody twice.
    assert tasks.lapse_offers() == 0
    assert Offer.objects.filter(status=OfferStatus.PROPOSED).count() == 1
    assert Message.objects.filter(occasion__startswith="cohort-offer-lapsed/").count() == 1


def test_a_lapsed_offer_can_not_be_accepted(offers_sent):
    s, ada, *_ = offers_sent
    offer = offer_of(ada)
    Offer.objects.filter(pk=offer.pk).update(
        accept_by=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError, match="lapsed"):
        offers.offer_accept(offer=offer, by=ada.user)
    assert not Mentorship.objects.exists()


def test_accepting_starts_the_mentorship(offers_sent, organizer):
    s, ada, *_ = offers_sent
    mentorship = offers.offer_accept(offer=offer_of(ada), by=ada.user)
    offer = Offer.objects.get(application=ada)
    assert offer.status == OfferStatus.ACCEPTED and offer.mentorship == mentorship
    assert mentorship.mentor == s.mentors[0]
    assert mentorship.mentee == Mentee.objects.get(user=ada.user, program=s.program)
    ada.refresh_from_db()
    assert ada.status == ApplicationStatus.ACCEPTED and ada.decided_by == organizer
    assert Message.objects.filter(occasion__startswith=f"introduction/mentorship:"
                                                       f"{mentorship.pk}/").count() == 2
    with pytest.raises(ValidationError, match="no longer open"):
        offers.offer_decline(offer=offer, by=ada.user)
    # Held: the accepted place still counts against the mentor's slots.
    assert offers.slots_free(s.cohort, s.mentors[0]) == 0


def test_no_proposal_when_the_slot_was_taken_away(offers_sent, organizer):
    s, ada, *_ = offers_sent
    offer = offer_of(ada)
    cohort_slots.slots_set(cohort=s.cohort, allocation={s.mentors[0].pk: 0,
                                                        s.mentors[1].pk: 1}, by=organizer)
    assert offers.offer_decline(offer=offer, by=ada.user) is None
    assert not Offer.objects.filter(status=OfferStatus.PROPOSED).exists()
