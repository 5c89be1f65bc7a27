"""A mentor's mentees' outcomes count each mentee once per follow-up: a mentee who answered
at 6 and at 12 months is one answer in each share, never two in one (nor two of the five
answers that keep a mentor's figure from being traced to a person)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.dispatch import current_template
from surveys.impact import queries
from surveys.impact.figures import Figures
from surveys.models import Invitation, SurveyKind
from surveys.tokens import new_nonce

from .factories import MentorFactory
from .surveys_helpers import answer, completed, invitation

pytestmark = pytest.mark.django_db


def followup(mentorship, months: int) -> Invitation:
    return Invitation.objects.create(
        kind=SurveyKind.MENTEE_FOLLOWUP, mentorship=mentorship,
        template=current_template(SurveyKind.MENTEE_FOLLOWUP, mentorship.program),
        person=mentorship.mentee.user, months_after=months, nonce=new_nonce(),
        sent_at=timezone.now(), expires_at=timezone.now() + timedelta(days=45))


@pytest.fixture
def grace_and_alan(program):
    """Grace: 5 mentees at 6 months, 3 funded or hired (60%); 2 of them answered again
    at 12 months, both hired. Summed, that would be 5 of 7 answers (71%). Alan: 4 mentees,
    each answering at 6 and 12 months: 8 answers from 4 people, never a share."""
    grace = MentorFactory(program=program, capacity=9, user__name="Grace")
    alan = MentorFactory(program=program, capacity=9, user__name="Alan")
    for i, six in enumerate(["funded", "hired", "both", "neither", "neither"]):
        m = completed(program, mentor=grace, days_ago=400)
        answer(followup(m, 6), funded_or_hired=six)
        if i < 2:
            answer(followup(m, 12), funded_or_hired="hired")
    for _ in range(4):
        m = completed(program, mentor=alan, days_ago=400)
        answer(followup(m, 6), funded_or_hired="funded")
        answer(followup(m, 12), funded_or_hired="funded")
    return grace, alan


def test_each_follow_up_is_its_own_share_per_mentor(program, grace_and_alan):
    grace, alan = grace_and_alan
    rows = {r["mentor_id"]: r for r in Figures(queries.load(), [program.pk]).mentor_rows()}
    six, twelve = rows[grace.pk]["funded_or_hired"]
    assert (six["months"], six["n"], six["part"], six["suppressed"]) == (6, 5, 3, False)
    assert six["share"] == pytest.approx(60.0)
    assert (twelve["months"], twelve["n"], twelve["suppressed"]) == (12, 2, True)
    assert [(f["months"], f["n"], f["suppressed"])
            for f in rows[alan.pk]["funded_or_hired"]] == [(6, 4, True), (12, 4, True)]


def test_the_organizers_table_shows_each_follow_up(program, grace_and_alan, organizer_client):
    html = organizer_client.get(reverse("impact_dashboard")).content.decode()
    assert "6 mo: 60%" in html
    assert "71%" not in html


def test_a_mentor_sees_the_follow_ups_apart_and_only_from_five_people(
        program, grace_and_alan, client):
    grace, alan = grace_and_alan
    client.force_login(grace.user)
    html = client.get(reverse("dashboard")).content.decode()
    assert "funded or hired 6 months after the end: <strong>60%</strong> (n = 5)" in html
    assert "funded or hired 12 months after the end: <span" in html  # 2: not shown
    client.force_login(alan.user)
    html = client.get(reverse("dashboard")).content.decode()
    # 8 answers, but from 4 people: nothing shown at either follow-up.
    assert "funded or hired 6 months after the end: <span" in html
    assert "<strong>100%</strong>" not in html



def test_a_mentor_sees_how_often_they_would_mentor_again_from_five_answers(program, client):
    """A yes on conditions counts as a yes, as in the organizers' per-mentor table: 3 of 5
    (yes, yes on conditions, yes, no, no) is 60%; from 4 answers, nothing is shown."""
    ida = MentorFactory(program=program, capacity=9, user__name="Ida")
    label = "Mentorships after which you&#x27;d mentor again"
    client.force_login(ida.user)
    for number, again in enumerate(["yes", "yes_if", "yes", "no", "no"], 1):
        m = completed(program, mentor=ida, days_ago=30)
        answer(invitation(m, SurveyKind.MENTOR_FINAL), mentor_again=again)
        html = client.get(reverse("dashboard")).content.decode()
        if number == 4:
            assert f"{label}: <span" in html  # 4 answers: not shown
    assert f"{label}: <strong>60%</strong> (n = 5)" in html
