"""Matching as an organizer does it in real Chromium: run, read the reasons, lock one pair,
forbid another, re-run, approve; both sides of each pair get their introduction.
Screenshots go to test-artifacts/matching-*.png."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from matching.models import MatchingRun, Mentorship, PairRule

from .browser_fixtures import ARTIFACTS
from .matching_helpers import accepted_mentee, accepted_mentor
from .test_browser_apply import assert_no_browser_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"matching-{name}.png"), full_page=True)


def test_an_organizer_runs_adjusts_and_approves_matching(page, program, organizer):
    ines = accepted_mentor(program, "Ines Interp", areas=("Interpretability", "Evals"))
    # Gil shares Evals with Ada: a run proposes only pairs who share a research area.
    accepted_mentor(program, "Gil Gov", areas=("Governance", "Evals"), tz="America/New_York")
    accepted_mentee(program, "Ada A", areas=("Interpretability", "Evals"))
    accepted_mentee(program, "Bob B", areas=("Governance",), tz="America/Chicago")
    cy = accepted_mentee(program, "Cy C", areas=("Interpretability",), hours=3)

    page.goto("/admin/matching/matchingrun/add/")
    page.get_by_text("Organizers: sign in with a password").click()
    page.locator('input[name="login"]').fill(organizer.email)
    page.locator('input[name="password"]').fill("a-long-test-password-42")
    page.get_by_role("button", name="Sign in with password").click()
    expect(page.get_by_role("heading", name="Start a matching run")).to_be_visible()
    expect(page.locator('input[name="weight_areas"]')).to_have_value("4.0")
    expect(page.get_by_label("Only pairs who share a research area")).to_be_checked()
    page.get_by_role("button", name="Run matching").click()

    # The proposals, with their reasons in words, and who was left out and why.
    expect(page.get_by_text("2 of 3 mentees", exact=True)).to_be_visible()
    proposals = page.locator("#result_list")
    expect(proposals).to_contain_text("2 shared areas: Evals, Interpretability")
    expect(proposals).to_contain_text("9 h working-day overlap")
    unmatched = page.locator("#unmatched + table")
    expect(unmatched).to_contain_text("Cy C")
    expect(unmatched).to_contain_text("went to other mentees")
    shot(page, "run")

    # Why was Cy not proposed with Ines? The run explains any pair.
    explain = page.locator("form.mm-explain-form")
    explain.get_by_label("Mentee").select_option(label="Cy C")
    explain.get_by_label("Mentor").select_option(label="Ines Interp")
    explain.get_by_role("button", name="Explain").click()
    expect(page.locator(".mm-explained")).to_contain_text("Cy C – Ines Interp")
    expect(page.locator(".mm-explained")).to_contain_text("3 h/week")
    shot(page, "explain")

    # Lock Cy with Ines from the form, forbid Bob with Gil from his proposal row.
    rule = page.locator("form", has=page.get_by_role("button", name="Save rule"))
    rule.get_by_label("Mentee").select_option(label="Cy C")
    rule.get_by_label("Mentor").select_option(label="Ines Interp")
    rule.get_by_label("Kind").select_option("lock")
    page.get_by_role("button", name="Save rule").click()
    expect(page.get_by_text("Locked Cy C – Ines Interp")).to_be_visible()
    page.locator("tr", has_text="Bob B").get_by_role("button", name="Forbid").click()
    expect(page.get_by_text("Forbade Bob B – Gil Gov")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("This run is out of date")
    assert PairRule.objects.count() == 2

    page.get_by_role("button", name="Re-run with the same weights").click()
    expect(page.get_by_text("Re-ran: matched 2 of 3 mentees")).to_be_visible()
    expect(page.locator("#result_list tr", has_text="Cy C").locator(".mm-locked")).to_be_visible()
    expect(page.locator("#unmatched + table")).to_contain_text("Bob B")
    shot(page, "rerun")

    mail.outbox.clear()
    page.get_by_role("button", name="Approve all 2").click()
    expect(page.get_by_text("Approved 2 mentorships.")).to_be_visible()
    shot(page, "approved")

    run = MatchingRun.objects.latest()
    assert run.status == MatchingRun.Status.APPROVED
    pairs = {(m.mentee.user.name, m.mentor.user.name) for m in Mentorship.objects.all()}
    assert pairs == {("Cy C", "Ines Interp"), ("Ada A", "Gil Gov")}
    assert Mentorship.objects.get(mentee=cy).mentor == ines
    subjects = sorted(m.subject for m in mail.outbox)
    assert subjects == sorted([
        "Meet your mentee, Cy C (AI Safety Mentors and Mentees)",
        "Meet your mentor, Ines Interp (AI Safety Mentors and Mentees)",
        "Meet your mentee, Ada A (AI Safety Mentors and Mentees)",
        "Meet your mentor, Gil Gov (AI Safety Mentors and Mentees)",
    ])
    # Each new mentee's introduction carries their baseline survey.
    assert sum("rate where you stand" in m.body for m in mail.outbox) == 2
    introduction = next(m for m in mail.outbox if m.subject.startswith("Meet your"))
    assert re.search(r"/mentorships/\d+/", introduction.body)
    assert_no_browser_errors(page)
