"""Every question type's validation: what is accepted, what is refused and with which
message; on the page, a refused answer is shown next to its question and what was typed
stays, while the other answers are saved."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from surveys import question_types
from surveys.models import Answer, Question, QuestionType, Response, SurveyKind
from surveys.tokens import survey_token

from .surveys_helpers import MENTEE_FINAL_OK, completed, invitation

pytestmark = pytest.mark.django_db


def q(type_, **kw):
    return Question(key="x", text="?", type=type_, **kw)


def clean_answer(question, raw):
    return question_types.of(question).clean(question, raw)


def refused(question, raw) -> str:
    with pytest.raises(ValidationError) as info:
        clean_answer(question, raw)
    return info.value.messages[0]


# --- Accepted values ---------------------------------------------------------------------

@pytest.mark.parametrize("type_,raw,value", [
    ("scale_0_10", "0", Decimal(0)), ("scale_0_10", "10", Decimal(10)),
    ("scale_1_10", " 1 ", Decimal(1)), ("scale_1_10", "10", Decimal(10)),
    ("percentage_points", "15", Decimal("15.0")), ("percentage_points", "-5", Decimal("-5.0")),
    ("percentage_points", "12.5%", Decimal("12.5")), ("percentage_points", "20 pp",
                                                      Decimal("20.0")),
    ("percentage_points", "−10", Decimal("-10.0")), ("percentage_points", "100",
                                                     Decimal("100.0")),
    ("months", "3", Decimal("3.0")), ("months", "0,5", Decimal("0.5")),
    ("months", "6 months", Decimal("6.0")), ("months", "-2", Decimal("-2.0")),
    ("hours", "60", Decimal("60.0")), ("hours", "7.5 h", Decimal("7.5")),
    ("hours", "0", Decimal("0.0")),
    # A rough guess is fine, the questions say, and people say it is one.
    ("hours", "about 120", Decimal("120.0")), ("hours", "~40 hrs", Decimal("40.0")),
    ("hours", "approx. 7,5 h", Decimal("7.5")), ("months", "roughly 2", Decimal("2.0")),
    ("percentage_points", "≈ -10 %", Decimal("-10.0")),
    # A thousands separator is not a decimal comma.
    ("hours", "1,500", Decimal("1500.0")), ("hours", "about 2,000 hours", Decimal("2000.0")),
    # ... but a leading zero is a decimal comma, and a guess's dot is not a decimal point.
    ("hours", "0,5", Decimal("0.5")), ("hours", "ca. 7", Decimal("7.0")),
    ("hours", "approx .5", Decimal("0.5")), ("hours", "c. 120", Decimal("120.0")),
    ("hours", "ca.5", Decimal("0.5")),  # not 5
])
def test_numbers_and_scales_are_accepted_as_people_type_them(type_, raw, value):
    assert clean_answer(q(type_), raw) == value


def test_choices_and_texts_are_accepted():
    single = q("single_choice", choices="yes | Yes\nnot_sure | Not sure\nno | No")
    assert clean_answer(single, "not_sure") == "not_sure"
    multiple = q("multiple_choice", choices="a | A\nb | B\nc | C")
    assert clean_answer(multiple, ["c", "a", "a"]) == ["a", "c"]  # in the offered order
    assert clean_answer(q("short_text"), "  fine  ") == "fine"
    assert clean_answer(q("long_text"), "x" * 3000) == "x" * 3000


@pytest.mark.parametrize("type_", QuestionType.values)
def test_a_blank_answer_is_none_for_every_type(type_):
    blank = [] if type_ == "multiple_choice" else "  "
    assert clean_answer(q(type_, choices="a | A"), blank) is None
    assert clean_answer(q(type_, choices="a | A"), None) is None


# --- Refused values, with their messages -------------------------------------------------

@pytest.mark.parametrize("type_,raw,message", [
    ("scale_0_10", "11", "Pick a whole number from 0 to 10."),
    ("scale_0_10", "-1", "Pick a whole number from 0 to 10."),
    ("scale_0_10", "7.5", "Pick a whole number from 0 to 10."),
    ("scale_0_10", "ten", "Pick a whole number from 0 to 10."),
    ("scale_1_10", "0", "Pick a whole number from 1 to 10."),
    ("percentage_points", "lots", "Enter a number of percentage points, like 15 or -5."),
    ("percentage_points", "150", "Enter a number from -100 to 100 percentage points."),
    ("percentage_points", "-101", "Enter a number from -100 to 100 percentage points."),
    ("percentage_points", "NaN", "Enter a number of percentage points, like 15 or -5."),
    ("percentage_points", "12.25", "Round it to one decimal place at most."),
    ("months", "three", "Enter a number of months, like 3 or 0.5."),
    ("months", "121", "Enter a number from -120 to 120 months."),
    ("hours", "-3", "Enter a number from 0 to 5000 hours."),
    ("hours", "1e9", "Enter a number from 0 to 5000 hours."),
    ("hours", "Infinity", "Enter a number of hours, like 60 or 7.5."),
    ("hours", "0,125", "Round it to one decimal place at most."),  # not 125 hours
])
def test_out_of_range_and_wrong_type_numbers_are_refused(type_, raw, message):
    assert refused(q(type_), raw) == message


def test_a_question_can_narrow_a_number_types_range():
    p = q("percentage_points", min_value=Decimal(0), max_value=Decimal(100))
    assert refused(p, "-5") == "Enter a number from 0 to 100 percentage points."
    assert clean_answer(p, "55%") == Decimal("55.0")


def test_choices_outside_the_offered_ones_are_refused():
    single = q("single_choice", choices="yes | Yes\nno | No")
    assert refused(single, "maybe") == "Pick one of the answers offered."
    multiple = q("multiple_choice", choices="a | A\nb | B")
    assert refused(multiple, ["a", "z"]) == "Pick only among the answers offered."


def test_texts_over_their_limit_are_refused_with_the_count():
    assert refused(q("short_text"), "x" * 301) == \
        "Please keep this under 300 characters (it has 301)."
    assert refused(q("long_text"), "y" * 3001) == \
        "Please keep this under 3000 characters (it has 3001)."


def test_choices_without_values_get_slugs():
    question = q("single_choice", choices="Not sure\n\nYes, if | Yes, if conditions change")
    assert question.choice_list() == [("not_sure", "Not sure"),
                                      ("Yes, if", "Yes, if conditions change")]


# --- On the page -------------------------------------------------------------------------

def post(client, inv, values, action="submit"):
    data = {f"q-{key}": value for key, value in values.items()}
    data["action"] = action
    return client.post(reverse("survey", args=[survey_token(inv)]), data)


def test_bad_answers_are_explained_next_to_their_question_and_kept(client, program):
    inv = invitation(completed(program))
    values = {**MENTEE_FINAL_OK, "delta_p_fulltime": "150", "recommend": "11",
              "hours_total": "lots", "liked": "Kind mentor"}
    page = post(client, inv, values)
    assert page.status_code == 400
    html = page.content.decode()
    assert "Please fix these 3 things; your other answers are saved" in html
    assert "Enter a number from -100 to 100 percentage points." in html
    assert "Pick a whole number from 0 to 10." in html
    assert "Enter a number of hours, like 60 or 7.5." in html
    # What was typed stays in the boxes, the error is tied to its field.
    assert 'value="150"' in html and 'value="lots"' in html
    assert 'id="id_q-delta_p_fulltime_error"' in html
    assert 'aria-describedby="id_q-delta_p_fulltime_help id_q-delta_p_fulltime_unit ' \
           'id_q-delta_p_fulltime_error"' in html
    assert ">Kind mentor</textarea>" in html
    # The valid answers are saved, the refused ones are not, nothing is submitted.
    response = Response.objects.get(invitation=inv)
    assert response.submitted_at is None
    saved = dict(Answer.objects.filter(response=response)
                 .values_list("question__key", "number"))
    assert saved["months_saved"] == Decimal("3.0")
    assert "delta_p_fulltime" not in saved and "recommend" not in saved
    assert Answer.objects.get(response=response, question__key="liked").text == "Kind mentor"


def test_nul_characters_are_dropped_so_the_answers_save_on_postgresql(client, program):
    # Found by tests/test_fuzz_survey.py: PostgreSQL refuses NUL in text (a server
    # error there), SQLite stores it.
    inv = invitation(completed(program))
    page = post(client, inv, {**MENTEE_FINAL_OK, "liked": "The\x00 structure.",
                              "disliked": "\x00", "months_saved": "3\x00"})
    assert page.status_code == 302
    response = Response.objects.get(invitation=inv)
    assert response.submitted_at is not None
    texts = dict(Answer.objects.filter(response=response)
                 .values_list("question__key", "text"))
    assert texts["liked"] == "The structure."
    assert "disliked" not in texts  # nothing but NUL is a blank answer


def test_a_missing_required_answer_blocks_sending_but_optional_ones_do_not(client, program):
    inv = invitation(completed(program))
    values = {**MENTEE_FINAL_OK, "months_saved": "", "liked": "", "p_fulltime": ""}
    page = post(client, inv, values)
    assert page.status_code == 400
    html = page.content.decode()
    assert "Please fix this; your other answers are saved" in html
    assert "Please enter a number of months." in html
    assert not Response.objects.get(invitation=inv).submitted_at
    values["months_saved"] = "0"
    assert post(client, inv, values).status_code == 302
    assert Response.objects.get(invitation=inv).submitted_at is not None


def test_the_required_messages_per_type(client, program):
    inv = invitation(completed(program), SurveyKind.MENTOR_FINAL)
    page = post(client, inv, {})
    html = page.content.decode()
    assert page.status_code == 400
    assert "Please pick an answer." in html  # scales and single choices
    assert "Please enter a number of hours." not in html  # mentor hours are optional
    assert not Response.objects.filter(invitation=inv).exists()  # nothing to keep
