"""Answering a survey: the page's questions, and saving answers partly (save and finish
later, autosave) or for good (submit).

Every valid answer is kept whatever else is wrong, so nothing typed right is lost; a
submit succeeds only when every answer is valid and every required one is there, and
then the response is closed for good. The invitation's row is locked while saving, so two
tabs submitting at once submit once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import question_types
from .models import Answer, Invitation, Response


class SurveyClosed(Exception):
    """The invitation can take no more answers: `reason` is "submitted" or "expired"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class SaveResult:
    response: Response | None
    errors: dict[str, str] = field(default_factory=dict)
    saved: int = 0
    submitted: bool = False


def questions_for(invitation: Invitation) -> tuple[Response | None, list]:
    """The invitation's response (if started) and the questions it answers: the version it
    started on, or the invitation's template."""
    response = Response.objects.filter(invitation=invitation).select_related("template") \
        .first()
    template = response.template if response else invitation.template
    return response, list(template.questions.all())


def field_name(question) -> str:
    return f"q-{question.key}"


def raw_from_post(post, questions) -> dict:
    """{key: what was sent} for each question."""
    return {q.key: question_types.of(q).from_post(post, field_name(q)) for q in questions}


def stored_values(response: Response | None, questions) -> dict:
    """{key: the stored answer as the form sends it} for the questions answered so far."""
    if response is None:
        return {}
    by_question = {a.question_id: a for a in response.answers.all()}
    return {q.key: question_types.of(q).initial(by_question[q.pk]) for q in questions
            if q.pk in by_question}


def page_items(questions, raw: dict, errors: dict, known: dict | None = None) -> list[dict]:
    """What the survey page draws for each question (``surveys/_question.html``): the
    type's fragment and what it reads, the value to fill in, the error, and the help
    text (where a filled-in answer came from, while it is unchanged: ``known`` is
    ``surveys.known_answers``')."""
    items = []
    known = known or {}
    for number, q in enumerate(questions, start=1):
        kind = question_types.of(q)
        value = kind.form_value(raw.get(q.key))
        filled, note = known.get(q.key, (None, ""))
        items.append({
            "q": q, "number": number, "name": field_name(q), "id": f"id_{field_name(q)}",
            "value": value, "error": errors.get(q.key, ""),
            "help_text": note if note and value == filled else q.help_text,
            "template_name": kind.template_name, "grouped": kind.grouped, "many": kind.many,
            **kind.widget(q),
        })
    return items


def save_answers(*, invitation: Invitation, raw: dict, submit: bool) -> SaveResult:
    """Validate `raw` ({key: what was sent}) against the questions, store the valid
    answers, and close the response if `submit` and nothing is wrong.

    Raises SurveyClosed if the response was already submitted or the link expired."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        response, questions = questions_for(invitation)
        if response is not None and response.is_submitted:
            raise SurveyClosed("submitted")
        if invitation.is_expired:
            raise SurveyClosed("expired")
        errors: dict[str, str] = {}
        values: dict = {}
        for q in questions:
            kind = question_types.of(q)
            try:
                value = kind.clean(q, raw.get(q.key))
            except ValidationError as exc:
                errors[q.key] = exc.messages[0]
                continue
            if value is None and submit and q.required:
                errors[q.key] = kind.required_message
            values[q.key] = (q, value)
        if response is None:
            if not any(v is not None for _, v in values.values()):
                return SaveResult(response=None, errors=errors)
            response = Response.objects.create(invitation=invitation,
                                               template=invitation.template)
        stored = {a.question_id: a for a in response.answers.all()}
        saved = 0
        for q, value in values.values():
            answer = stored.get(q.pk)
            if value is None:
                if answer is not None:
                    answer.delete()
                continue
            fields = question_types.of(q).to_fields(value)
            if answer is None:
                Answer.objects.create(response=response, question=q, **fields)
            elif any(getattr(answer, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(answer, k, v)
                answer.save()
            saved += 1
        submitted = submit and not errors
        response.submitted_at = timezone.now() if submitted else None
        response.save(update_fields=["submitted_at", "updated_at"])
        return SaveResult(response=response, errors=errors, saved=saved, submitted=submitted)
