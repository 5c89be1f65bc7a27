"""The matching-run pages in admin, as an organizer uses them."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import MatchingRun, Mentorship, PairRule, Program

from .factories import UserFactory
from .matching_helpers import accepted_mentee

pytestmark = pytest.mark.django_db

START = reverse("admin:matching_matchingrun_add")


@pytest.fixture
def start_run(django_capture_on_commit_callbacks):
    """Post the start form; the run's task runs when the view's transaction commits (in
    this process, as in development: the test's own transaction would hold it back)."""
    def start(client, program, **overrides):
        data = {
            "program": program.pk, "threshold": "20", "weight_areas": "4",
            "weight_timezone": "2", "weight_commitment": "1", "weight_style": "1",
            "weight_preference": "2", **overrides,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(START, data)
    return start


def detail(run):
    return reverse("admin:matching_matchingrun_change", args=[run.pk])


def test_the_start_page_has_the_weights_and_threshold_prefilled(organizer_client, program):
    page = organizer_client.get(START).content.decode()
    assert 'name="threshold" value="20.0"' in page
    assert 'name="weight_areas" value="4.0"' in page
    assert "Nothing is approved or emailed" in page


def test_bad_weights_are_refused_with_a_message_and_keep_the_rest(organizer_client, program,
                                                                  start_run):
    response = start_run(organizer_client, program, weight_areas="-1", threshold="35")
    assert response.status_code == 200
    page = response.content.decode()
    assert "greater than or equal to 0" in page
    assert 'name="threshold" value="35"' in page
    zero = {f"weight_{k}": "0" for k in
            ("areas", "timezone", "commitment", "style", "preference")}
    page = start_run(organizer_client, program, **zero).content.decode()
    assert "weight" in page.lower() and "errorlist" in page
    assert not MatchingRun.objects.exists()


def test_a_run_shows_proposals_with_reasons_unmatched_and_load(organizer_client, program, cast,
                                                                start_run):
    response = start_run(organizer_client, program)
    run = MatchingRun.objects.get()
    assert response.url == detail(run)
    page = organizer_client.get(detail(run)).content.decode()
    assert "Matched" in page and "2 of 3 mentees" in page
    assert "2 shared areas: Evals, Interpretability" in page
    assert "9 h working-day overlap" in page
    assert "Cy C" in page and "went to other mentees" in page
    assert "Mentors&#x27; load" in page or "Mentors' load" in page
    assert "out of date" not in page


def test_lock_forbid_rerun_approve_as_an_organizer_would(organizer_client, program, cast,
                                                         django_capture_on_commit_callbacks,
                                                         start_run):
    start_run(organizer_client, program)
    run = MatchingRun.objects.get()
    rule_url = reverse("admin:matching_matchingrun_rule", args=[run.pk])
    # Lock Cy with Ines (Cy was left out), forbid Bob with Gil.
    organizer_client.post(rule_url, {"rule": f"lock:{cast['cy'].pk}:{cast['ines'].pk}"})
    organizer_client.post(rule_url, {"mentee": cast["bob"].pk, "mentor": cast["gil"].pk,
                                     "kind": "forbid"})
    assert set(PairRule.objects.values_list("kind", flat=True)) == {"lock", "forbid"}
    page = organizer_client.get(detail(run)).content.decode()
    assert "out of date" in page  # rules changed since the run
    # Approving the stale run is refused and creates nothing.
    response = organizer_client.post(
        reverse("admin:matching_matchingrun_approve", args=[run.pk]), {"approve_all": "1"},
        follow=True,
    )
    assert "re-run matching before approving" in response.content.decode()
    assert not Mentorship.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            reverse("admin:matching_matchingrun_rerun", args=[run.pk]))
    new = MatchingRun.objects.latest()
    assert response.url == detail(new)
    proposed = {(p.mentee_id, p.mentor_id) for p in new.proposals.all()}
    # Cy gets Ines by the lock, so Ada moves to Gil, and Bob (forbidden with Gil) is out.
    assert proposed == {(cast["cy"].pk, cast["ines"].pk), (cast["ada"].pk, cast["gil"].pk)}
    assert [u["mentee"] for u in new.unmatched] == [str(cast["bob"].pk)]
    assert 'class="mm-locked"' in organizer_client.get(detail(new)).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            reverse("admin:matching_matchingrun_approve", args=[new.pk]),
            {"proposal": [new.proposals.get(locked=True).pk]}, follow=True,
        )
    assert "Approved 1 mentorship." in response.content.decode()
    m = Mentorship.objects.get()
    assert (m.mentee, m.mentor) == (cast["cy"], cast["ines"])
    assert "Partly approved" in response.content.decode()
    assert sorted(x.to[0] for x in mail.outbox if "Meet your" in x.subject) == sorted(
        [cast["cy"].user.email, cast["ines"].user.email])


