"""The offer pages and their boundaries: an applicant answers only their own offer; a
mentor sees their offers' status and can't approve a run or send a re-offer; organizers
keep a run, approve it, and send the re-offer a decline proposed."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from matching.models import MatchingRun, Mentorship, Offer, OfferStatus
from matching.services import cohort_offers as offers
from mm_program.attention import items
from mm_program.models import Message
from mm_program.privacy.export import person_export

from .cohort_offer_fixtures import offer_of
from .helpers import signed_in, text

pytestmark = pytest.mark.django_db


def offer_url(s):
    return reverse("cohort_offer", args=[s.program.slug])


def test_an_applicant_can_not_answer_another_applicants_offer(offers_sent):
    s, ada, bo, cy, di = offers_sent
    target = offer_of(ada)
    with pytest.raises(PermissionDenied):
        offers.offer_accept(offer=target, by=bo.user)
    with pytest.raises(PermissionDenied):
        offers.offer_decline(offer=target, by=di.user)
    # Through the page: someone else's offer is not found, and nothing moves.
    for action in ("accept", "decline"):
        response = signed_in(di.user).post(offer_url(s), {"offer": target.pk,
                                                          "action": action})
        assert response.status_code == 404
    target.refresh_from_db()
    assert target.status == OfferStatus.PENDING and not Mentorship.objects.exists()
    # Nor is it shown on the other applicant's page.
    page = text(signed_in(di.user).get(offer_url(s)))
    assert s.mentors[1].user.name in page and s.mentors[0].user.name not in page


def test_the_applicant_accepts_from_their_page(offers_sent):
    s, ada, *_ = offers_sent
    client = signed_in(ada.user)
    page = client.get(offer_url(s))
    assert "Accept the offer" in text(page)
    response = client.post(offer_url(s), {"offer": offer_of(ada).pk, "action": "accept"})
    mentorship = Mentorship.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("mentorship_detail", args=[mentorship.pk])


def test_the_applicant_declines_from_their_page_and_a_re_offer_is_proposed(offers_sent):
    s, ada, bo, *_ = offers_sent
    response = signed_in(ada.user).post(offer_url(s), {"offer": offer_of(ada).pk,
                                                       "action": "decline"})
    assert response.status_code == 302
    assert Offer.objects.get(status=OfferStatus.PROPOSED).application == bo
    again = signed_in(ada.user).post(offer_url(s), {"offer": Offer.objects.get(
        application=ada).pk, "action": "accept"})
    assert again.status_code == 400 and "no longer open" in text(again)


def test_signed_out_the_offer_page_asks_to_sign_in(offers_sent, client):
    response = client.get(offer_url(offers_sent[0]))
    assert response.status_code == 302 and "login" in response.url


def test_a_mentor_can_not_approve_a_run_or_send_a_re_offer(offer_queue, organizer):
    s = offer_queue[0]
    mentor = s.mentors[0].user
    with pytest.raises(PermissionDenied):
        offers.cohort_run_store(cohort=s.cohort, mode="optimal", by=mentor)
    run = offers.cohort_run_store(cohort=s.cohort, mode="optimal", by=organizer)
    with pytest.raises(PermissionDenied):
        offers.cohort_run_approve(run=run, by=mentor)
    client = signed_in(mentor)
    assert client.post(reverse("cohort_run", args=[s.program.slug, run.pk]),
                       {}).status_code == 403
    assert client.post(reverse("cohort_run_store", args=[s.program.slug]),
                       {"mode": "optimal"}).status_code == 403
    assert client.get(reverse("cohort_offers", args=[s.program.slug])).status_code == 403
    assert not Offer.objects.exists()
    offers.cohort_run_approve(run=run, by=organizer)
    ada = s.applications[0]
    proposal = offers.offer_decline(offer=offer_of(ada), by=ada.user)
    for decide in (offers.reoffer_approve, offers.reoffer_dismiss):
        with pytest.raises(PermissionDenied):
            decide(offer=proposal, by=mentor)
    response = client.post(reverse("cohort_offers", args=[s.program.slug]),
                           {"offer": proposal.pk, "action": "send"})
    assert response.status_code == 403
    assert Offer.objects.get(pk=proposal.pk).status == OfferStatus.PROPOSED


def test_the_mentor_page_shows_their_offers_status(offers_sent):
    s, ada, *_ = offers_sent
    offers.offer_decline(offer=offer_of(ada), by=ada.user)
    page = text(signed_in(s.mentors[0].user).get(reverse("cohort_mentor",
                                                         args=[s.program.slug])))
    assert "Your offers" in page and "Ada" in page and "Declined" in page
    # The proposal for Bo is the organizers' to decide: not shown yet.
    assert "Proposed" not in page


def test_organizers_keep_a_run_approve_it_and_send_the_re_offer(offer_queue, organizer_client):
    s, ada, bo, *_ = offer_queue
    slug = s.program.slug
    response = organizer_client.post(reverse("cohort_run_store", args=[slug]),
                                     {"mode": "stable"})
    run = MatchingRun.objects.get(mode="stable")
    assert response.url == reverse("cohort_run", args=[slug, run.pk])
    page = organizer_client.get(response.url)
    assert "Approve: send 2 offers" in text(page)
    refused = organizer_client.post(response.url, {"accept_by": "2001-01-01"})
    assert refused.status_code == 400 and "after today" in text(refused)
    assert not Offer.objects.exists()
    approved = organizer_client.post(response.url, {"accept_by": ""})
    assert approved.url == reverse("cohort_offers", args=[slug])
    assert Offer.objects.filter(status=OfferStatus.PENDING).count() == 2
    proposal = offers.offer_decline(offer=offer_of(ada), by=ada.user)
    page = text(organizer_client.get(approved.url))
    assert "Re-offers waiting for you (1)" in page and "Bo" in page
    sent = organizer_client.post(approved.url, {"offer": proposal.pk, "action": "send",
                                                "accept_by": ""})
    assert sent.status_code == 302
    assert Offer.objects.get(pk=proposal.pk).status == OfferStatus.PENDING
    assert Message.objects.filter(occasion=f"cohort-offer/offer:{proposal.pk}").exists()


def test_the_offer_admin_lists_offers_and_sends_proposals(offers_sent, organizer_client):
    s, ada, bo, *_ = offers_sent
    proposal = offers.offer_decline(offer=offer_of(ada), by=ada.user)
    url = reverse("admin:matching_offer_changelist")
    listing = organizer_client.get(url + "?waiting=organizer")
    assert listing.status_code == 200 and "Bo" in text(listing)
    organizer_client.post(url, {"action": "send_proposals",
                                "_selected_action": [proposal.pk]})
    assert Offer.objects.get(pk=proposal.pk).status == OfferStatus.PENDING


def test_the_applicants_export_holds_their_sent_offers_without_the_score(offers_sent):
    s, ada, bo, *_ = offers_sent
    offers.offer_decline(offer=offer_of(ada), by=ada.user)
    exported = person_export(user=ada.user)["cohort"]["offers_to_you"]
    assert [(o["mentor"], o["status"]) for o in exported] == [
        (str(s.mentors[0].user), "Declined")]
    assert "score" not in str(exported)
    # Bo's proposal is the organizers' to decide: not in Bo's export yet.
    assert person_export(user=bo.user)["cohort"]["offers_to_you"] == []


def test_a_tampered_offer_id_is_not_found(offers_sent, organizer_client):
    s, ada, *_ = offers_sent
    for bad in ("abc", "-1", "9" * 30, ""):
        answer = signed_in(ada.user).post(offer_url(s), {"offer": bad, "action": "accept"})
        send = organizer_client.post(reverse("cohort_offers", args=[s.program.slug]),
                                     {"offer": bad, "action": "send"})
        assert (answer.status_code, send.status_code) == (404, 404)


def test_the_applicants_dashboard_links_their_open_offer(offers_sent):
    s, ada, bo, *_ = offers_sent
    assert "You have an offer" in text(signed_in(ada.user).get(reverse("dashboard")))
    assert "You have an offer" not in text(signed_in(bo.user).get(reverse("dashboard")))


def test_a_proposed_re_offer_needs_the_organizers_attention(offers_sent):
    s, ada, *_ = offers_sent
    assert not [i for i in items() if "re-offers" in i.label]
    offers.offer_decline(offer=offer_of(ada), by=ada.user)
    [item] = [i for i in items() if "re-offers" in i.label]
    assert item.count == 1 and item.url.endswith("?waiting=organizer")


def test_the_rolling_runs_admin_leaves_cohort_runs_to_their_own_page(offer_queue, organizer,
                                                                      organizer_client):
    s = offer_queue[0]
    run = offers.cohort_run_store(cohort=s.cohort, mode="optimal", by=organizer)
    listing = organizer_client.get(reverse("admin:matching_matchingrun_changelist"))
    assert listing.status_code == 200 and f"Run {run.pk} " not in text(listing)
    change = organizer_client.get(reverse("admin:matching_matchingrun_change",
                                          args=[run.pk]))
    assert change.status_code == 404
    assert organizer_client.get(reverse("cohort_run", args=[s.program.slug, run.pk])
                                ).status_code == 200
