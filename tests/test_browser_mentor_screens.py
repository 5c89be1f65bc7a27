"""The mentor's screens in real Chromium, on a phone (390 px) and a laptop (1280 px): the
meetings table stays on the screen, a removed meeting comes back with Undo, and a mentor
at capacity adds a mentee and raises the cap without leaving the dashboard."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from matching.models import MeetingLog, Mentorship, MentorshipSource, MentorshipStatus
from matching.services import mentorships as services

from .browser_fixtures import signed_in
from .factories import MenteeFactory
from .helpers import today
from .test_browser_admin_screens import LAPTOP, PHONE, inside, sideways
from .test_browser_apply import assert_no_browser_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_meetings_fit_and_a_removal_can_be_undone(new_page, live_server, mentorship,
                                                      grace, viewport):
    for days, note in ((20, "Read the induction-heads paper; next: replicate figure 3 "
                             "with the smaller model and compare the attention patterns"),
                       (6, ""), (2, "Logged twice by mistake")):
        services.meeting_log(mentorship=mentorship, by=grace.user, minutes=50,
                             on_track="partly", note=note,
                             meeting_date=today() - timedelta(days=days))
    page = signed_in(new_page, live_server, grace.user, viewport=viewport)
    page.goto(f"/mentorships/{mentorship.pk}/")
    table = page.locator(".mm-meetings-table")
    expect(table).to_contain_text("induction-heads")
    assert sideways(page) <= 0
    removes = table.get_by_role("button", name="Remove")
    expect(removes).to_have_count(3)
    for i in range(3):
        assert inside(page, removes.nth(i)), f"Remove {i} off the screen"

    table.locator("tr", has_text="Logged twice").get_by_role("button", name="Remove").click()
    expect(page.get_by_role("alert")).to_contain_text("was removed")
    expect(table.locator("tr", has_text="Logged twice")).to_have_count(0)
    undo = page.get_by_role("button", name="Undo")
    assert inside(page, undo)
    undo.click()
    expect(page.get_by_role("alert")).to_contain_text("is back")
    expect(table.locator("tr", has_text="Logged twice")).to_have_count(1)
    assert MeetingLog.objects.filter(mentorship=mentorship).count() == 3
    assert sideways(page) <= 0
    assert_no_browser_errors(page)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_a_mentor_at_capacity_raises_the_cap_while_adding(new_page, live_server, grace,
                                                          program, viewport):
    grace.capacity = 1
    grace.save(update_fields=["capacity"])
    services.mentorship_create(mentor=grace, mentee=MenteeFactory(program=program),
                               source=MentorshipSource.ORGANIZER)
    page = signed_in(new_page, live_server, grace.user, viewport=viewport)
    page.goto("/dashboard/")
    form = page.locator("form.mm-add-form")
    form.get_by_label("Name", exact=True).fill("Bob Builder")
    form.get_by_label("Email", exact=True).fill("bob@example.org")
    number = form.get_by_label("Take up to this many mentees")
    expect(number).to_have_value("2")
    # Too few first: refused at the number, with what was typed kept.
    number.fill("1")
    form.get_by_role("button", name="Add and invite").click()
    expect(page.locator("form.mm-add-form")).to_contain_text("enter at least 2")
    expect(page.locator("form.mm-add-form").get_by_label("Email", exact=True)).to_have_value(
        "bob@example.org")
    page.locator("form.mm-add-form").get_by_label("Take up to this many mentees").fill("2")
    page.locator("form.mm-add-form").get_by_role("button", name="Add and invite").click()
    expect(page.get_by_role("alert")).to_contain_text("You now take up to 2 mentees")
    assert page.url.endswith("/dashboard/")
    grace.refresh_from_db()
    assert grace.capacity == 2
    assert Mentorship.objects.filter(status=MentorshipStatus.INVITED,
                                     invited_email="bob@example.org").exists()
    assert sideways(page) <= 0
