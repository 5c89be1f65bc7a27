"""Matching runs: scored, solved and stored proposals; locks, forbids, approval, staleness."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching import scoring
from matching.models import (
    LIVE_STATUSES,
    ApplicationStatus,
    MatchingRun,
    Mentorship,
    MentorshipSource,
    PairRule,
)
from matching.services.matching import (
    StaleRun,
    pair_rule_set,
    run_approve,
    run_explain,
    run_matching,
    run_queue_again,
    run_replay,
    run_solve,
    run_why_not,
)
from matching.services.matching_inputs import is_stale
from matching.services.mentorships import mentorship_create, mentorship_end_early

from .matching_helpers import accepted_mentee, accepted_mentor

pytestmark = pytest.mark.django_db

WEIGHTS = scoring.Weights()


def run(program, organizer, threshold=20.0, **kw):
    return run_matching(program=program, weights=kw.pop("weights", WEIGHTS),
                        threshold=threshold, by=organizer, **kw)


def pairs(run_):
    return {(p.mentee_id, p.mentor_id) for p in run_.proposals.all()}


def test_a_run_proposes_the_best_pairs_within_capacity_and_keeps_its_inputs(
    program, organizer, cast
):
    r = run(program, organizer)
    assert pairs(r) == {(cast["ada"].pk, cast["ines"].pk), (cast["bob"].pk, cast["gil"].pk)}
    assert (r.matched_count, r.mentee_count) == (2, 3)
    assert r.total_score == pytest.approx(sum(p.score for p in r.proposals.all()))
    # Inputs kept so the result can be explained later.
    assert {m["name"] for m in r.inputs["mentees"]} == {"Ada A", "Bob B", "Cy C"}
    assert {m["remaining"] for m in r.inputs["mentors"]} == {1}
    assert r.weights == WEIGHTS.to_dict()
    # Cy had compatible mentors but Ada fits Ines better.
    assert [u["mentee"] for u in r.unmatched] == [str(cast["cy"].pk)]
    assert "went to other mentees" in r.unmatched[0]["reason"]


def test_each_proposal_explains_its_score_in_words(program, organizer, cast):
    r = run(program, organizer)
    p = r.proposals.get(mentee=cast["ada"])
    by_key = {c["key"]: c for c in p.components}
    assert set(by_key) == {key for key, _ in scoring.COMPONENTS}
    assert by_key["areas"]["words"] == "2 shared areas: Evals, Interpretability"
    assert by_key["timezone"]["words"] == "9 h working-day overlap"
    assert by_key["commitment"]["words"] == "8 h/week, above the 5 h minimum"
    assert sum(c["points"] for c in p.components) == pytest.approx(p.score, abs=0.05)
    assert "2 shared areas: Evals, Interpretability" in p.summary


def test_mentees_below_the_threshold_everywhere_are_told_so(program, organizer, cast):
    r = run(program, organizer, threshold=99)
    assert r.matched_count == 0
    reasons = {u["mentee"]: u["reason"] for u in r.unmatched}
    assert "below the threshold of 99" in reasons[str(cast["ada"].pk)]


def test_no_free_capacity_is_the_reason_when_every_mentor_is_full(program, organizer, cast):
    for mentor in (cast["ines"], cast["gil"]):
        mentor.capacity = 0
        mentor.save()
    r = run(program, organizer)
    assert r.matched_count == 0
    assert {u["reason"] for u in r.unmatched} == {"no mentor has free capacity"}


def test_conflicts_and_excluded_career_stages_remove_pairs(program, organizer):
    mentor = accepted_mentor(program, "Mo Mentor", excluded_stages=["bachelors"])
    undergrad = accepted_mentee(program, "Una Undergrad", occupation="bachelors")
    related = accepted_mentee(program, "Rita Related", conflicts="Mo Mentor")
    r = run(program, organizer, threshold=0)
    assert r.matched_count == 0
    reasons = {u["mentee"]: u["reason"] for u in r.unmatched}
    assert "career-stage" in reasons[str(undergrad.pk)]
    assert "conflict" in reasons[str(related.pk)]
    assert mentor.proposals.count() == 0


def test_a_locked_pair_is_kept_even_below_the_threshold_and_a_forbidden_one_never_used(
    program, organizer, cast
):
    pair_rule_set(program=program, mentee=cast["cy"], mentor=cast["ines"], kind="lock",
                  by=organizer)
    pair_rule_set(program=program, mentee=cast["bob"], mentor=cast["gil"], kind="forbid",
                  by=organizer)
    r = run(program, organizer, threshold=99)
    assert pairs(r) == {(cast["cy"].pk, cast["ines"].pk)}
    assert r.proposals.get().locked is True
    assert r.inputs["forbidden"] == [[str(cast["bob"].pk), str(cast["gil"].pk)]]


def test_a_mentee_can_be_locked_to_one_mentor_only(program, organizer, cast):
    pair_rule_set(program=program, mentee=cast["cy"], mentor=cast["ines"], kind="lock",
                  by=organizer)
    with pytest.raises(ValidationError, match="already locked to another mentor"):
        pair_rule_set(program=program, mentee=cast["cy"], mentor=cast["gil"], kind="lock",
                      by=organizer)
    # Changing the rule on the same pair replaces it.
    pair_rule_set(program=program, mentee=cast["cy"], mentor=cast["ines"], kind="forbid",
                  by=organizer)
    assert PairRule.objects.get().kind == "forbid"


def test_approving_all_creates_mentorships_and_introduces_both_sides(
    program, organizer, cast, django_capture_on_commit_callbacks
):
    r = run(program, organizer)
    with django_capture_on_commit_callbacks(execute=True):
        created = run_approve(run=r, by=organizer)
    assert {(m.mentee_id, m.mentor_id) for m in created} == pairs(r)
    assert all(m.source == MentorshipSource.MATCH and m.status == "active" for m in created)
    r.refresh_from_db()
    assert r.status == MatchingRun.Status.APPROVED
    assert all(p.mentorship_id for p in r.proposals.all())
    recipients = sorted(m.to[0] for m in mail.outbox if "Meet your" in m.subject)
    assert recipients == sorted([
        cast["ada"].user.email, cast["ines"].user.email,
        cast["bob"].user.email, cast["gil"].user.email,
    ])
    to_ada = next(m for m in mail.outbox if m.to == [cast["ada"].user.email])
    assert "Meet your mentor, Ines Interp" in to_ada.subject
    assert f"/mentorships/{created[0].pk}/" in to_ada.body or "/mentorships/" in to_ada.body


def test_approving_some_then_the_rest(program, organizer, cast):
    r = run(program, organizer)
    first = r.proposals.get(mentee=cast["ada"])
    run_approve(run=r, by=organizer, proposal_ids=[first.pk])
    r.refresh_from_db()
    assert r.status == MatchingRun.Status.PARTLY_APPROVED
    assert not is_stale(r)  # its own approval does not make it stale
    run_approve(run=r, by=organizer)
    r.refresh_from_db()
    assert r.status == MatchingRun.Status.APPROVED
    with pytest.raises(ValidationError, match="Select at least one proposal"):
        run_approve(run=r, by=organizer)


def test_a_stale_run_cannot_be_approved(program, organizer, cast):
    r = run(program, organizer)
    cast["ines"].capacity = 2
    cast["ines"].save()
    assert is_stale(r)
    with pytest.raises(StaleRun, match="re-run matching"):
        run_approve(run=r, by=organizer)
    assert not Mentorship.objects.exists()
    # The re-run is fresh and keeps weights and threshold.
    again = run_solve(run_id=run_queue_again(run=r, by=organizer).pk)
    assert not is_stale(again)
    assert (again.weights, again.threshold) == (r.weights, r.threshold)
    assert again.matched_count == 3


@pytest.mark.parametrize("change", ["hand_match", "rule", "mentorship_ends",
                                    "mentee_waitlisted", "mentor_deactivated"])
def test_other_changes_make_a_run_stale(program, organizer, cast, change):
    if change == "mentorship_ends":
        m = mentorship_create(mentor=cast["ines"], mentee=cast["cy"],
                              source=MentorshipSource.ORGANIZER)
    r = run(program, organizer)
    if change == "hand_match":
        mentorship_create(mentor=cast["gil"], mentee=cast["bob"],
                          source=MentorshipSource.ORGANIZER)
    elif change == "rule":
        pair_rule_set(program=program, mentee=cast["ada"], mentor=cast["gil"], kind="forbid",
                      by=organizer)
    elif change == "mentee_waitlisted":  # an organizer changed their mind
        application = cast["ada"].application
        application.status = ApplicationStatus.WAITLISTED
        application.save()
    elif change == "mentor_deactivated":
        cast["gil"].is_active = False
        cast["gil"].save()
    else:
        mentorship_end_early(mentorship=m, reason="fit")
    with pytest.raises(StaleRun):
        run_approve(run=r, by=organizer)


def test_matched_mentees_are_not_in_the_next_run(program, organizer, cast):
    run_approve(run=run(program, organizer), by=organizer)
    r = run(program, organizer)
    assert r.mentee_count == 1
    assert r.inputs["mentees"][0]["name"] == "Cy C"
    assert r.unmatched[0]["reason"] == "no mentor has free capacity"


def test_approval_never_exceeds_capacity(program, organizer, cast):
    r = run(program, organizer)
    for mentor in (cast["ines"], cast["gil"]):
        assert mentor.mentorships.filter(status__in=LIVE_STATUSES).count() == 0
    run_approve(run=r, by=organizer)
    for mentor in (cast["ines"], cast["gil"]):
        live = mentor.mentorships.filter(status__in=LIVE_STATUSES).count()
        assert live <= mentor.capacity


def test_a_run_on_an_empty_program_says_so(program, organizer):
    r = run(program, organizer)
    assert (r.matched_count, r.mentee_count, r.unmatched) == (0, 0, [])


# --- explained later, from what the run kept ---------------------------------------------


def test_a_run_replays_from_its_stored_inputs_after_the_people_changed(program, organizer,
                                                                        cast):
    pair_rule_set(program=program, mentee=cast["cy"], mentor=cast["gil"], kind="lock",
                  by=organizer)
    r = run(program, organizer, threshold=10)
    stored = sorted((str(p.mentee_id), str(p.mentor_id), p.score, p.summary)
                    for p in r.proposals.all())
    # Months later: profiles, capacities and rules have all moved on.
    for mentor in (cast["ines"], cast["gil"]):
        mentor.application.research_areas.clear()
        mentor.application.timezone = "Pacific/Auckland"
        mentor.application.save()
        mentor.capacity = 0
        mentor.save()
    PairRule.objects.all().delete()

    table, solution = run_replay(r)
    replayed = sorted(
        (a.mentee, a.mentor, a.score, table.explain(a.mentee, a.mentor).summary)
        for a in solution.assignments)
    assert replayed == stored
    assert solution.total_score == pytest.approx(r.total_score)
    assert sorted(solution.unassigned) == sorted(u["mentee"] for u in r.unmatched)
    # ...while a fresh run on today's data proposes nothing.
    assert run(program, organizer).matched_count == 0


@pytest.mark.parametrize("required", [True, False])
def test_a_run_proposes_only_pairs_sharing_an_area_unless_told_not_to(program, organizer,
                                                                      required):
    ines = accepted_mentor(program, "Ines Interp", capacity=2, areas=("Interpretability",))
    ada = accepted_mentee(program, "Ada A", areas=("Interpretability",))
    dee = accepted_mentee(program, "Dee D", areas=("Theory",))
    r = run(program, organizer, threshold=0.0, require_shared_area=required)
    assert r.require_shared_area is required
    expected = {(ada.pk, ines.pk)} | (set() if required else {(dee.pk, ines.pk)})
    assert pairs(r) == expected
    if required:
        [left_out] = r.unmatched
        assert left_out["mentee"] == str(dee.pk)
        assert "no shared research area" in left_out["reason"]
    _, solution = run_replay(r)  # the replay applies the run's own rule
    assert {(int(a.mentee), int(a.mentor)) for a in solution.assignments} == expected
    again = run_queue_again(run=r, by=organizer)
    assert again.require_shared_area is required


def test_why_a_pair_the_run_allowed_was_not_proposed(program, organizer, cast):
    r = run(program, organizer)
    cy, ines, ada = (str(cast[k].pk) for k in ("cy", "ines", "ada"))
    assert (cast["cy"].pk, cast["ines"].pk) not in pairs(r)
    why = run_why_not(run=r, mentee_id=cy, mentor_id=ines)
    assert why.mentee_went_to is None and "went to other mentees" in why.mentee_left_out
    ada_score = r.proposals.get(mentee=cast["ada"]).score
    assert why.mentor_places == 1 and why.mentor_went_to == (("Ada A", ada_score),)
    # Exact: solved again with the pair locked, Ada loses Ines and has nobody else.
    cy_score = run_explain(run=r, mentee_id=cy, mentor_id=ines).score
    drop = round(ada_score - cy_score, 2)
    assert why.cost.startswith(f"proposing it would lower the run's total score by {drop:g}")
    assert run_why_not(run=r, mentee_id=ada, mentor_id=ines) is None  # it was proposed


def test_the_run_page_says_why_not(admin_client, program, organizer, cast):
    r = run(program, organizer)
    url = reverse("admin:matching_matchingrun_change", args=[r.pk])
    page = admin_client.get(url, {"mentee": cast["cy"].pk, "mentor": cast["ines"].pk})
    html = page.content.decode()
    assert "Allowed in this run, but not proposed." in html
    assert "Ines Interp had 1 free place, proposed to Ada A" in html
    assert "Proposing it would lower the run&#x27;s total score" in html
