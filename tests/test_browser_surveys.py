"""Surveys and the impact dashboard in real Chromium, as people would use them.

On the demo program, a mentor completes a mentorship: both sides get a survey by email.
The mentee opens hers on a phone, makes a mistake, saves part of it, comes back later and
sends it; the mentor answers his on a desktop. The organizer's dashboard draws its charts
and its figures move by the two new answers. Screenshots go to test-artifacts/surveys-*.png.
"""

import re

import pytest
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from matching.demo_data import DEMO_PASSWORD, ORGANIZER_EMAIL, email_for
from matching.models import Mentorship, MentorshipStatus, ResearchArea
from surveys.dispatch import minutes_to_answer
from surveys.models import Invitation, Response, SurveyKind

from .browser_fixtures import ARTIFACTS
from .conftest import SEEDED_AREAS
from .test_browser_apply import assert_no_browser_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 375, "height": 812}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True}
LINK = re.compile(r"https?://\S+/surveys/\S+")
AMARA, ANA = "Amara Okafor", "Ana Costa"


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"surveys-{name}.png"), full_page=True)


def no_sideways_scroll(page):
    # Against the viewport's width: on a phone the page would zoom out to fit wider content.
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def sign_in(page, email, then):
    page.goto(then)
    page.get_by_text("Organizers: sign in with a password").click()
    page.locator('input[name="login"]').fill(email)
    page.locator('input[name="password"]').fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in with password").click()
    expect(page).to_have_url(re.compile(re.escape(then) + "$"))


def path_of(message):
    url = LINK.search(message.body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def group(page, words):
    return page.get_by_role("group", name=re.compile(words))


def stat(page, label):
    return page.locator(".mm-stat", has=page.locator(".mm-stat-label", has_text=label))


def charts_drawn(page):
    """Every canvas on the page has a Chart.js chart with a size."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('canvas[data-chart]'))
        .map(c => [c.dataset.chart, !!c.chart && c.width > 0 && c.height > 0])""")


def seeded_areas():
    """A transactional test before this one flushed the migrations' research areas, which
    the demo's people pick from."""
    for position, (name, slug) in enumerate(SEEDED_AREAS):
        ResearchArea.objects.get_or_create(slug=slug, defaults={"name": name,
                                                                "position": position})


