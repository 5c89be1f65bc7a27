"""Who sees what in a cohort's reviews: a mentor sees only the applicants who chose them and
never another reviewer's scores before scoring; an extra reviewer sees the shared part only;
a conflict hides an applicant from that reviewer entirely; the applicant never sees a review
of their application; the allocation is the organizers'."""

import pytest
from django.urls import reverse

from matching.models import Reviewer, SharedReview
from matching.services import cohort_reviews

from .cohort_helpers import applicant, cohort_program, review
from .factories import UserFactory
from .helpers import signed_in, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    s = cohort_program(mentors=2, questions=1)
    ada = applicant(s, 1, choose=[0], name="Ada Applicant")
    bob = applicant(s, 2, choose=[1], name="Bob Applicant")
    rita = UserFactory(email="rita@example.org", name="Rita Reviewer")
    Reviewer.objects.create(cohort=s.cohort, user=rita)
    cohort_reviews.shared_review_save(application=ada, by=rita,
                                      scores={s.shared_criteria[0].pk: 4},
                                      notes="Rita's private note")
    return s, ada, bob, rita


def applicant_url(s, app):
    return reverse("cohort_applicant", args=[s.program.slug, app.pk])


def test_a_mentor_sees_only_the_applicants_who_chose_them(world):
    s, ada, bob, _ = world
    mentor0 = signed_in(s.mentors[0].user)
    page = text(mentor0.get(reverse("cohort_mentor", args=[s.program.slug])))
    assert "Ada Applicant" in page and "Bob Applicant" not in page
    assert mentor0.get(applicant_url(s, ada)).status_code == 200
    assert mentor0.get(applicant_url(s, bob)).status_code == 404
    # Nor can they review Bob by posting.
    response = mentor0.post(applicant_url(s, bob), {"decision": "yes"})
    assert response.status_code == 404
    assert not hasattr(bob.mentor_choices.get(), "review") or \
        bob.mentor_choices.get().review.decision != "yes"


def test_a_mentor_sees_the_reviewers_scores_only_after_scoring(world):
    s, ada, _, _ = world
    mentor0 = signed_in(s.mentors[0].user)
    before = text(mentor0.get(applicant_url(s, ada)))
    assert "4.0 of 4" not in before
    assert "Shown once you have scored" in before
    review(s, ada, 0, decision="maybe", scores=(2, 3))
    after = text(mentor0.get(applicant_url(s, ada)))
    assert "4.0 of 4" in after
    assert "Rita's private note" not in after


def test_another_mentors_review_is_never_shown(world):
    s, _, _, _ = world
    both = applicant(s, 3, choose=[0, 1], name="Cleo Both")
    review(s, both, 1, decision="no", scores=(1, 1), notes="Mentor one's secret")
    review(s, both, 0, decision="yes", rank=1)
    page = text(signed_in(s.mentors[0].user).get(applicant_url(s, both)))
    assert "Mentor one's secret" not in page
    assert "1.0 of 4" not in page


def test_an_extra_reviewer_sees_the_shared_part_but_not_the_mentors_questions(world):
    s, ada, bob, rita = world
    browser = signed_in(rita)
    page = text(browser.get(applicant_url(s, bob)))
    assert "Bob Applicant" in page
    assert "My answer to" not in page
    review(s, bob, 1, decision="yes", rank=1, notes="Mentor's own note")
    assert "Mentor's own note" not in text(browser.get(applicant_url(s, bob)))


def test_a_reviewer_sees_other_reviewers_scores_only_after_scoring(world):
    s, ada, _, rita = world
    sam = UserFactory(email="sam@example.org")
    Reviewer.objects.create(cohort=s.cohort, user=sam)
    browser = signed_in(sam)
    assert "4.0 of 4" not in text(browser.get(applicant_url(s, ada)))
    response = browser.post(applicant_url(s, ada), {
        f"score_{s.shared_criteria[0].pk}": "2", "notes": ""})
    assert response.status_code == 302
    assert "4.0 of 4" in text(browser.get(applicant_url(s, ada)))


def test_a_conflict_hides_the_applicant_from_that_reviewer_entirely(world):
    s, ada, _, rita = world
    mentor0 = signed_in(s.mentors[0].user)
    response = mentor0.post(reverse("cohort_conflict", args=[s.program.slug, ada.pk]),
                            {"note": "my student"})
    assert response.status_code == 302
    assert "Ada Applicant is hidden from you" in text(mentor0.get(response.url))
    assert "Ada Applicant" not in text(mentor0.get(reverse("cohort_mentor",
                                                           args=[s.program.slug])))
    assert mentor0.get(applicant_url(s, ada)).status_code == 404
    assert mentor0.post(applicant_url(s, ada), {"decision": "yes"}).status_code == 404
    # The reviewer's own conflict, recorded by an organizer.
    cohort_reviews.conflict_declare(cohort=s.cohort, application=ada, user=rita, by=rita)
    reviewer = signed_in(rita)
    assert "Ada Applicant" not in text(reviewer.get(reverse("cohort_reviewer",
                                                            args=[s.program.slug])))
    assert reviewer.get(applicant_url(s, ada)).status_code == 404
    assert cohort_reviews.others_shared_reviews(ada, rita) == []


def test_the_applicant_never_sees_a_review_of_their_application(world):
    s, ada, _, _ = world
    review(s, ada, 0, decision="no", scores=(1, 1), notes="Too junior for now")
    browser = signed_in(ada.user)
    for url in (reverse("dashboard"), reverse("cohort_apply", args=[s.program.slug]),
                reverse("cohort_listing", args=[s.program.slug])):
        page = text(browser.get(url))
        assert "Too junior" not in page and "Rita's private note" not in page
    assert browser.get(applicant_url(s, ada)).status_code == 404
    assert browser.get(reverse("cohort_reviewer", args=[s.program.slug])).status_code == 404
    assert browser.get(reverse("cohort_mentor", args=[s.program.slug])).status_code == 404


def test_only_organizers_allocate_slots(world, organizer):
    s, *_ = world
    url = reverse("cohort_allocation", args=[s.program.slug])
    assert signed_in(s.mentors[0].user).get(url).status_code == 403
    assert signed_in(s.mentors[0].user).post(
        url, {f"slots_{s.mentors[0].pk}": "3"}).status_code == 403
    assert s.mentors[0].listing.slots == 0
    assert signed_in(organizer).get(url).status_code == 200


def test_a_stranger_cannot_score_the_shared_part(world):
    s, ada, _, _ = world
    stranger = UserFactory(email="stranger@example.org")
    response = signed_in(stranger).post(applicant_url(s, ada), {
        f"score_{s.shared_criteria[0].pk}": "1"})
    assert response.status_code == 404
    assert not SharedReview.objects.filter(reviewer=stranger).exists()
