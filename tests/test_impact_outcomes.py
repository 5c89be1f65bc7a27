"""Honest figures, worked by hand: the non-response bound of Δp, completers and early
leavers apart and together, and mentors counted once each (not once per mentorship)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.impact import queries
from surveys.impact.figures import Figures
from surveys.impact.stats import non_response_bound
from surveys.models import Invitation, SurveyKind

from .factories import MentorFactory
from .surveys_helpers import answer, completed, invitation

pytestmark = pytest.mark.django_db


def figures(program=None):
    return Figures(queries.load(), [program.pk] if program else None)


def sent_all():
    Invitation.objects.update(sent_at=timezone.now())


def test_the_bound_counts_each_non_responder_as_gaining_nothing():
    # 5 answers summing to 100 among 8 asked: mean 20, bound 100 / 8 = 12.5.
    histogram = {10.0: 1, 20.0: 2, 50.0: 1, 0.0: 1}
    assert non_response_bound(histogram, 8) == pytest.approx(12.5)
    assert non_response_bound(histogram, 5) == pytest.approx(20.0)  # all answered
    assert non_response_bound(histogram, 0) is None


def test_delta_p_with_its_bound_response_rate_and_early_leavers(program):
    # Completed: 6 asked, 5 answer 10, 20, 30, 0, 40 (mean 20). Ended early: 2 asked,
    # 1 answers -10. Together: 8 asked, 6 answers summing to 90: mean 15, bound 90/8.
    for value in (["10", "20", "30", "0", "40", None]):
        inv = invitation(completed(program))
        if value is not None:
            answer(inv, delta_p_fulltime=value)
    for value in ["-10", None]:
        m = completed(program, status="ended_early", end_reason="mentee_time")
        inv = invitation(m, SurveyKind.MENTEE_EXIT)
        if value is not None:
            answer(inv, delta_p_fulltime=value)
    sent_all()
    figs = figures(program)
    delta = figs.outcomes()["delta_p"]
    assert (delta["n"], delta["asked"], delta["mean"]) == (6, 8, 15.0)
    assert delta["rate"] == pytest.approx(75.0)
    assert delta["bound"] == pytest.approx(11.25)
    completed_cell, early_cell, together = figs.by_end()["rows"][0]["cells"]
    assert (completed_cell["n"], completed_cell["asked"], completed_cell["mean"]) == (5, 6, 20)
    assert completed_cell["bound"] == pytest.approx(100 / 6)
    assert (early_cell["n"], early_cell["asked"], early_cell["suppressed"]) == (1, 2, True)
    assert together["mean"] == delta["mean"]
    assert figs.by_end()["ended"] == [6, 2, 8]


def test_mentors_are_counted_once_each(program):
    # Grace: 2 mentorships (120 + 120 minutes = 4 h), worth it "yes" then "no": 50%.
    # Alan: 1 mentorship (30 minutes), "yes": 100%. Per mentor: 75% worth it, 1.5
    # mentees and 2.25 h each. Per mentorship it would be 2 of 3, 67%.
    grace, alan = MentorFactory(program=program, capacity=5), MentorFactory(program=program)
    for mentor, minutes, worth in ((grace, (60, 60), "yes"), (grace, (120,), "no"),
                                   (alan, (30,), "yes")):
        m = completed(program, mentor=mentor, minutes=minutes)
        answer(invitation(m, SurveyKind.MENTOR_FINAL), worth_it=worth)
    sent_all()
    per = figures(program).per_mentor()
    assert per["mentors"] == 2
    assert per["mentees"]["mean"] == pytest.approx(1.5)
    assert per["hours"]["mean"] == pytest.approx(2.25)
    assert per["worth_it"]["mean"] == pytest.approx(75.0)
    assert per["worth_it"]["suppressed"]  # 2 mentors: too few to report
    rows = {r["mentor_id"]: r for r in figures(program).mentor_rows()}
    assert (rows[grace.pk]["ended"], rows[grace.pk]["hours"]) == (2, 4.0)
    assert rows[grace.pk]["worth_it"]["share"] == pytest.approx(50.0)
    assert rows[alan.pk]["worth_it"]["share"] == pytest.approx(100.0)


def test_a_mentor_sees_their_own_figures_only_from_five_answers(program, client):
    # Grace: 5 mentees rated her 6, 7, 8, 9, 10 (mean 8.0). Alan: 4 ratings, not shown.
    grace, alan = (MentorFactory(program=program, capacity=9, user__name="Grace"),
                   MentorFactory(program=program, capacity=9, user__name="Alan"))
    for mentor, ratings in ((grace, ["6", "7", "8", "9", "10"]), (alan, ["2", "3", "4", "5"])):
        for rating in ratings:
            answer(invitation(completed(program, mentor=mentor)), mentor_rating=rating)
    client.force_login(grace.user)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Your mentees&#x27; rating of you (1–10): <strong>8.0</strong> (n = 5)" in html
    assert "3.5" not in html  # Alan's mean is never on Grace's page
    client.force_login(alan.user)
    html = client.get(reverse("dashboard")).content.decode()
    assert "of you (1–10): <strong>" not in html
    assert "shown from 5 answers (4 so far)" in html
