"""Organizers assign a milestone's graders by address (admin → Milestones): they can't
search the accounts, and a grader may have none yet."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from matching.services.cohort_people import milestone_graders_set
from mm_program.models import Message, User

from .cohort_phase_fixtures import phase_scenario
from .factories import UserFactory
from .test_audit_history import form_data

pytestmark = pytest.mark.django_db


def _post_graders(client, milestone, emails: str):
    page = reverse("admin:matching_milestone_change", args=[milestone.pk])
    data = form_data(client.get(page))
    due = timezone.localtime(data.pop("due_at"))  # the admin's date and time boxes
    data.update({"due_at_0": f"{due:%Y-%m-%d}", "due_at_1": f"{due:%H:%M:%S}",
                 "grader_emails": emails, "_continue": "1"})
    return client.post(page, data)


def test_graders_are_named_by_address_and_new_ones_are_emailed(
        organizer_client, organizer, django_capture_on_commit_callbacks):
    p = phase_scenario()
    kept = p.graders[0]
    page = organizer_client.get(reverse("admin:matching_milestone_change", args=[p.srp.pk]))
    assert page.context["adminform"].form["grader_emails"].value() == "\n".join(
        sorted(g.email for g in p.graders))
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_graders(organizer_client, p.srp,
                                 f"{kept.email.upper()}\n\n new.grader@example.org ")
    assert response.status_code == 302, response.context["adminform"].form.errors
    new = User.objects.get(email="new.grader@example.org")
    assert set(p.srp.graders.all()) == {kept, new}
    assert not new.has_usable_password()
    sent = Message.objects.filter(kind="grader-invitation")
    assert list(sent.values_list("recipient", flat=True)) == ["new.grader@example.org"]
    assert reverse("cohort_grader", args=[p.program.slug]) in sent.get().body_text


def test_a_refused_address_is_said_and_the_graders_stay(organizer_client):
    p = phase_scenario()
    UserFactory(email="left@example.org", is_active=False)
    response = _post_graders(organizer_client, p.srp,
                             "left@example.org\nnot an address\nok@example.org")
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["grader_emails"]
    assert errors == ["left@example.org: This account is deactivated: a superuser can "
                      "restore it.", "not an address: not an email address."]
    assert set(p.srp.graders.all()) == set(p.graders)
    assert not User.objects.filter(email="ok@example.org").exists()


def test_only_the_programs_organizers_assign_graders(organizer):
    p = phase_scenario()
    stranger = UserFactory(email="stranger@example.org", is_staff=True)
    with pytest.raises(PermissionDenied):
        milestone_graders_set(milestone=p.srp, emails=["x@example.org"], by=stranger)
    assert set(p.srp.graders.all()) == set(p.graders)
