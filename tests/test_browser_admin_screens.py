"""The organizer's screens in real Chromium, at a laptop's 1280 px and a phone's 390 px:
the triage list fits with every name in sight, an application's decisions sit under its
heading and say what they do, the index leads with the program, and the run and
lock/forbid forms line up and stay on a phone's screen."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from .browser_fixtures import signed_in
from .factories import MenteeApplicationFactory, MentorApplicationFactory, ProgramFactory
from .matching_helpers import accepted_mentee, accepted_mentor
from .test_browser_apply import assert_no_browser_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# A long name, as real ones go.
LONG_NAME = "Alexandra Featherstonehaugh-Okonkwo"


def sideways(page) -> int:
    """How far the page, or a list in it, scrolls sideways (0: it fits)."""
    return page.evaluate("""Math.max(
        document.documentElement.scrollWidth - window.innerWidth,
        ...[...document.querySelectorAll('.results')].map(e => e.scrollWidth - e.clientWidth))""")


def inside(page, locator) -> bool:
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


def overlaps(a, b) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_the_triage_lists_fit_a_laptop_with_every_name_on_one_line(
        new_page, live_server, program, organizer, redirect_targets):
    ProgramFactory(name="AI Safety Mentors and Mentees: Autumn Cohort")  # the program column
    # The widest row: a long name, a redirect, both flags, a stipend, the program.
    mentee = MenteeApplicationFactory(program=program, name=LONG_NAME, needs_funding=True,
                                      flagged_low_hours=True, resubmissions=2,
                                      status="redirected",
                                      redirect_to=redirect_targets["MATS"])
    mentee.research_areas.set(accepted_mentee(program, "Ada A").application.research_areas.all())
    MentorApplicationFactory(program=program, name=LONG_NAME, wants_paid=True)
    page = signed_in(new_page, live_server, organizer)
    for kind in ("menteeapplication", "mentorapplication"):
        page.goto(f"/admin/matching/{kind}/")
        name = page.locator("#result_list tbody .field-name", has_text=LONG_NAME)
        expect(name).to_be_visible()
        assert sideways(page) <= 0, kind
        assert inside(page, name), kind
        link = name.get_by_role("link")
        line = link.evaluate("(el) => parseFloat(getComputedStyle(el).lineHeight) || 20")
        assert link.bounding_box()["height"] < 1.5 * line, "the name wraps"
        expect(page.locator("#result_list .column-program_name")).to_be_visible()
    assert_no_browser_errors(page)


def test_decisions_sit_under_the_heading_and_redirect_links_the_program(
        new_page, live_server, program, organizer, redirect_targets):
    application = MenteeApplicationFactory(program=program, name=LONG_NAME)
    for viewport in (LAPTOP, PHONE):
        page = signed_in(new_page, live_server, organizer, viewport=viewport)
        page.goto(f"/admin/matching/menteeapplication/{application.pk}/change/")
        heading = page.locator("#content h2, #content h1").first
        buttons = page.locator(".mm-decisions a.button")
        expect(buttons).to_have_text(["Accept…", "Waitlist…", "Decline…", "Redirect…"])
        for i in range(4):
            box = buttons.nth(i).bounding_box()
            assert not overlaps(box, heading.bounding_box()), viewport
            assert inside(page, buttons.nth(i)), viewport
        assert sideways(page) <= 0 or viewport is PHONE  # the admin's own form may scroll
    page.get_by_role("link", name="Redirect…").click()
    page.get_by_label("Redirect", exact=True).check()
    mats = redirect_targets["MATS"]
    page.get_by_label("Redirect to").select_option(label=mats.name)
    page.get_by_role("button", name="Record decision and email").click()
    expect(page.locator(".messagelist")).to_be_visible()
    application.refresh_from_db()
    assert application.status == "redirected"
    sent = mail.outbox[-1]
    assert mats.url in sent.body
    assert f'href="{mats.url}"' in sent.alternatives[0][0]


def test_the_index_leads_with_the_program_and_hides_the_scheduler(new_page, live_server,
                                                                  organizer, admin_user):
    page = signed_in(new_page, live_server, organizer)
    page.goto("/admin/")
    captions = page.locator("#content-main .module caption").all_inner_texts()
    assert captions[0].strip().lower() == "program and applications"
    rows = page.locator("#content-main .module").first.locator("th[scope=row]").all_inner_texts()
    assert [r.strip() for r in rows[:3]] == ["Mentee applications", "Mentor applications",
                                             "Matching runs"]
    expect(page.get_by_text("Clocked")).to_have_count(0)
    expect(page.get_by_text("Periodic tasks")).to_have_count(0)
    superuser = signed_in(new_page, live_server, admin_user)
    superuser.goto("/admin/")
    expect(superuser.get_by_role("link", name="Periodic tasks").first).to_be_visible()


def test_the_run_and_rule_forms_line_up_and_fit_a_phone(new_page, live_server, program,
                                                        organizer):
    accepted_mentor(program, "Ines Interp", areas=("Interpretability", "Evals"))
    accepted_mentee(program, "Ada A", areas=("Interpretability", "Evals"))
    laptop = signed_in(new_page, live_server, organizer)
    laptop.goto("/admin/matching/matchingrun/add/")
    # Every text field's label starts at one x and every input at another.
    labels = laptop.locator("fieldset.aligned .form-row:not(.field-require_shared_area) label")
    inputs = laptop.locator("fieldset.aligned .form-row input[type=number]")
    assert labels.count() >= 5
    assert len({round(box["x"]) for box in (labels.nth(i).bounding_box()
                                            for i in range(labels.count()))}) == 1
    assert len({round(box["x"]) for box in (inputs.nth(i).bounding_box()
                                            for i in range(inputs.count()))}) == 1

    phone = signed_in(new_page, live_server, organizer, viewport=PHONE)
    phone.goto("/admin/matching/matchingrun/add/")
    run = phone.get_by_role("button", name="Run matching")
    assert inside(phone, run)
    assert sideways(phone) <= 0
    run.click()
    lock = phone.locator("#result_list").get_by_role("button", name="Lock").first
    forbid = phone.locator("#result_list").get_by_role("button", name="Forbid").first
    expect(lock).to_be_visible()
    for button in (lock, forbid):
        assert inside(phone, button)
        # Styled as the admin's buttons, not the browser's grey default.
        assert button.evaluate("(el) => getComputedStyle(el).backgroundColor") not in (
            "rgb(239, 239, 239)", "rgba(0, 0, 0, 0)")
    save = phone.get_by_role("button", name="Save rule")
    save.scroll_into_view_if_needed()
    assert inside(phone, save)
    mentee_select = phone.locator("form", has=save).get_by_label("Mentee")
    assert inside(phone, mentee_select)
    assert sideways(phone) <= 0
    assert_no_browser_errors(phone)


def test_inline_tables_of_programs_and_milestones_fit_a_laptop(new_page, live_server, program,
                                                              organizer, redirect_targets):
    from .cohort_phase_fixtures import phase_scenario

    scenario = phase_scenario()
    scenario.program.organizers.add(organizer)
    page = signed_in(new_page, live_server, organizer)
    for url in (f"/admin/matching/program/{program.pk}/change/",
                f"/admin/matching/milestone/{scenario.srp.pk}/change/",
                "/admin/matching/milestone/add/"):
        page.goto(url)
        expect(page.locator(".inline-group").first).to_be_visible()
        assert sideways(page) <= 0, url
    assert_no_browser_errors(page)
