"""'Needs attention' counts the people who didn't answer a survey kind whose response rate
fell behind, over the invitations whose reminders have all gone out, and links to the
invitations list filtered to exactly them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mm_program.attention import items, items_for
from surveys.attention import MIN_SETTLED, RATE_GOAL, settled_window
from surveys.models import Invitation, SurveyKind

from .surveys_helpers import answer, completed, invitation

pytestmark = pytest.mark.django_db


def _sent(program, kind, *, days_ago, answered):
    inv = invitation(completed(program), kind)
    Invitation.objects.filter(pk=inv.pk).update(
        sent_at=timezone.now() - timedelta(days=days_ago))
    if answered:
        answer(inv)
    return inv


def _rate_items():
    return [item for item in items() if "didn't answer" in item.label]


def test_a_kind_under_the_goal_is_counted_with_its_rate(program, organizer, client):
    assert RATE_GOAL == 0.7
    # Ten mentees asked 20 days ago, six answered: 60%, under the aim of 70%.
    asked = [_sent(program, SurveyKind.MENTEE_FINAL, days_ago=20, answered=n < 6)
             for n in range(10)]
    # Mentors: ten asked, seven answered (70%): not behind.
    for n in range(10):
        _sent(program, SurveyKind.MENTOR_FINAL, days_ago=20, answered=n < 7)
    # Asked five days ago: reminders still to come, not counted.
    for _ in range(3):
        _sent(program, SurveyKind.MENTEE_FINAL, days_ago=5, answered=False)
    # Asked 200 days ago: out of the window.
    _sent(program, SurveyKind.MENTEE_FINAL, days_ago=200, answered=False)

    [item] = _rate_items()
    assert item.count == 4
    assert "mentee final survey: 60% of 10 answered" in item.label
    assert item.permission == "surveys.view_invitation"
    assert items_for(organizer, [item]) == [item]

    client.force_login(organizer)
    response = client.get(item.url)
    assert response.status_code == 200
    listed = {inv.pk for inv in response.context["cl"].result_list}
    assert listed == {inv.pk for inv in asked[6:]}


def test_too_few_settled_invitations_say_nothing(program):
    for _ in range(MIN_SETTLED - 1):
        _sent(program, SurveyKind.MENTEE_EXIT, days_ago=30, answered=False)
    assert _rate_items() == []
    _sent(program, SurveyKind.MENTEE_EXIT, days_ago=30, answered=False)
    [item] = _rate_items()
    assert item.count == MIN_SETTLED and "0% of 5" in item.label


def test_the_window_starts_after_every_reminder():
    today = timezone.localdate()
    first, last = settled_window(today)
    assert (today - last).days == 14 and (today - first).days == 90
