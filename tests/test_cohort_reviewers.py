"""Organizers add a cohort's extra reviewers by address in the cohort's setup (admin →
Cohorts): they can't search the accounts, and the reviewer may have none yet."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from matching.models import Reviewer
from matching.services.cohort_people import reviewer_add
from mm_program.models import Message

from .cohort_helpers import cohort_program
from .factories import UserFactory
from .test_audit_history import form_data

pytestmark = pytest.mark.django_db


def _setup_page(cohort):
    return reverse("admin:matching_cohort_change", args=[cohort.pk])


def _post_reviewer(client, cohort, email, name=""):
    """The setup posted back with an address typed in the reviewers' blank row."""
    data = form_data(client.get(_setup_page(cohort)))
    row = int(data["reviewers-TOTAL_FORMS"]) - 1
    data.update({f"reviewers-{row}-email": email, f"reviewers-{row}-name": name,
                 "_continue": "1"})
    return client.post(_setup_page(cohort), data)


def test_an_organizer_adds_a_new_person_who_is_emailed_where_to_review(
        organizer_client, organizer, django_capture_on_commit_callbacks):
    s = cohort_program()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_reviewer(organizer_client, s.cohort, " Rita@Example.org",
                                  "Rita  Reviewer")
    assert response.status_code == 302
    reviewer = Reviewer.objects.get(cohort=s.cohort)
    assert (reviewer.user.email, reviewer.user.name, reviewer.added_by) == (
        "rita@example.org", "Rita Reviewer", organizer)
    assert not reviewer.user.has_usable_password() and not reviewer.user.is_staff
    sent = Message.objects.get(kind="reviewer-invitation")
    assert sent.recipient == "rita@example.org"
    assert reverse("cohort_reviewer", args=[s.program.slug]) in sent.body_text
    # Shown again as a row that is removed, never changed.
    form = organizer_client.get(_setup_page(s.cohort)).context[
        "inline_admin_formsets"][1].formset.forms[0]
    assert form["email"].value() == "rita@example.org" and form.fields["email"].disabled


def test_an_existing_account_is_found_by_any_of_its_addresses(organizer_client):
    from allauth.account.models import EmailAddress

    s = cohort_program()
    sam = UserFactory(email="sam@example.org", name="Sam Known")
    EmailAddress.objects.create(user=sam, email="sam@university.edu", verified=True)
    _post_reviewer(organizer_client, s.cohort, "SAM@university.edu", "Another Name")
    reviewer = Reviewer.objects.get(cohort=s.cohort)
    assert reviewer.user == sam
    sam.refresh_from_db()
    assert sam.name == "Sam Known"


@pytest.mark.parametrize(("email", "words"), [
    ("rita@example.org", "Rita Reviewer reviews for MATS mats already."),
    ("gone@invalid.example", "That address belongs to an erased person."),
    ("not an address", "Enter a valid email address."),
])
def test_a_refused_address_is_said_at_the_field_and_nothing_is_added(
        organizer_client, organizer, email, words, settings):
    s = cohort_program()
    reviewer_add(cohort=s.cohort, email="rita@example.org", name="Rita Reviewer",
                 by=organizer)
    response = _post_reviewer(organizer_client, s.cohort, email)
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][1].formset
    assert words in str(formset.errors)
    assert Reviewer.objects.filter(cohort=s.cohort).count() == 1
    assert Message.objects.filter(kind="reviewer-invitation").count() == 1


def test_only_the_programs_organizers_add_its_reviewers(organizer):
    s = cohort_program()
    stranger = UserFactory(email="stranger@example.org", is_staff=True)
    with pytest.raises(PermissionDenied):
        reviewer_add(cohort=s.cohort, email="rita@example.org", by=stranger)
    with pytest.raises(ValidationError):
        reviewer_add(cohort=s.cohort, email="x@invalid.example", by=organizer)
    assert not Reviewer.objects.exists()
