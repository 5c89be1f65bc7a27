"""Offers in real Chromium: the organizer keeps a matching result and approves it, the
first applicant declines, the organizer sends the re-offer the decline proposed, and the
next applicant accepts: their mentorship starts. Screenshots: test-artifacts/offers-*.png."""

import pytest
from playwright.sync_api import expect

from matching.models import Mentorship, OfferStatus
from mm_program.models import Message

from .browser_fixtures import ARTIFACTS, signed_in
from .test_browser_apply import assert_no_browser_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"offers-{name}.png"), full_page=True)


def test_approve_decline_re_offer_accept(new_page, live_server, offer_queue, organizer):
    s, ada, bo, cy, di = offer_queue
    slug = s.program.slug

    boss = signed_in(new_page, live_server, organizer)
    boss.goto(f"/organizers/cohorts/{slug}/matching/")
    boss.locator("#mode-optimal").get_by_role("button", name="Keep this result").click()
    expect(boss.locator("#run-proposals")).to_contain_text("Ada")
    expect(boss.locator("#run-proposals")).to_contain_text("Di")
    boss.get_by_role("button", name="Approve: send 2 offers").click()
    expect(boss.get_by_text("2 offers sent")).to_be_visible()
    expect(boss.locator(f"#offers-mentor-{s.mentors[0].pk}")).to_contain_text(
        "Ada: Sent: waiting for the applicant")
    shot(boss, "approved")

    applicant = signed_in(new_page, live_server, ada.user)
    applicant.goto(f"/cohorts/{slug}/offer/")
    expect(applicant.get_by_role("heading", name=str(s.mentors[0].user))).to_be_visible()
    applicant.get_by_role("button", name="Decline").click()
    expect(applicant.get_by_text("You declined the offer")).to_be_visible()
    expect(applicant.locator(".mm-offer-status")).to_have_text("Declined")

    boss.reload()
    reoffers = boss.locator("#reoffers")
    expect(boss.get_by_role("heading", name="Re-offers waiting for you (1)")).to_be_visible()
    expect(reoffers).to_contain_text("Bo")
    expect(reoffers).to_contain_text("Ada (declined)")
    shot(boss, "proposed")
    reoffers.get_by_role("button", name="Send the offer").click()
    expect(boss.get_by_text("Offer sent to Bo.")).to_be_visible()

    second = signed_in(new_page, live_server, bo.user)
    second.goto(f"/cohorts/{slug}/offer/")
    second.get_by_role("button", name="Accept the offer").click()
    expect(second.get_by_text("You and")).to_be_visible()
    shot(second, "accepted")
    mentorship = Mentorship.objects.get(mentee__user=bo.user)
    assert mentorship.mentor == s.mentors[0]
    assert bo.offers.get().status == OfferStatus.ACCEPTED
    assert Message.objects.filter(occasion__startswith="cohort-offer/").count() == 3
    for page in (boss, applicant, second):
        assert_no_browser_errors(page)
