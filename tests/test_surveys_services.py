"""The organizers' survey services, called as the admin calls them: an answered template
changes only as a new version; a new link retires the old one and is emailed under its
own occasion; an answered survey gets no new link."""

import pytest
from django.core.exceptions import ValidationError

from mm_program.models import Message
from surveys.dispatch import invitation_occasion
from surveys.models import Invitation, Question, SurveyKind, SurveyTemplate
from surveys.services import (
    invitation_link_renew,
    survey_template_save,
    survey_template_version,
)

from .surveys_helpers import answer, completed, invitation

pytestmark = pytest.mark.django_db


def default(kind=SurveyKind.MENTOR_FINAL) -> SurveyTemplate:
    return SurveyTemplate.objects.get(kind=kind, program__isnull=True, is_current=True)


@pytest.fixture
def answered(program):
    """The default mentor survey, answered once, and an invitation nobody started."""
    template = default()
    answer(invitation(completed(program), SurveyKind.MENTOR_FINAL))
    waiting = invitation(completed(program), SurveyKind.MENTOR_FINAL)
    return template, waiting


def test_a_version_copies_the_questions_as_changed(answered, organizer):
    template, waiting = answered
    worth_it = template.questions.get(key="worth_it")
    worth_it.text = "Worth it, all in all?"
    added = Question(template=template, key="again_soon", order=300, text="Soon?",
                     type="short_text")
    left_out = template.questions.get(key="mentor_hours").pk

    version = survey_template_version(template=SurveyTemplate.objects.get(pk=template.pk),
                                      questions=[worth_it, added], left_out=[left_out],
                                      by=organizer)

    new = version.template
    assert (new.version, new.replaces, new.is_current, version.moved) == (2, template, True, 1)
    keys = list(new.questions.values_list("key", flat=True))
    assert "mentor_hours" not in keys and {"worth_it", "again_soon", "mentee_depth"} <= set(keys)
    assert new.questions.get(key="worth_it").text == "Worth it, all in all?"
    template.refresh_from_db()
    assert not template.is_current
    assert template.questions.get(key="worth_it").text == "Was mentoring worth your time?"
    waiting.refresh_from_db()
    assert waiting.template == new
    assert version.message == (
        "“Was it worth your time?” already had answers, so your changes are saved as "
        "version 2. Version 1 keeps its answers; 1 unanswered invitation now use the new "
        "version.")
    # The change history names the organizer, in a request or not.
    assert new.history.first().history_user == organizer
    assert new.questions.get(key="again_soon").history.first().history_user == organizer


def test_a_version_made_current_retires_whichever_version_is_current(answered, organizer):
    first, _ = answered
    # A second template of the kind, added and made current: the answered one steps back.
    second = survey_template_save(
        template=SurveyTemplate(kind=SurveyKind.MENTOR_FINAL, title="Shorter",
                                is_current=True), by=organizer)
    # The answered one changed, and made current again: the second one steps back.
    changed = SurveyTemplate.objects.get(pk=first.pk)
    changed.is_current = True
    third = survey_template_version(template=changed, questions=[], by=organizer).template
    current = SurveyTemplate.objects.filter(kind=SurveyKind.MENTOR_FINAL, is_current=True)
    assert list(current) == [third] and (second.version, third.version) == (2, 3)
    assert third.questions.count() == first.questions.count()


def test_an_answered_template_is_not_saved_in_place(answered, organizer):
    template, _ = answered
    template.title = "Edited in place"
    with pytest.raises(ValidationError, match="save the changes as a new version"):
        survey_template_save(template=template, by=organizer)
    assert SurveyTemplate.objects.get(pk=template.pk).title == "Was it worth your time?"


def test_a_new_template_gets_the_next_version_and_can_take_over(program, organizer):
    old = default()
    new = survey_template_save(
        template=SurveyTemplate(kind=SurveyKind.MENTOR_FINAL, title="Shorter", is_current=True),
        by=organizer)
    assert new.version == 2
    old.refresh_from_db()
    assert not old.is_current


def test_a_new_link_is_emailed_under_its_own_occasion(program,
                                                      django_capture_on_commit_callbacks):
    inv = invitation(completed(program))
    old_nonce = inv.nonce
    with django_capture_on_commit_callbacks(execute=True):
        invitation_link_renew(invitation=inv)
        invitation_link_renew(invitation=inv)  # twice: two links, two emails
    inv.refresh_from_db()
    assert inv.nonce != old_nonce and inv.sent_at is not None
    occasions = list(Message.objects.filter(kind="survey-invitation")
                     .values_list("occasion", flat=True).order_by("pk"))
    assert len(occasions) == 2
    assert occasions[-1] == invitation_occasion(inv, renewed=True)
    assert occasions[-1].startswith(invitation_occasion(inv) + "/link:")


def test_an_answered_survey_gets_no_new_link(program):
    inv = invitation(completed(program))
    answer(inv)
    nonce = inv.nonce
    with pytest.raises(ValidationError, match="answered"):
        invitation_link_renew(invitation=inv)
    assert Invitation.objects.get(pk=inv.pk).nonce == nonce
    assert not Message.objects.exists()
