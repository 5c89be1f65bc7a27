"""The mentee form sent while PostgreSQL is unreachable, in real Chromium: the honest 503
page, the answers kept in the browser, and sent again by itself once the database is
back."""

import re

import pytest
from playwright.sync_api import expect

from matching.models import MenteeApplication
from mm_program import outage

from .db_proxy import *  # noqa: F403  (the database_proxy fixture)
from .test_browser_apply import fill_mentee_form, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_form_sent_during_an_outage_keeps_its_answers_and_goes_in_when_it_is_back(
        page, program, areas, database_proxy, monkeypatch):
    monkeypatch.setattr(outage, "RETRY_AFTER_SECONDS", 3)  # production: 30
    page.goto("/apply/mentee/")
    fill_mentee_form(page, goals="Replicate an interpretability result, written up.")

    database_proxy.cut()
    submit(page)
    expect(page.get_by_role("heading", name="We can't reach our database right now")
           ).to_be_visible()
    expect(page.get_by_text("What you just sent was not saved")).to_be_visible()
    kept = page.locator("#mm-draft")
    expect(kept).to_be_visible()
    expect(kept).to_contain_text(
        re.compile(r"Your answers are kept in this browser \(\d+ answers\)"))
    expect(kept).to_contain_text("This page sends them again in")
    page.wait_for_timeout(4000)  # one retry while the database is still away
    expect(page.get_by_role("heading", name="We can't reach our database right now")
           ).to_be_visible()

    database_proxy.restore()
    expect(page).to_have_url(re.compile(r"/apply/mentee/thanks/$"), timeout=15_000)
    expect(page.get_by_role("heading", name="Thank you, your application is in")).to_be_visible()
    application = MenteeApplication.objects.get()
    assert application.email == "ada@example.org"
    assert application.goals == "Replicate an interpretability result, written up."
    assert application.research_areas.count() == 2
    # The thanks page means it was saved: the browser's copy is gone.
    assert page.evaluate("Object.keys(sessionStorage)") == []