def test_both_surveys_answered_through_their_links_move_the_dashboard(new_page):
    seeded_areas()
    call_command("seed_demo", force=True)
    m = Mentorship.objects.get(mentor__user__email=email_for(AMARA),
                               mentee__user__email=email_for(ANA))
    program = m.program

    # --- The organizer's dashboard before: the demo's answered surveys.
    organizer = new_page()
    sign_in(organizer, ORGANIZER_EMAIL, "/organizers/impact/")
    expect(organizer.get_by_role("heading", level=1)).to_contain_text("Impact")
    nps_note = stat(organizer, "Net Promoter Score").locator(".mm-stat-note")
    before = int(re.search(r"n = (\d+)", nps_note.inner_text()).group(1))
    worth_before = int(re.search(r"n = (\d+)", stat(organizer, "Mentors: worth it")
                                 .locator(".mm-stat-note").inner_text()).group(1))

    # --- The mentor completes the mentorship: both get a survey.
    mentor = new_page()
    sign_in(mentor, email_for(AMARA), "/dashboard/")
    mentor.goto(f"/mentorships/{m.pk}/end/")
    mentor.get_by_label("A job").check()
    mail.outbox.clear()
    mentor.get_by_role("button", name="Complete the mentorship").click()
    expect(mentor.get_by_text("You'll both get a short survey by email")).to_be_visible()
    m.refresh_from_db()
    assert m.status == MentorshipStatus.COMPLETED
    to_ana = [e for e in mail.outbox if e.to == [email_for(ANA)]]
    to_amara = [e for e in mail.outbox if e.to == [email_for(AMARA)]]
    # The program's own surveys say how long they take (the demo program adds questions).
    minutes = {i.kind: minutes_to_answer(list(i.template.questions.all()))
               for i in Invitation.objects.filter(mentorship=m)}
    assert [e.subject for e in to_ana] == [
        f"How was your mentorship with {AMARA}? "
        f"({minutes[SurveyKind.MENTEE_FINAL]} min, {program.name})"]
    assert [e.subject for e in to_amara] == [
        f"Was mentoring {ANA} worth your time? "
        f"({minutes[SurveyKind.MENTOR_FINAL]} min, {program.name})"]

    # --- The mentee, on her phone, with no account open.
    phone = new_page(**PHONE)
    link = path_of(to_ana[0])
    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("How was your mentorship?")
    expect(phone.get_by_text(f"About {minutes[SurveyKind.MENTEE_FINAL]} minutes")).to_be_visible()
    expect(phone.get_by_text(f"{AMARA} never sees them")).to_be_visible()
    no_sideways_scroll(phone)
    shot(phone, "1-phone-mentee-survey")

    phone.get_by_label(re.compile("how many hours did you put in")).fill("80")
    phone.get_by_label(re.compile("What did you like")).fill("A call every two weeks.")
    phone.get_by_label(re.compile("percentage points did the program change")).fill("150")
    group(phone, "recommend the program").get_by_text("9", exact=True).tap()
    phone.get_by_role("button", name="Save and finish later").tap()
    summary = phone.locator(".mm-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a number from -100 to 100 percentage points.")
    delta = phone.get_by_label(re.compile("percentage points did the program change"))
    expect(delta).to_have_value("150")
    expect(delta).to_have_accessible_description(re.compile("Enter a number from -100"))
    expect(group(phone, "recommend the program").get_by_label("9", exact=True)).to_be_checked()
    no_sideways_scroll(phone)
    shot(phone, "2-phone-mentee-error")

    delta.fill("20")
    phone.get_by_role("button", name="Save and finish later").tap()
    expect(phone.get_by_text("Saved. Come back with the same link to finish")).to_be_visible()
    # Autosave: picking an answer saves it without a button.
    phone.get_by_label(re.compile("shorten your way")).fill("4")
    group(phone, "technical skills").get_by_text("6", exact=True).tap()
    expect(phone.locator("[data-autosave-status]")).to_contain_text("Answers saved at")
    response = Response.objects.get(invitation__mentorship=m, invitation__kind="mentee_final")
    assert response.submitted_at is None
    assert response.answers.count() == 6

    # --- Later, she comes back with the same link: everything is there.
    later = new_page(**PHONE)
    later.goto(link)
    expect(later.get_by_text("Your saved answers are filled in below.")).to_be_visible()
    expect(later.get_by_label(re.compile("how many hours did you put in"))).to_have_value("80")
    expect(later.get_by_label(re.compile("percentage points did the program change"))
           ).to_have_value("20")
    expect(later.get_by_label(re.compile("shorten your way"))).to_have_value("4")
    expect(group(later, "recommend the program").get_by_label("9", exact=True)).to_be_checked()
    for words, value in (("research teams?|agendas of the major", "5"),
                         ("iterate on a research direction", "5"),
                         ("motivates your work", "8")):
        group(later, words).get_by_text(value, exact=True).tap()
    # The demo program's own survey adds optional MATS measures (surveys/demo_outcomes.py).
    group(later, "how usefully would you have spent").get_by_text(
        "About as usefully", exact=True).tap()
    later.get_by_role("button", name="Send my answers").tap()
    expect(later.get_by_role("heading", level=1)).to_have_text("Thank you: your answers are in")
    shot(later, "3-phone-mentee-thanks")
    later.goto(link)  # single use: the link now only thanks
    expect(later.get_by_text("this link now only shows this page")).to_be_visible()
    response.refresh_from_db()
    assert response.submitted_at is not None

    # --- The mentor answers his on a desktop.
    mentor.goto(path_of(to_amara[0]))
    expect(mentor.get_by_role("heading", level=1)).to_have_text("Was it worth your time?")
    group(mentor, "worth your time").get_by_label("Yes", exact=True).check()
    group(mentor, "mentor again").get_by_label("Yes, under changed conditions").check()
    mentor.get_by_label(re.compile("What would need to change")).fill("Every three weeks.")
    for words in ("technical skills", "agendas of the", "iterate on a research",
                  "motivated by achieving", "support your mentee"):
        group(mentor, words).get_by_text("7", exact=True).click()
    shot(mentor, "4-mentor-survey")
    mentor.get_by_role("button", name="Send my answers").click()
    expect(mentor.get_by_role("heading", level=1)).to_have_text("Thank you: your answers are in")

    # --- The dashboard counts both answers and draws every chart.
    organizer.reload()
    expect(nps_note).to_contain_text(f"n = {before + 1}")
    expect(stat(organizer, "Mentors: worth it").locator(".mm-stat-note")).to_contain_text(
        f"n = {worth_before + 1}")
    drawn = charts_drawn(organizer)
    assert {name for name, _ in drawn} >= {"funnel", "delta_p", "months", "nps", "worth_it",
                                           "again", "ratings", "change"}
    assert all(ok for _, ok in drawn), drawn
    shot(organizer, "5-impact-dashboard")

    # One program only, and the CSV of a figure.
    organizer.get_by_label("Program", exact=True).select_option(label=program.name)
    expect(organizer).to_have_url(re.compile(r"\?program="))
    assert all(ok for _, ok in charts_drawn(organizer))
    with organizer.expect_download() as download:
        organizer.get_by_role("link", name="All figures (CSV)").click()
    assert download.value.suggested_filename.startswith("impact-all-")

    dashboard_phone = new_page(storage_state=organizer.context.storage_state(), **PHONE)
    dashboard_phone.goto("/organizers/impact/")
    assert all(ok for _, ok in charts_drawn(dashboard_phone))
    no_sideways_scroll(dashboard_phone)
    shot(dashboard_phone, "6-phone-impact-dashboard")

    assert_no_browser_errors(phone, "status of 400 (Bad Request)")
    for each in (later, mentor, dashboard_phone):
        assert_no_browser_errors(each)
    # A download ends its request with "aborted", which the browser logs as failed.
    assert_no_browser_errors(organizer, "/organizers/impact/all.csv")


def test_a_bad_or_expired_link_on_a_phone(new_page, program):
    phone = new_page(**PHONE)
    phone.goto("/surveys/not-a-real-link/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("This link isn't valid")
    no_sideways_scroll(phone)
    shot(phone, "7-phone-bad-link")
    assert_no_browser_errors(phone, "status of 404 (Not Found)")
