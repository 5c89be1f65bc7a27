"""A mentee whose mentorship ended early through no lack of their own time or goals goes
back among those a matching run considers, never with the same mentor again."""

import pytest

from matching import scoring
from matching.models import MentorshipSource
from matching.services.matching import run_matching, run_table
from matching.services.matching_inputs import eligible_mentees
from matching.services.mentorships import mentorship_create, mentorship_end_early

from .matching_helpers import accepted_mentee, accepted_mentor

pytestmark = pytest.mark.django_db


def run(program, organizer):
    return run_matching(program=program, weights=scoring.Weights(), threshold=20.0,
                        by=organizer)


@pytest.fixture
def cast(program):
    # Ines fits Ada best; Jo fits her too, a little less well.
    ines = accepted_mentor(program, "Ines Interp", areas=("Interpretability", "Evals"))
    jo = accepted_mentor(program, "Jo Interp", areas=("Interpretability",),
                         tz="America/New_York")
    ada = accepted_mentee(program, "Ada A", areas=("Interpretability", "Evals"))
    return {"ines": ines, "jo": jo, "ada": ada}


def ended(cast, reason):
    m = mentorship_create(mentor=cast["ines"], mentee=cast["ada"],
                          source=MentorshipSource.ORGANIZER)
    return mentorship_end_early(mentorship=m, reason=reason)


@pytest.mark.parametrize("reason", ["mentor_time", "fit"])
def test_after_the_mentors_side_ended_it_the_mentee_is_matched_to_someone_else(
        program, organizer, cast, reason):
    ended(cast, reason)
    assert cast["ada"] in eligible_mentees(program)
    r = run(program, organizer)
    assert {(p.mentee_id, p.mentor_id) for p in r.proposals.all()} == {
        (cast["ada"].pk, cast["jo"].pk)}
    why = run_table(r).explain(str(cast["ada"].pk), str(cast["ines"].pk)).excluded_by
    words = {"mentor_time": "the mentor no longer has the time",
             "fit": "not a good fit"}[reason]
    assert why == (f"their mentorship ended early: {words}",)


@pytest.mark.parametrize("reason", ["mentee_time", "goal_changed", "no_contact", "other"])
def test_after_the_mentees_side_ended_it_they_are_not_matched_again(program, organizer,
                                                                     cast, reason):
    ended(cast, reason)
    assert cast["ada"] not in eligible_mentees(program)
    assert run(program, organizer).mentee_count == 0


def test_a_new_live_mentorship_takes_them_out_again(program, organizer, cast):
    ended(cast, "fit")
    mentorship_create(mentor=cast["jo"], mentee=cast["ada"],
                      source=MentorshipSource.ORGANIZER)
    assert cast["ada"] not in eligible_mentees(program)


def test_an_organizer_forbid_keeps_its_own_words(program, organizer, cast):
    from matching.services.matching import pair_rule_set

    pair_rule_set(program=program, mentee=cast["ada"], mentor=cast["jo"], kind="forbid",
                  by=organizer)
    r = run(program, organizer)
    why = run_table(r).explain(str(cast["ada"].pk), str(cast["jo"].pk)).excluded_by
    assert why == ("forbidden by an organizer",)
