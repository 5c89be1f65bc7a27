"""The interest forms as a person uses them: real Chromium, real clicks, a live server.

Fixtures (`page`, `new_page`) come from tests/browser_fixtures.py. Run only these with
`pytest -m browser`, or leave them out with `pytest -m "not browser"`.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from matching.models import MenteeApplication, MentorApplication

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread: it only sees committed data. The `program`
    # and `areas` fixtures recreate the seeded rows that the flush removes.
    pytest.mark.django_db(transaction=True),
]

MENTEE_AREAS = ["Mechanistic interpretability", "Agent foundations"]


def start_from_home(page, call_to_action):
    page.goto("/")
    hero = page.locator(".mm-hero")
    hero.get_by_role("link", name=call_to_action).click()


def fill_about_you(page, name="Ada Lovelace", email="Ada@Example.org"):
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)


def fill_mentee_form(page, *, hours="8", goals="Write a distillation of a mech interp paper."):
    fill_about_you(page)
    page.get_by_role("group", name="What do you do now?").get_by_label("Master's student").check()
    page.get_by_label("Field of study or work").fill("Mathematics")
    areas = page.get_by_role("group", name="Research areas you're interested in")
    for area in MENTEE_AREAS:
        areas.get_by_label(area).check()
    page.get_by_label("What do you want to get out of a mentorship?").fill(goals)
    page.get_by_label("Hours per week you can commit").fill(hours)
    page.get_by_role("group", name="Do you intend to work full-time").get_by_label(
        "Yes", exact=True
    ).check()


def submit(page):
    page.get_by_role("button", name="Send application").click()


def expect_thanks_page(page, role):
    # (?:#.*)? because a fragment survives the redirect, e.g. after following a link in the
    # error summary to #id_goals.
    expect(page).to_have_url(re.compile(rf"/apply/{role}/thanks/(?:#.*)?$"))
    expect(page.get_by_role("heading", name="Thank you, your application is in")).to_be_visible()
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()


def assert_no_browser_errors(page, *expected):
    """No JavaScript errors, no failed requests, no missing static files. Tolerated: the
    browser's automatic /favicon.ico request (the admin's pages have no icon link), and a
    favicon fetch that a navigation cancelled (the browser loads it last, at low priority;
    it "fails" when a test clicks on before it arrived). A favicon that is missing still
    shows as a console 404."""
    unexpected = [
        line
        for line in page.browser_log
        if not any(part in line for part in ("/favicon.ico", *expected))
        and not (line.startswith("requestfailed:") and "/static/favicon." in line)
    ]
    assert unexpected == []


def test_a_mentee_applies_from_the_home_page(page, program, areas):
    start_from_home(page, "Apply as a mentee")
    expect(page).to_have_url(re.compile(r"/apply/mentee/$"))
    expect(page.get_by_role("heading", level=1, name="Apply as a mentee")).to_be_visible()

    # Nobody should have to pick their zone from ~500 entries: it defaults to the browser's.
    expect(page.get_by_label("Your time zone")).to_have_value("Europe/Berlin")
    fill_mentee_form(page)
    submit(page)

    expect_thanks_page(page, "mentee")
    expect(page.get_by_text("ada@example.org")).to_be_visible()

    application = MenteeApplication.objects.get()
    assert application.program == program
    assert application.name == "Ada Lovelace"
    assert application.email == "ada@example.org"
    assert application.timezone == "Europe/Berlin"
    assert application.occupation == "masters"
    assert application.hours_per_week == 8
    assert application.fulltime_intent == "yes"
    assert sorted(a.name for a in application.research_areas.all()) == sorted(MENTEE_AREAS)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.org"]
    assert mail.outbox[0].subject == f"We received your mentee application to {program.name}"
    assert_no_browser_errors(page)


def test_a_bad_submission_explains_itself_and_keeps_what_was_typed(page, program, areas):
    page.goto("/apply/mentee/")
    fill_mentee_form(page, hours="0", goals="")
    submit(page)

    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Please fix these 2 things; nothing you typed is lost")
    expect(summary).to_contain_text("Enter at least 1 hour a week.")
    expect(summary).to_contain_text("This field is required.")
    # Keyboard and screen-reader users land on the summary, not at the top of the page.
    expect(summary).to_be_focused()
    assert page.evaluate("document.activeElement.classList.contains('mm-error-summary')")

    # Each error is also shown at its field, and the field is marked invalid.
    hours = page.get_by_label("Hours per week you can commit")
    goals = page.get_by_label("What do you want to get out of a mentorship?")
    expect(page.locator("#div_id_hours_per_week")).to_contain_text("Enter at least 1 hour a week.")
    expect(page.locator("#div_id_goals")).to_contain_text("This field is required.")
    expect(hours).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(goals).to_have_class(re.compile(r"\bis-invalid\b"))
    # ...and screen readers read the error with the field.
    expect(hours).to_have_accessible_description(re.compile("Enter at least 1 hour a week."))
    expect(goals).to_have_accessible_description(re.compile("This field is required."))

    # Nothing typed is lost.
    expect(page.get_by_label("Your name")).to_have_value("Ada Lovelace")
    expect(page.get_by_label("Email")).to_have_value("Ada@Example.org")
    expect(page.get_by_label("Your time zone")).to_have_value("Europe/Berlin")
    expect(page.get_by_label("Master's student")).to_be_checked()
    for area in MENTEE_AREAS:
        expect(page.get_by_label(area)).to_be_checked()
    expect(hours).to_have_value("0")

    # The summary's links take you to the field.
    summary.get_by_role("link", name="What do you want to get out of a mentorship?").click()
    expect(goals).to_be_focused()

    assert MenteeApplication.objects.count() == 0
    assert mail.outbox == []

    hours.fill("8")
    goals.fill("Write a distillation of a mech interp paper.")
    submit(page)

    expect_thanks_page(page, "mentee")
    application = MenteeApplication.objects.get()
    assert application.hours_per_week == 8
    assert application.goals == "Write a distillation of a mech interp paper."
    assert len(mail.outbox) == 1
    # The refused form is answered with 400 Bad Request, which Chromium logs as an error.
    assert_no_browser_errors(page, "status of 400 (Bad Request)")


def test_a_mentor_applies_from_the_home_page(page, program, areas):
    start_from_home(page, "Become a mentor")
    expect(page).to_have_url(re.compile(r"/apply/mentor/$"))
    expect(page.get_by_label("Your time zone")).to_have_value("Europe/Berlin")

    fill_about_you(page, name="Grace Hopper", email="grace@example.org")
    page.get_by_role("group", name="Current position").get_by_label(
        "Industry researcher or engineer"
    ).check()
    page.get_by_label("Organization").fill("Navy Labs")
    page.get_by_role("group", name="Areas you can mentor in").get_by_label(
        "Mechanistic interpretability"
    ).check()
    page.get_by_label("How many mentees at once").fill("2")
    page.get_by_label("Minutes per week you can give").fill("60")
    page.get_by_role("group", name="How involved are you").get_by_label(
        "Somewhere in between"
    ).check()
    page.get_by_role("group", name="Who sets the direction").get_by_label(
        "We decide together"
    ).check()
    submit(page)

    expect_thanks_page(page, "mentor")
    application = MentorApplication.objects.get()
    assert application.email == "grace@example.org"
    assert application.timezone == "Europe/Berlin"
    assert (application.capacity, application.minutes_per_week) == (2, 60)
    assert application.involvement == "balanced"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["grace@example.org"]
    assert_no_browser_errors(page)


def test_the_home_page_on_a_phone(new_page, program):
    page = new_page(
        viewport={"width": 390, "height": 844},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
    )
    page.goto("/")

    toggler = page.get_by_role("button", name="Toggle navigation")
    expect(toggler).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Become a mentor")).to_be_hidden()

    hero = page.locator(".mm-hero")
    for call_to_action in ("Apply as a mentee", "Become a mentor"):
        link = hero.get_by_role("link", name=call_to_action)
        expect(link).to_be_visible()
        expect(link).to_be_in_viewport()  # above the fold, no scrolling needed

    # Nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    toggler.tap()
    expect(nav.get_by_role("link", name="Become a mentor")).to_be_visible()
    nav.get_by_role("link", name="Apply as a mentee").tap()
    expect(page).to_have_url(re.compile(r"/apply/mentee/$"))
    assert_no_browser_errors(page)


def test_a_paste_too_long_for_an_answer_is_pointed_out(page, program, areas):
    page.goto("/apply/mentee/")
    goals = page.get_by_label("What do you want to get out of a mentorship?")
    limit = int(goals.get_attribute("maxlength"))
    # What a browser does on a paste: the paste event, then the text cut to maxlength.
    goals.evaluate("""(area, text) => {
        const data = new DataTransfer();
        data.setData("text/plain", text);
        area.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data}));
        area.value = text.slice(0, area.maxLength);
        area.dispatchEvent(new Event("input", {bubbles: true}));
    }""", "x" * (limit + 500))
    note = goals.locator("xpath=following-sibling::div[contains(@class, 'mm-counter')]")
    expect(note).to_have_text(re.compile(rf"longer than {limit:,} characters: only the "
                                         "beginning fit"))
    goals.fill("x" * (limit - 10))  # typing near the limit counts down instead
    expect(note).to_have_text("10 characters left")
    goals.fill("A sentence or two.")
    expect(note).to_have_text("")
    assert_no_browser_errors(page)
