"""Organizers record a conflict of interest for someone who reviews in their cohort (admin
→ Conflicts), choosing among those people: they can't search every account."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching.models import Conflict, Reviewer
from matching.services import cohort_reviews

from .cohort_helpers import applicant, cohort_program
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_organizer_records_a_reviewers_conflict_which_hides_the_applicant(
        organizer_client, organizer):
    s = cohort_program(mentors=2)
    ada = applicant(s, 1, choose=[0], name="Ada Applicant")
    rita = UserFactory(email="rita@example.org", name="Rita Reviewer")
    Reviewer.objects.create(cohort=s.cohort, user=rita)
    UserFactory(email="someone.else@example.org")
    add = reverse("admin:matching_conflict_add")
    people = organizer_client.get(add).context["adminform"].form.fields["user"].queryset
    assert set(people) == {rita, *(m.user for m in s.mentors)}
    response = organizer_client.post(add, {"cohort": s.cohort.pk, "user": rita.pk,
                                           "application": ada.pk, "note": "Colleague"})
    assert response.status_code == 302
    conflict = Conflict.objects.get()
    assert (conflict.user, conflict.application, conflict.created_by) == (rita, ada, organizer)
    assert not cohort_reviews.reviewer_applications(s.cohort, rita).filter(pk=ada.pk).exists()


def test_a_conflict_must_be_of_the_cohorts_reviewer_and_applicant(organizer_client):
    """The admin's form asks the model: another cohort's applicant or reviewer is refused
    at the field, and nothing is saved (nor by the service, which asks the same rule)."""
    s, other = cohort_program(mentors=1), cohort_program(slug="other", mentors=1)
    ada = applicant(s, 1, choose=[0], name="Ada Applicant")
    stranger = applicant(other, 2, choose=[0], name="Bo Elsewhere")
    mentor, elsewhere = s.mentors[0].user, other.mentors[0].user
    add = reverse("admin:matching_conflict_add")
    response = organizer_client.post(add, {"cohort": s.cohort.pk, "user": elsewhere.pk,
                                           "application": stranger.pk, "note": ""})
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["application"] == ["That application is not in this cohort's program."]
    assert errors["user"] == ["This person neither mentors nor reviews in this cohort."]
    assert not Conflict.objects.exists()
    with pytest.raises(ValidationError, match="neither mentors nor reviews"):
        cohort_reviews.conflict_declare(cohort=s.cohort, application=ada, user=elsewhere,
                                        by=elsewhere)
    # The cohort's own mentor and applicant are fine.
    conflict = cohort_reviews.conflict_declare(cohort=s.cohort, application=ada, user=mentor,
                                               by=mentor)
    assert conflict.pk is not None
