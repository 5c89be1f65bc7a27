"""Every survey figure on the dashboard shows its n with the people asked and the response
rate, not n alone: 5 answers of 6 asked read differently from 5 of 50."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Invitation, SurveyKind

from .surveys_helpers import answer, completed, invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_of_six(program):
    """6 completed mentorships: 5 mentees and 5 mentors answer, one of each does not."""
    for i in range(6):
        m = completed(program)
        mentee, mentor = invitation(m), invitation(m, SurveyKind.MENTOR_FINAL)
        if i < 5:
            answer(mentee)
            answer(mentor)
    Invitation.objects.update(sent_at=timezone.now())
    return program


def test_the_panels_show_n_of_the_people_asked(five_of_six, organizer_client):
    html = organizer_client.get(reverse("impact_dashboard")).content.decode()
    text = re.sub(r"\s+", " ", html)
    stats = re.findall(r'class="mm-stat-note">([^<]*)</div>', text)
    # Δp, months saved, NPS and worth-it headline cards.
    assert sum("n = 5 of 6 asked (83%)" in note for note in stats) == 4, stats
    assert "Mean 9.0 / 10, n = 5 of 6 asked (83%)." in text
    # The worth-it and would-again shares, and each rating of the mentee.
    assert text.count('<li class="text-body-secondary">n = 5 of 6 asked (83%)</li>') == 2
    assert "5<br><span class=\"text-body-secondary small text-nowrap\">of 6 (83%)" in text
