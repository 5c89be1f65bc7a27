"""The error summary as a person uses it, in Chromium: it takes focus, each link moves focus
to its field (a group's first choice), the address never keeps the field's id, and a form
sent again opens at its summary, not scrolled to a field. Sign-in forms have the same."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from surveys.models import SurveyKind
from surveys.tokens import survey_token

from .surveys_helpers import invitation
from .test_browser_apply import fill_mentee_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED_FIELD = """() => {
  const el = document.activeElement;
  return {tag: el.tagName.toLowerCase(), id: el.id, type: el.type || ""};
}"""


def follow_every_summary_link(page) -> list[str]:
    """Click each link of the summary; each must land focus on an input inside the
    element it names (or on that element), without a fragment in the address."""
    summary = page.locator(".mm-error-summary")
    expect(summary).to_be_focused()
    links = summary.locator("a")
    targets = []
    for index in range(links.count()):
        link = links.nth(index)
        target = link.get_attribute("href")[1:]
        targets.append(target)
        assert page.locator(f"[id='{target}']").count() == 1, f"#{target} is not on the page"
        link.click()
        focused = page.evaluate(FOCUSED_FIELD)
        assert focused["tag"] in ("input", "select", "textarea"), (target, focused)
        assert page.evaluate(
            "([target]) => document.getElementById(target).contains(document.activeElement)",
            [target]), (target, focused)
        assert "#" not in page.url, page.url
    return targets


def summary_in_view(page) -> bool:
    return page.evaluate("""() => {
      const box = document.querySelector('.mm-error-summary').getBoundingClientRect();
      return box.top >= 0 && box.bottom <= window.innerHeight;
    }""")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_mentee_forms_summary_leads_to_each_group(new_page, program, areas, width):
    page = new_page(viewport={"width": width, "height": 800})
    page.goto("/apply/mentee/")
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_role("button", name="Send application").click()

    targets = follow_every_summary_link(page)
    assert {"id_occupation", "id_research_areas", "id_fulltime_intent"} <= set(targets)
    # A group's link lands on its first choice, the question scrolled into view.
    page.locator(".mm-error-summary a[href='#id_occupation']").click()
    expect(page.locator("#id_occupation_0")).to_be_focused()
    expect(page.get_by_role("group", name="What do you do now?")).to_be_in_viewport()


def test_the_mentor_forms_summary_leads_to_each_group(page, program, areas):
    page.goto("/apply/mentor/")
    page.get_by_role("button", name="Send application").click()
    targets = follow_every_summary_link(page)
    assert {"id_position", "id_research_areas", "id_involvement",
            "id_creative_control"} <= set(targets)
    page.locator(".mm-error-summary a[href='#id_creative_control']").click()
    expect(page.locator("#id_creative_control_0")).to_be_focused()


def test_a_form_sent_again_after_following_a_link_opens_at_its_summary(new_page, program,
                                                                       areas):
    page = new_page(viewport={"width": 390, "height": 800})
    page.goto("/apply/mentee/")
    fill_mentee_form(page, goals="")
    page.get_by_label("Hours per week you can commit").fill("")
    page.get_by_role("button", name="Send application").click()

    page.locator(".mm-error-summary a[href='#id_goals']").click()
    expect(page.locator("#id_goals")).to_be_focused()
    page.keyboard.type("Write a distillation of a mech interp paper.")
    page.get_by_role("button", name="Send application").click()

    # Still refused (the hours): the page opens at its summary, not at the goals.
    expect(page.locator(".mm-error-summary")).to_be_focused()
    expect(page.locator(".mm-error-summary")).to_contain_text("Hours per week")
    assert "#" not in page.url
    assert summary_in_view(page)

    page.locator(".mm-error-summary a[href='#id_hours_per_week']").click()
    page.keyboard.type("8")
    page.get_by_role("button", name="Send application").click()
    expect(page).to_have_url(re.compile(r"/apply/mentee/thanks/$"))


def test_a_fragment_from_elsewhere_does_not_follow_the_form(page, program, areas):
    # The skip link puts #main in the address; sending the form must not carry it over.
    page.goto("/apply/mentee/#main")
    page.get_by_role("button", name="Send application").click()
    expect(page.locator(".mm-error-summary")).to_be_focused()
    assert "#" not in page.url
    assert summary_in_view(page)


def test_a_refused_survey_leads_to_its_scales(page, mentorship):
    baseline = invitation(mentorship, SurveyKind.MENTEE_BASELINE)
    page.goto(f"/surveys/{survey_token(baseline)}/")
    page.get_by_role("button", name="Send my answers").click()
    targets = follow_every_summary_link(page)
    assert "id_q-self_depth" in targets
    page.locator(".mm-error-summary a[href='#id_q-self_depth']").click()
    expect(page.locator("#id_q-self_depth_0")).to_be_focused()


def test_sign_in_forms_move_focus_to_their_errors(page, ada):
    page.goto("/accounts/login/code/")
    page.get_by_role("textbox").first.fill("ada@example")
    page.get_by_role("button", name=re.compile("code", re.I)).click()
    expect(page.locator(".mm-error-summary")).to_be_focused()
    follow_every_summary_link(page)

    page.get_by_role("textbox").first.fill("ada@example.org")
    page.get_by_role("button", name=re.compile("code", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/code/confirm/"))
    assert len(mail.outbox) == 1
    page.get_by_role("textbox").first.fill("AAAA-AAAA")
    page.get_by_role("button", name="Confirm").click()
    summary = page.locator(".mm-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("code")
    follow_every_summary_link(page)
