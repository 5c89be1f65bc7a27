"""Migration 0007 shortens the mentee surveys' default texts: an answered template gets
a next version (its answers keep the words they were given), an unanswered invitation
moves to it, and a text an organizer changed is left alone."""

from importlib import import_module

import pytest
from django.apps import apps

from surveys.models import SurveyTemplate

from .factories import ProgramFactory
from .surveys_helpers import answer, completed, invitation

pytestmark = pytest.mark.django_db
shorter = import_module("surveys.migrations.0007_shorter_mentee_surveys")


def current(kind="mentee_final"):
    return SurveyTemplate.objects.get(kind=kind, program__isnull=True, is_current=True)


def as_before(template, **help_texts):
    """Put the old texts back on `template`, as a database migrated before 0007 has."""
    old = {key: before for key, (before, _) in shorter.HELP.items()}
    for key, text in {**old, **help_texts}.items():
        template.questions.filter(key=key).update(help_text=text)
    template.intro = shorter.INTRO[template.kind][0]
    template.save(update_fields=["intro"])


def test_an_answered_template_gets_a_shorter_next_version():
    program = ProgramFactory()
    before = current()
    as_before(before)
    answered = answer(invitation(completed(program)))
    waiting = invitation(completed(program))
    shorter.revise(apps, "mentee_final")

    after = current()
    assert after.pk != before.pk and after.replaces_id == before.pk
    assert after.intro == ""
    helps = dict(after.questions.values_list("key", "help_text"))
    assert helps["delta_p_fulltime"] == "15 if it went from 40% to 55%; negative if it fell."
    assert helps["p_fulltime"] == ""
    # The same questions, under the same keys.
    assert (list(after.questions.values_list("key", "figure"))
            == list(before.questions.values_list("key", "figure")))
    # What was answered keeps its words; the open invitation moves to the new version.
    assert answered.template_id == before.pk
    waiting.refresh_from_db()
    assert waiting.template_id == after.pk


def test_a_text_an_organizer_changed_is_left_alone_and_nothing_else_is_touched():
    before = current("mentee_baseline")
    as_before(before, p_fulltime="Our own words.")
    shorter.revise(apps, "mentee_baseline")  # nobody answered: edited in place
    after = current("mentee_baseline")
    assert after.pk == before.pk
    assert after.intro == "We ask the same at the end, to see what changed."
    assert after.questions.get(key="p_fulltime").help_text == "Our own words."
    shorter.revise(apps, "mentee_baseline")
    assert current("mentee_baseline").pk == before.pk  # nothing left to change