def test_a_bad_rule_form_shows_its_errors(organizer_client, program, cast, start_run):
    start_run(organizer_client, program)
    run = MatchingRun.objects.get()
    response = organizer_client.post(
        reverse("admin:matching_matchingrun_rule", args=[run.pk]), {"kind": "lock"}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not PairRule.objects.exists()


def test_rule_buttons_cannot_reach_another_programs_people(organizer_client, program, cast,
                                                           start_run):
    from .factories import ProgramFactory

    other = ProgramFactory()
    stranger = accepted_mentee(other, "Out Sider")
    start_run(organizer_client, program)
    run = MatchingRun.objects.get()
    response = organizer_client.post(
        reverse("admin:matching_matchingrun_rule", args=[run.pk]),
        {"rule": f"lock:{stranger.pk}:{cast['ines'].pk}"},
    )
    assert response.status_code == 404
    assert not PairRule.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "staff_without_role", "participant"])
def test_only_organizers_reach_matching_runs(client, program, cast, organizer, who):
    run = MatchingRun.objects.create(program=program, weights={}, threshold=0, inputs={},
                                     state_fingerprint="x")
    if who != "anonymous":
        client.force_login(UserFactory(is_staff=(who == "staff_without_role")))
    urls = [START, detail(run)]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if response.status_code == 302:
            assert "/login/" in response.url
    for name in ("approve", "rule", "rerun"):
        response = client.post(reverse(f"admin:matching_matchingrun_{name}", args=[run.pk]),
                               {"approve_all": "1"})
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "/login/" in response.url
    assert not Mentorship.objects.exists() and MatchingRun.objects.count() == 1


def test_an_organizer_asks_why_a_pair_was_not_proposed(organizer_client, program, cast,
                                                       start_run):
    PairRule.objects.create(program=program, mentee=cast["bob"], mentor=cast["ines"],
                            kind="forbid")
    start_run(organizer_client, program)
    run = MatchingRun.objects.get()
    page = organizer_client.get(
        detail(run) + f"?mentee={cast['bob'].pk}&mentor={cast['ines'].pk}").content.decode()
    assert "Bob B – Ines Interp" in page
    assert "Never proposed in this run: forbidden by an organizer" in page
    assert "no shared research areas" in page
    page = organizer_client.get(
        detail(run) + f"?mentee={cast['ada'].pk}&mentor={cast['ines'].pk}").content.decode()
    assert "Allowed and proposed in this run." in page
    assert "2 shared areas: Evals, Interpretability" in page
    page = organizer_client.get(detail(run) + "?mentee=999999&mentor=1").content.decode()
    assert "Pick a mentee and a mentor who were in this run." in page


def test_matching_runs_on_the_demo_program_and_approval_introduces_both_sides(
        organizer_client, django_capture_on_commit_callbacks, start_run):
    """The demo as a new organizer finds it: run, read reasons, approve, emails out."""
    call_command("seed_demo", force=True)
    program = Program.objects.order_by("created_at", "pk").first()
    before = Mentorship.objects.count()
    response = start_run(organizer_client, program)
    assert response.status_code == 302
    run = MatchingRun.objects.get(mode="")  # the demo cohort keeps a run of its own
    assert run.matched_count >= 4 and run.pair_count > run.matched_count
    page = organizer_client.get(detail(run)).content.decode()
    assert "shared area" in page and "working-day overlap" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(
            reverse("admin:matching_matchingrun_approve", args=[run.pk]),
            {"approve_all": "1"}, follow=True)
    assert f"Approved {run.matched_count} mentorships." in response.content.decode()
    introductions = [m for m in mail.outbox if "Meet your" in m.subject]
    assert len(introductions) == 2 * run.matched_count
    assert Mentorship.objects.count() - before == run.matched_count
    assert set(run.proposals.values_list("mentorship__source", flat=True)) == {"match"}


def test_the_list_of_locks_and_forbids_costs_the_same_queries_for_more_rules(
        organizer_client, program, cast):
    url = reverse("admin:matching_pairrule_changelist")

    def queries():
        organizer_client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert organizer_client.get(url).status_code == 200
        return len(captured)

    PairRule.objects.create(program=program, mentee=cast["ada"], mentor=cast["ines"],
                            kind="lock")
    one = queries()
    PairRule.objects.create(program=program, mentee=cast["bob"], mentor=cast["gil"],
                            kind="forbid")
    PairRule.objects.create(program=program, mentee=cast["cy"], mentor=cast["gil"],
                            kind="forbid")
    assert queries() == one
    assert "Cy C (mentee, AI Safety Mentors and Mentees)" in organizer_client.get(
        url).content.decode()
