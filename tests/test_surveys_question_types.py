"""Question types are classes in one registry (surveys/question_types.py): the model's
choices, the page, the saving and the reporting all ask it; a type it doesn't know fails
loudly instead of being stored as text; and a new type plugs in without touching the
rest."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import get_template
from django.urls import reverse

from surveys import question_types
from surveys.answering import save_answers
from surveys.dispatch import minutes_to_answer
from surveys.models import TEXT_TYPES, Answer, Question, QuestionType, Response
from surveys.question_types import UnknownQuestionType
from surveys.tokens import survey_token

from .surveys_helpers import MENTEE_FINAL_OK, completed, invitation

pytestmark = pytest.mark.django_db

# The values questions have always stored: a rename would orphan every stored question.
STORED_NAMES = ["scale_0_10", "scale_1_10", "percentage_points", "months", "hours",
                "single_choice", "multiple_choice", "short_text", "long_text",
                "percent", "money_usd", "links"]


class Years(question_types.Number):
    """A type as a maintainer would add it: here it reuses the number fragment."""

    name, label = "years", "Years"
    low, high, unit, example = Decimal(0), Decimal(50), "years", "2 or 0.5"
    unit_words = r"years?|yrs?"


@pytest.fixture
def years(monkeypatch):
    """`Years` registered for one test."""
    monkeypatch.setitem(question_types._REGISTRY, Years.name, Years())


def test_the_stored_names_and_the_constants_stay_as_they_were():
    assert [t.name for t in question_types.all_types()] == STORED_NAMES
    assert QuestionType.values == STORED_NAMES
    assert QuestionType.LONG_TEXT == "long_text"
    assert Question._meta.get_field("type").choices == question_types.choices()


@pytest.mark.parametrize("kind", question_types.all_types(), ids=lambda t: t.name)
def test_every_type_is_complete(kind):
    assert len(kind.name) <= Question._meta.get_field("type").max_length
    assert kind.label and kind.seconds > 0 and kind.required_message
    get_template(kind.template_name)  # its fragment exists
    assert kind.stored_in in ("number", "text", "choices")


def test_only_the_free_text_types_are_erased_as_words():
    assert set(TEXT_TYPES) == {"short_text", "long_text", "links"}


def test_every_type_is_reported_as_numbers_choices_or_a_list_of_texts():
    assert set(question_types.names_where(reported_as="numbers")) == {
        "scale_0_10", "scale_1_10", "percentage_points", "months", "hours", "percent",
        "money_usd"}
    assert question_types.names_where(reported_as="choices") == ("single_choice",
                                                                 "multiple_choice")
    assert set(question_types.names_where(reported_as="text")) == set(TEXT_TYPES)


def test_a_type_is_registered_once():
    with pytest.raises(ValueError, match="'hours' is registered twice"):
        question_types.register(question_types.Hours)


# --- An unknown type fails loudly --------------------------------------------------------

def test_an_unknown_type_is_named_in_the_error():
    with pytest.raises(UnknownQuestionType, match="'stars' is not registered"):
        question_types.get("stars")


def test_an_answer_to_an_unknown_type_is_never_stored_as_text(program):
    inv = invitation(completed(program))
    Question.objects.create(template=inv.template, key="stars", order=99, text="Stars?",
                            type="stars", required=False)
    with pytest.raises(UnknownQuestionType):
        save_answers(invitation=inv, raw={**MENTEE_FINAL_OK, "stars": "5"}, submit=True)
    assert not Answer.objects.exists()
    with pytest.raises(UnknownQuestionType):
        minutes_to_answer(inv.template.questions.all())


def test_an_unknown_type_is_refused_in_a_question():
    question = Question(key="x", text="?", type="stars")
    with pytest.raises(ValidationError) as info:
        question.clean_fields(exclude=["template"])
    assert "type" in info.value.message_dict


# --- A new type plugs in -----------------------------------------------------------------

def test_a_registered_type_is_a_choice_of_the_model_without_a_migration(years):
    assert ("years", "Years") in Question._meta.get_field("type").choices
    Question(key="x", text="?", type="years").clean_fields(exclude=["template"])


def test_a_registered_type_works_on_the_page_end_to_end(years, client, program):
    inv = invitation(completed(program))
    Question.objects.create(template=inv.template, key="years_in_field", order=99,
                            text="How many years until you expect to work in AI safety?",
                            type="years")
    url = reverse("survey", args=[survey_token(inv)])
    page = client.get(url).content.decode()
    assert 'id="id_q-years_in_field_unit">years</span>' in page

    refused = client.post(url, {**{f"q-{k}": v for k, v in MENTEE_FINAL_OK.items()},
                                "q-years_in_field": "60", "action": "submit"})
    assert "Enter a number from 0 to 50 years." in refused.content.decode()
    sent = client.post(url, {**{f"q-{k}": v for k, v in MENTEE_FINAL_OK.items()},
                             "q-years_in_field": "about 2,5 years", "action": "submit"})
    assert sent.status_code == 302
    answer = Answer.objects.get(response=Response.objects.get(), question__key="years_in_field")
    assert (answer.number, answer.display()) == (Decimal("2.5"), "2.5")
