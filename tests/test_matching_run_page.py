"""The run page of a large program: its lists come a page at a time, in the same number
of queries however large the run, and people are typed rather than picked from lists of
thousands, for "Why (not) this pair?" and for locks and forbids."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching import scoring
from matching.admin import runs as run_admin
from matching.models import MatchingRun, PairRule
from matching.services.matching import run_matching

from .matching_helpers import accepted_mentee, accepted_mentor

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_per_page(monkeypatch):
    monkeypatch.setattr(run_admin, "PROPOSALS_PER_PAGE", 1)
    monkeypatch.setattr(run_admin, "ROWS_PER_PAGE", 1)


@pytest.fixture
def typed(monkeypatch):
    """As in a program too large for drop-downs."""
    monkeypatch.setattr(run_admin, "PICK_FROM_LIST_UP_TO", 1)


def solved(program, organizer):
    return run_matching(program=program, weights=scoring.Weights(), threshold=20.0,
                        by=organizer)


def detail(run, query=""):
    return reverse("admin:matching_matchingrun_change", args=[run.pk]) + query


def test_each_list_comes_a_page_at_a_time(organizer_client, program, organizer, cast,
                                          one_per_page):
    run = solved(program, organizer)
    PairRule.objects.create(program=program, mentee=cast["cy"], mentor=cast["gil"],
                            kind="forbid")
    PairRule.objects.create(program=program, mentee=cast["bob"], mentor=cast["ines"],
                            kind="forbid")
    html = organizer_client.get(detail(run)).content.decode()
    assert "Proposals (2)" in html and html.count('name="proposal"') == 1
    assert "Proposals 1–1 of 2 (page 1 of 2)" in html
    assert "Mentors 1–1 of 2 (page 1 of 2)" in html
    assert "Rules 1–1 of 2 (page 1 of 2)" in html
    # One list's page leaves the others where they were.
    second = organizer_client.get(detail(run, "?proposals=2&rules=2")).content.decode()
    assert "Proposals 2–2 of 2 (page 2 of 2)" in second
    assert "Rules 2–2 of 2 (page 2 of 2)" in second
    assert "Mentors 1–1 of 2 (page 1 of 2)" in second
    assert "?proposals=1&amp;rules=2#proposals" in second
    boxes = [re.findall(r'name="proposal" value="(\d+)"', page) for page in (html, second)]
    assert sorted(boxes[0] + boxes[1]) == sorted(str(p.pk) for p in run.proposals.all())
    # A page that does not exist shows the nearest one.
    assert organizer_client.get(detail(run, "?proposals=x&load=99")).status_code == 200
    assert "Approve all 2" in html  # approving all takes every page


def test_the_page_costs_the_same_queries_for_a_larger_run(organizer_client, program,
                                                           organizer, cast):
    small = solved(program, organizer)
    for i in range(6):
        accepted_mentor(program, f"Mentor {i}", areas=("Interpretability",))
        accepted_mentee(program, f"Mentee {i}", areas=("Interpretability",))
        accepted_mentee(program, f"Waiting {i}", areas=("Governance",), hours=2)
    for i in range(3):
        mentee = accepted_mentee(program, f"Ruled {i}")
        PairRule.objects.create(program=program, mentee=mentee, mentor=cast["gil"],
                                kind="forbid")
    large = solved(program, organizer)
    assert large.matched_count > small.matched_count and len(large.unmatched) > 1

    def queries(run):
        organizer_client.get(detail(run))  # the session and the user, read once
        with CaptureQueriesContext(connection) as captured:
            assert organizer_client.get(detail(run)).status_code == 200
        return len(captured)

    assert queries(large) == queries(small)
    assert queries(large) <= 25


def test_the_unmatched_of_an_older_run_are_named_from_its_inputs(organizer_client, program,
                                                                 organizer, cast):
    run = solved(program, organizer)
    MatchingRun.objects.filter(pk=run.pk).update(
        unmatched=[{k: v for k, v in u.items() if k != "name"} for u in run.unmatched])
    html = organizer_client.get(detail(run)).content.decode()
    assert "<td>Cy C</td><td>the places of its compatible mentors" in html


def test_a_pair_is_explained_from_names_typed(organizer_client, program, organizer, cast,
                                              typed):
    run = solved(program, organizer)
    html = organizer_client.get(detail(run)).content.decode()
    assert 'id="explain-mentee"' in html and '<select id="explain-mentee"' not in html
    assert "Ada A</option>" not in html

    html = organizer_client.get(detail(run, "?mentee=cy&mentor=INES.interp%40mentors")
                                ).content.decode()
    assert "Cy C – Ines Interp" in html and "3 h/week" in html
    assert 'name="mentee" value="Cy C"' in html  # what was found, for the next question

    html = organizer_client.get(detail(run, f"?mentee={cast['bob'].pk}&mentor=Gil Gov")
                                ).content.decode()
    assert "Bob B – Gil Gov" in html and "Allowed and proposed in this run." in html

    html = organizer_client.get(detail(run, "?mentee=a&mentor=nobody")).content.decode()
    assert "Several mentees match “a”: Ada A, Bob B, Cy C. Type more" in html
    assert "No mentor of this run matches “nobody”." in html


def test_a_pair_is_locked_from_names_typed(organizer_client, program, organizer, cast,
                                           typed):
    run = solved(program, organizer)
    rule = reverse("admin:matching_matchingrun_rule", args=[run.pk])
    html = organizer_client.get(detail(run)).content.decode()
    assert '<input type="text" name="mentee"' in html and "A name, an email address" in html

    response = organizer_client.post(rule, {"mentee": "a", "mentor": "ines", "kind": "lock"})
    assert response.status_code == 400
    assert "Several mentees match “a”: Ada A, Bob B, Cy C. Type more" in (
        response.content.decode())
    response = organizer_client.post(rule, {"mentee": "nobody\x00", "mentor": "ines",
                                            "kind": "lock"})
    assert response.status_code == 400
    assert not PairRule.objects.exists()

    response = organizer_client.post(
        rule, {"mentee": "cy c", "mentor": "ines.interp@mentors.example.org", "kind": "lock"})
    assert response.status_code == 302
    assert PairRule.objects.get().kind == "lock"
    assert (PairRule.objects.get().mentee, PairRule.objects.get().mentor) == (
        cast["cy"], cast["ines"])
    response = organizer_client.post(
        rule, {"mentee": str(cast["bob"].pk), "mentor": "Gil", "kind": "forbid"})
    assert response.status_code == 302 and PairRule.objects.count() == 2


@pytest.mark.parametrize("pk", ["abc", "1.5", "١", "99999999999999999999"])
def test_a_run_that_is_no_number_is_not_found(organizer_client, pk):
    response = organizer_client.get(f"/admin/matching/matchingrun/{pk}/change/")
    assert response.status_code == 404
