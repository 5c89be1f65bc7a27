"""In real Chromium, the page of a run a worker is still solving follows it (its static
script asks for the status, inside the Content-Security-Policy) and shows the proposals by
itself once the run is solved."""

import pytest
from playwright.sync_api import expect

from matching import scoring
from matching.models import MatchingRun
from matching.services.matching import run_queue, run_solve

from .matching_helpers import accepted_mentee, accepted_mentor
from .test_browser_apply import assert_no_browser_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_run_page_follows_the_worker_and_shows_the_result(page, program, organizer):
    accepted_mentor(program, "Ines Interp", areas=("Interpretability",))
    accepted_mentee(program, "Ada A", areas=("Interpretability",))
    run = run_queue(program=program, weights=scoring.Weights(), threshold=20.0, by=organizer)

    page.goto(f"/admin/matching/matchingrun/{run.pk}/change/")
    page.get_by_text("Organizers: sign in with a password").click()
    page.locator('input[name="login"]').fill(organizer.email)
    page.locator('input[name="password"]').fill("a-long-test-password-42")
    page.get_by_role("button", name="Sign in with password").click()

    status = page.get_by_role("status")
    expect(status).to_contain_text("Queued: Waiting for a worker since")
    # The worker starts: the page shows where it is without being reloaded.
    MatchingRun.objects.filter(pk=run.pk).update(
        status=MatchingRun.Status.SOLVING, progress="Scoring 1 mentees against 1 mentors")
    expect(status).to_contain_text("Solving: Scoring 1 mentees against 1 mentors (for")
    # ...and once it is done, the page shows the proposals by itself.
    MatchingRun.objects.filter(pk=run.pk).update(status=MatchingRun.Status.QUEUED)
    run_solve(run_id=run.pk)
    expect(page.locator("#result_list")).to_contain_text("Ada A", timeout=15_000)
    expect(page.get_by_text("1 of 1 mentees", exact=True)).to_be_visible()
    expect(page.get_by_role("status")).to_have_count(0)
    assert_no_browser_errors(page)
