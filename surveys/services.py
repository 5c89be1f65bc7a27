"""What organizers do to surveys: save a template (as a new version once people have
answered it) and send someone a new link. The admin calls these and shows their messages;
sending surveys (``surveys.dispatch``) and answering them (``surveys.answering``) have
modules of their own.

A template that already has responses is never edited in place: the changes become the
next version, which is made current and takes over the invitations nobody has started
answering. Responses keep pointing at the version, and the questions, they answered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from mm_program.models import User

from .dispatch import LINK_DAYS, email_invitation
from .models import Invitation, Question, Response, SurveyTemplate
from .tokens import new_nonce


@dataclass(frozen=True)
class NewVersion:
    template: SurveyTemplate
    replaced: SurveyTemplate
    moved: int  # unanswered invitations that now use it

    @property
    def message(self) -> str:
        moved = ""
        if self.moved:
            moved = (f"; {self.moved} unanswered invitation{'s' if self.moved != 1 else ''} "
                     "now use the new version")
        return (f"“{self.replaced.title}” already had answers, so your changes are saved as "
                f"version {self.template.version}. Version {self.replaced.version} keeps its "
                f"answers{moved}.")


def _next_version(kind: str, program) -> int:
    last = SurveyTemplate.objects.filter(kind=kind, program=program).aggregate(
        v=Max("version"))["v"]
    return (last or 0) + 1


def _retire_others(template: SurveyTemplate) -> None:
    """Only one current template per kind and program."""
    SurveyTemplate.objects.filter(
        kind=template.kind, program=template.program, is_current=True
    ).exclude(pk=template.pk).update(is_current=False)


def _copy_question(question: Question, template: SurveyTemplate, by: User) -> Question:
    question.pk = None
    question._state.adding = True
    question.template = template
    question._history_user = by
    question.save()
    return question


def survey_template_save(*, template: SurveyTemplate, by: User) -> SurveyTemplate:
    """Save a template nobody has answered yet, in place; a new one gets the next version
    number of its kind and program. A current one retires the others of its kind and
    program. (One that has answers changes through ``survey_template_version``.)"""
    with transaction.atomic():
        if template._state.adding:
            template.version = _next_version(template.kind, template.program)
        elif template.has_responses():
            raise ValidationError("People have answered this version: save the changes as "
                                  "a new version.", code="answered")
        if template.is_current:
            _retire_others(template)
        template._history_user = by
        template.save()
    return template


def survey_template_version(*, template: SurveyTemplate, questions: Iterable[Question],
                            left_out: Iterable[int] = (), by: User) -> NewVersion:
    """Save the changes to an answered template as its next version.

    `template` is the answered version with the changed fields set (not saved): it is
    saved as the new version, and the answered one stays as it was. `questions` are the
    new version's questions as changed (not saved): one of the answered version keeps its
    pk, a new one has none; they are saved as copies. The answered version's questions in
    `left_out` (pks) are left out; any other is copied unchanged. The new version, if
    current, retires the others, and the invitations nobody has started answering move to
    it.
    """
    with transaction.atomic():
        old = SurveyTemplate.objects.get(pk=template.pk)
        template.pk = None
        template._state.adding = True
        template.version = _next_version(old.kind, old.program)
        template.replaces = old
        if template.is_current:
            _retire_others(template)
        template._history_user = by
        template.save()
        questions = list(questions)
        kept = {q.pk for q in questions if q.pk} | set(left_out)
        for question in questions:
            _copy_question(question, template, by)
        for question in old.questions.exclude(pk__in=kept):
            _copy_question(question, template, by)
        moved = Invitation.objects.filter(template=old, response__isnull=True).update(
            template=template)
    return NewVersion(template=template, replaced=old, moved=moved)


def invitation_link_renew(*, invitation: Invitation) -> Invitation:
    """Give the invitation a new link, working `LINK_DAYS` from now, and email it; every
    earlier link stops working. Refused (ValidationError) once the survey is answered."""
    with transaction.atomic():
        # Locked as saving answers locks it: a submit and a renewal don't cross.
        Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
        if Response.objects.filter(invitation=invitation, submitted_at__isnull=False).exists():
            raise ValidationError("This survey is answered: its link stays closed.",
                                  code="answered")
        invitation.nonce = new_nonce()
        invitation.expires_at = timezone.now() + timedelta(days=LINK_DAYS)
        invitation.save(update_fields=["nonce", "expires_at"])
        email_invitation(invitation=invitation, renewed=True)
    return invitation
