"""Migration 0027 shortens the acceptance email's default body (the program's name is in
the subject); a body an organizer edited is left as it is."""

from importlib import import_module

import pytest
from django.apps import apps

from matching.decision_email_defaults import DEFAULTS
from matching.models import DecisionEmail

from .factories import ProgramFactory

pytestmark = pytest.mark.django_db
shorter = import_module("matching.migrations.0027_shorter_acceptance_email_again")


def test_the_shipped_text_is_the_new_one():
    assert DEFAULTS["accepted"]["body"] == shorter.NEW_BODY
    assert DecisionEmail.objects.get(decision="accepted", program=None).body == \
        shorter.NEW_BODY


def test_the_old_default_is_shortened_and_an_edited_text_kept():
    shared = DecisionEmail.objects.get(decision="accepted", program=None)
    shared.body = shorter.OLD_BODY
    shared.save(update_fields=["body"])
    edited = DecisionEmail.objects.create(
        decision="accepted", program=ProgramFactory(), subject="Welcome",
        body=shorter.OLD_BODY.replace("Hi", "Dear"))
    shorter.forwards(apps, None)
    shared.refresh_from_db()
    edited.refresh_from_db()
    assert shared.body == shorter.NEW_BODY
    assert "program }} organizers" not in shared.body
    assert edited.body.startswith("Dear") and "into {{ program }}" in edited.body
