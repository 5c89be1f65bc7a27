"""A matching run is solved by a task after the request that queued it: the run page
follows it (queued, solving, done or failed, and why), and only a solved run is approved."""

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.urls import reverse

from matching import scoring
from matching.models import MatchingRun, MenteeApplication, Mentorship, Proposal
from matching.services.matching import run_approve, run_queue, run_solve
from matching.tasks import solve_matching_run

pytestmark = pytest.mark.django_db

START = reverse("admin:matching_matchingrun_add")
FORM = {"threshold": "20", "weight_areas": "4", "weight_timezone": "2",
        "weight_commitment": "1", "weight_style": "1", "weight_preference": "2"}


def queued(program, organizer):
    return run_queue(program=program, weights=scoring.Weights(), threshold=20.0,
                     by=organizer)


def page(client, run):
    return client.get(reverse("admin:matching_matchingrun_change", args=[run.pk]))


def status(client, run):
    response = client.get(reverse("admin:matching_matchingrun_status", args=[run.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    return response.json()


def test_a_started_run_waits_for_its_task_and_the_page_follows_it(
    organizer_client, program, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as enqueued:
        response = organizer_client.post(START, {"program": program.pk, **FORM}, follow=True)
    run = MatchingRun.objects.get()
    assert run.status == MatchingRun.Status.QUEUED
    assert len(enqueued) == 1  # the task, sent once the transaction commits
    html = response.content.decode()
    assert "The run is queued" in html
    assert 'id="run-status"' in html and "Waiting for a worker since" in html
    assert "js/matching-run-status.js" in html
    assert f'data-status-url="/admin/matching/matchingrun/{run.pk}/status/"' in html
    assert 'id="result_list"' not in html and "Approve all" not in html
    waiting = status(organizer_client, run)
    assert (waiting["status"], waiting["label"], waiting["under_way"]) == (
        "queued", "Queued", True)
    assert waiting["text"].startswith("Waiting for a worker since")

    for callback in enqueued:  # what the commit would have started: the worker's task
        callback()
    run.refresh_from_db()
    assert run.status == MatchingRun.Status.PROPOSED
    assert run.solve_started_at <= run.solve_finished_at
    assert run.progress == ""
    done = status(organizer_client, run)
    assert (done["status"], done["under_way"]) == ("proposed", False)
    assert done["text"].startswith("Solved in ")
    html = page(organizer_client, run).content.decode()
    assert "2 of 3 mentees" in html and 'id="result_list"' in html
    assert 'id="run-status"' not in html and "matching-run-status.js" not in html


def test_the_task_solves_a_run_once_however_often_it_is_delivered(program, organizer, cast):
    run = queued(program, organizer)
    assert solve_matching_run.delay(run.pk).get() == "proposed"
    first = sorted(Proposal.objects.values_list("mentee_id", "mentor_id", "score"))
    assert solve_matching_run.delay(run.pk).get() == "proposed"
    assert sorted(Proposal.objects.values_list("mentee_id", "mentor_id", "score")) == first
    assert solve_matching_run.delay(run.pk + 1000).get() == "missing"


def test_a_run_left_solving_by_a_lost_worker_is_solved_by_the_next_delivery(
    program, organizer, cast
):
    run = queued(program, organizer)
    MatchingRun.objects.filter(pk=run.pk).update(status=MatchingRun.Status.SOLVING)
    assert solve_matching_run.delay(run.pk).get() == "proposed"
    assert Proposal.objects.filter(run=run).count() == 2


def test_a_run_that_cannot_be_solved_says_why_and_cannot_be_approved(
    organizer_client, program, organizer, cast
):
    # A profile the scorer refuses (an application saved before zones were checked).
    MenteeApplication.objects.filter(pk=cast["bob"].application_id).update(
        timezone="Mars/Olympus_Mons")
    run = queued(program, organizer)
    assert solve_matching_run.delay(run.pk).get() == "failed"
    run.refresh_from_db()
    assert run.failure.startswith("The run could not be scored or solved:")
    assert "unknown time zone 'Mars/Olympus_Mons'" in run.failure
    assert not run.proposals.exists()

    html = page(organizer_client, run).content.decode()
    assert "This run failed." in html and "Mars/Olympus_Mons" in html
    assert status(organizer_client, run)["under_way"] is False
    response = organizer_client.post(
        reverse("admin:matching_matchingrun_approve", args=[run.pk]), {"approve_all": "1"},
        follow=True)
    assert "Nothing was approved: This run failed: re-run it." in response.content.decode()
    assert not Mentorship.objects.exists()


def test_an_unexpected_error_is_recorded_with_where_to_look(program, organizer, cast,
                                                           monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the solver's library is missing")

    monkeypatch.setattr("matching.services.matching.solver.solve", broken)
    run = run_solve(run_id=queued(program, organizer).pk)
    assert run.status == MatchingRun.Status.FAILED
    assert run.failure == (
        "Solving stopped on an unexpected error (RuntimeError: the solver's library is "
        "missing). The details are in the worker's log; re-run to try again.")


def test_a_lost_database_is_tried_again_and_then_recorded(program, organizer, cast,
                                                         monkeypatch):
    tries = []

    def unreachable(*, run_id, on_date=None):
        tries.append(run_id)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("matching.tasks.run_solve", unreachable)
    run = queued(program, organizer)
    # In a worker the task would be retried with backoff; in-process it gives up at once.
    assert solve_matching_run.delay(run.pk).get() == "failed"
    run.refresh_from_db()
    assert tries == [run.pk]
    assert run.status == MatchingRun.Status.FAILED
    assert "The database could not be reached while solving" in run.failure


@pytest.mark.parametrize("state", [MatchingRun.Status.QUEUED, MatchingRun.Status.SOLVING])
def test_a_run_not_solved_yet_cannot_be_approved(program, organizer, cast, state):
    run = queued(program, organizer)
    MatchingRun.objects.filter(pk=run.pk).update(status=state)
    with pytest.raises(ValidationError, match="still being solved"):
        run_approve(run=run, by=organizer)
    assert not Mentorship.objects.exists()


def test_a_rerun_is_queued_too(organizer_client, program, organizer, cast):
    run = run_solve(run_id=queued(program, organizer).pk)
    response = organizer_client.post(reverse("admin:matching_matchingrun_rerun", args=[run.pk]),
                                     follow=True)
    new = MatchingRun.objects.latest()
    assert new.pk != run.pk and new.status == MatchingRun.Status.QUEUED
    assert (new.weights, new.threshold) == (run.weights, run.threshold)
    assert "The run is queued" in response.content.decode()


def test_the_status_is_for_organizers_only(client, program, organizer, cast):
    run = queued(program, organizer)
    response = client.get(reverse("admin:matching_matchingrun_status", args=[run.pk]))
    assert response.status_code == 302 and "/login/" in response.url


def test_the_changelist_says_nothing_of_a_run_not_solved(organizer_client, program,
                                                        organizer, cast):
    queued(program, organizer)
    html = organizer_client.get(reverse("admin:matching_matchingrun_changelist")).content
    assert b"Queued" in html
