"""Hostile input on the survey page (save, submit and the JSON autosave): never a server
error, and what is stored is always exactly the valid answers of the post (the others
keep their earlier value), never some of them; a response is closed only when all of it
is valid."""

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from surveys import question_types
from surveys.answering import field_name, questions_for, save_answers
from surveys.models import Answer, Question, QuestionType, Response
from surveys.tokens import survey_token

from .fuzz_strategies import (
    assert_no_server_error,
    assert_refused_as_too_big,
    encode,
    examples,
    isolated,
    post,
    posts,
    too_big,
)
from .surveys_helpers import MENTEE_FINAL_OK, completed, invitation

pytestmark = pytest.mark.django_db

EARLIER = {"liked": "Written before.", "recommend": "5", "fuzz_areas": ["a"]}


@pytest.fixture
def inv(program):
    """A mentee's final survey, with a multiple-choice question added (the seeded
    templates have none)."""
    inv = invitation(completed(program))
    Question.objects.create(template=inv.template, key="fuzz_areas", order=99,
                            text="Which areas?", type=QuestionType.MULTIPLE_CHOICE,
                            choices="a | Area A\nb | Area B", required=False)
    return inv


def valid_form(action):
    """Every answer valid, sent with one of the page's three actions (the buttons and the
    script's autosave)."""
    data = {f"q-{key}": value for key, value in MENTEE_FINAL_OK.items()}
    return {**data, "q-fuzz_areas": ["a", "b"], "action": action}


def stored(response) -> dict[str, dict]:
    if response is None:
        return {}
    return {a.question.key: {"number": a.number, "text": a.text, "choices": a.choices}
            for a in Answer.objects.filter(response=response).select_related("question")}


@examples(30)
@given(form=st.sampled_from(["submit", "save", "autosave"]).map(valid_form).flatmap(posts),
       started=st.booleans())
def test_it_stores_exactly_the_valid_answers(inv, form, started):
    url = reverse("survey", args=[survey_token(inv)])
    with isolated():
        if started:
            save_answers(invitation=inv, raw=EARLIER, submit=False)
        earlier = stored(Response.objects.filter(invitation=inv).first())
        response = post(Client(), url, form)
        assert_no_server_error(response)
        if too_big(form):
            assert_refused_as_too_big(response)
            assert stored(Response.objects.filter(invitation=inv).first()) == earlier
            return

        # What the view read, decoded as Django decodes it.
        received = QueryDict(encode(form))
        action = received.get("action", "save")
        survey, questions = questions_for(inv)
        now = stored(survey)
        errors = {}
        for q in questions:
            kind = question_types.of(q)
            raw = received.getlist(field_name(q)) if kind.many else received.get(field_name(q))
            try:
                value = kind.clean(q, raw)
            except ValidationError:
                errors[q.key] = "invalid"
                assert now.get(q.key) == earlier.get(q.key), f"{q.key} changed"
                continue
            if value is None:
                if action == "submit" and q.required:
                    errors[q.key] = "required"
                assert q.key not in now, f"{q.key} kept though cleared"
            else:
                assert now.get(q.key) == kind.to_fields(value), f"{q.key} not saved as sent"

        submitted = survey is not None and survey.is_submitted
        assert submitted == (action == "submit" and not errors)
        if action == "autosave":
            assert response.status_code == 200
            assert set(response.json()["errors"]) == {k for k, v in errors.items()
                                                       if v == "invalid"}
        elif errors:
            assert response.status_code == 400
            assert "mm-error-summary" in response.content.decode()
        else:
            assert response.status_code == 302
