"""The cohort pages around selection: how an applicant gets from the shared form to their
choice of mentors, the dashboard's links for each role, and the pages that list
applicants answering in a number of queries that doesn't grow with them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from matching.models import Reviewer

from .cohort_helpers import applicant, cohort_program, review
from .factories import UserFactory
from .helpers import signed_in, text

pytestmark = pytest.mark.django_db


def test_the_thanks_page_of_a_cohort_sends_the_applicant_to_choose_mentors(
        client, mentee_data):
    s = cohort_program(mentors=1)
    response = client.post(f"/programs/{s.program.slug}/apply/mentee/", mentee_data,
                           follow=True)
    assert response.status_code == 200
    page = text(response)
    assert "Choose your mentors" in page
    assert reverse("cohort_apply", args=[s.program.slug]) in response.content.decode()


def test_the_thanks_page_of_a_rolling_program_does_not(client, program, mentee_data):
    response = client.post("/apply/mentee/", mentee_data, follow=True)
    assert response.status_code == 200
    assert "Choose your mentors" not in text(response)


def test_the_dashboard_links_each_role_to_its_cohort_page():
    s = cohort_program(mentors=1)
    app = applicant(s, 1)
    rita = UserFactory(email="rita@example.org")
    Reviewer.objects.create(cohort=s.cohort, user=rita)
    dashboard = reverse("dashboard")
    assert "Your applicants and listing" in text(signed_in(s.mentors[0].user).get(dashboard))
    assert "Applications to review" in text(signed_in(rita).get(dashboard))
    assert "Your choice of mentors" in text(signed_in(app.user).get(dashboard))
    stranger = text(signed_in(UserFactory(email="x@example.org")).get(dashboard))
    assert "Your choice of mentors" not in stranger and "Applications to review" not in stranger


def _queries(browser, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert browser.get(url).status_code == 200
    return len(queries)


def _grow(s, start, count):
    for number in range(start, start + count):
        app = applicant(s, number, choose=[0, 1])
        review(s, app, 0, decision="yes", rank=number, scores=(number % 4 + 1, 3))
        review(s, app, 1, decision="maybe", scores=(2, 2))


@pytest.mark.parametrize("page", ["mentor", "reviewer", "allocation", "listing"])
def test_pages_listing_applicants_take_the_same_queries_for_more_of_them(page, organizer):
    s = cohort_program(mentors=3, questions=2)
    rita = UserFactory(email="rita@example.org")
    Reviewer.objects.create(cohort=s.cohort, user=rita)
    who, url = {
        "mentor": (s.mentors[0].user, reverse("cohort_mentor", args=[s.program.slug])),
        "reviewer": (rita, reverse("cohort_reviewer", args=[s.program.slug])),
        "allocation": (organizer, reverse("cohort_allocation", args=[s.program.slug])),
        "listing": (rita, reverse("cohort_listing", args=[s.program.slug])),
    }[page]
    browser = signed_in(who)
    _grow(s, 1, 2)
    few = _queries(browser, url)
    _grow(s, 3, 10)
    assert _queries(browser, url) == few


def test_a_cohort_setup_needs_a_program_with_a_deadline(program):
    from django.core.exceptions import ValidationError

    from matching.models import Cohort

    with pytest.raises(ValidationError, match="Cohort with a deadline"):
        Cohort(program=program).full_clean()


def test_the_synthetic_cohort_keeps_the_rules_the_services_keep():
    from matching.cohort_scale import seed_cohort_bulk
    from matching.models import CohortMentor, MentorChoice, MentorReview
    from matching.services.cohort_matching import cohort_compare

    program = seed_cohort_bulk(applicants=40, mentors=5, slug="tiny")
    assert MentorChoice.objects.filter(mentor__program=program).count() == 120
    assert not MentorReview.objects.filter(rank__isnull=False).exclude(decision="yes").exists()
    listings = CohortMentor.objects.filter(mentor__program=program)
    assert sum(listings.values_list("slots", flat=True)) <= program.cohort.slot_budget
    comparison = cohort_compare(cohort=program.cohort)
    assert comparison.modes["stable"].blocking == []
    assert comparison.modes["optimal"].placed_count >= comparison.modes["stable"].placed_count
    assert seed_cohort_bulk(applicants=40, mentors=5, slug="tiny") == program
