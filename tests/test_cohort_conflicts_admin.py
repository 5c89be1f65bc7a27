"""Organizers record a conflict of interest for someone who reviews in their cohort (admin
→ Conflicts), choosing among those people: they can't search every account."""

import pytest
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
