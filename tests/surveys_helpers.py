"""Shared helpers of the survey and impact tests (tests/test_surveys_*.py,
tests/test_impact_*.py)."""

from datetime import timedelta

from django.utils import timezone

from surveys.answering import save_answers
from surveys.dispatch import invite
from surveys.models import Invitation, SurveyKind

from .factories import MeetingLogFactory, MentorshipFactory

MENTEE_FINAL_OK = {
    "hours_total": "60", "liked": "The structure.", "disliked": "",
    "delta_p_fulltime": "15", "months_saved": "3", "recommend": "9",
    "self_depth": "6", "self_breadth": "5", "self_taste": "5", "self_motivation": "8",
    "p_fulltime": "60", "mentor_rating": "8",
}
MENTOR_FINAL_OK = {
    "worth_it": "yes", "mentor_again": "yes", "mentor_again_conditions": "",
    "mentee_depth": "6", "mentee_breadth": "6", "mentee_taste": "5",
    "mentee_motivation": "8", "support_continuing": "8", "mentor_hours": "10",
}
BASELINE_OK = {"self_depth": "4", "self_breadth": "4", "self_taste": "3",
               "self_motivation": "7", "p_fulltime": "40"}
MENTEE_EXIT_OK = {"exit_reason": "mentee_time", "useful_so_far": "6",
                  "delta_p_fulltime": "5", "recommend": "7", "mentor_rating": "7",
                  "what_change": ""}
MENTOR_EXIT_OK = {"exit_reason": "mentee_time", "worth_it": "not_sure",
                  "mentor_again": "yes_if", "mentor_again_conditions": "", "mentor_hours": "4",
                  "what_change": ""}
FOLLOWUP_OK = {"occupation": "safety_research", "fulltime_in_field": "yes",
               "funded_or_hired": "funded", "funded_by": "LTFF",
               "outputs": "https://arxiv.org/abs/2301.00001", "program_contribution": "7"}
OK = {SurveyKind.MENTEE_FINAL: MENTEE_FINAL_OK, SurveyKind.MENTOR_FINAL: MENTOR_FINAL_OK,
      SurveyKind.MENTEE_BASELINE: BASELINE_OK, SurveyKind.MENTEE_EXIT: MENTEE_EXIT_OK,
      SurveyKind.MENTOR_EXIT: MENTOR_EXIT_OK, SurveyKind.MENTEE_FOLLOWUP: FOLLOWUP_OK}


def completed(program, *, days_ago=5, minutes=(), status="completed", **kw):
    """A completed (or ended early) mentorship written directly, with meetings of
    `minutes`."""
    today = timezone.localdate()
    m = MentorshipFactory(program=program, status=status,
                          start_date=today - timedelta(days=120),
                          ended_on=today - timedelta(days=days_ago), **kw)
    for value in minutes:
        MeetingLogFactory(mentorship=m, minutes=value)
    return m


def invitation(mentorship, kind=SurveyKind.MENTEE_FINAL) -> Invitation:
    """The invitation, made as dispatch makes it (no email)."""
    return invite(mentorship=mentorship, kind=kind, send=False)


def answer(inv: Invitation, submit=True, **changes):
    """Answer `inv` with valid values, `changes` overriding (None leaves one out)."""
    values = {**OK[inv.kind], **changes}
    values = {k: v for k, v in values.items() if v is not None}
    result = save_answers(invitation=inv, raw=values, submit=submit)
    assert not result.errors, result.errors
    return result.response
