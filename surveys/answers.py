"""What each question type accepts, with a message a person can act on.

``clean_answer(question, raw)`` turns what the browser sent (a string, or a list for
multiple choice) into the stored value, or raises ValidationError. The survey form and the
partial saves both go through it, so a value the database holds was always checked here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from .models import QuestionType

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 3000


@dataclass(frozen=True)
class NumberRule:
    low: Decimal
    high: Decimal
    unit: str  # for messages: "percentage points", "months", "hours"
    example: str


# The defaults of the number types; a question may narrow or widen them (min/max_value).
NUMBER_RULES = {
    QuestionType.PERCENTAGE_POINTS: NumberRule(Decimal(-100), Decimal(100),
                                               "percentage points", "15 or -5"),
    QuestionType.MONTHS: NumberRule(Decimal(-120), Decimal(120), "months", "3 or 0.5"),
    QuestionType.HOURS: NumberRule(Decimal(0), Decimal(5000), "hours", "60 or 7.5"),
}
SCALE_RANGES = {QuestionType.SCALE_0_10: (0, 10), QuestionType.SCALE_1_10: (1, 10)}

# Whatever people type around a number: "15%", "15 pp", "3 months", "7,5 h".
_UNIT_WORDS = re.compile(
    r"(%|percent(age)?( points?)?|pp|points?|months?|mo|hours?|hrs?|h)\s*$", re.IGNORECASE
)


def parse_choices(text: str) -> list[tuple[str, str]]:
    """One choice per line, "value | Label" or just "Label" (the value is then its slug)."""
    result = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if "|" in line:
            value, label = (part.strip() for part in line.split("|", 1))
        else:
            value, label = slugify(line).replace("-", "_"), line
        if value:
            result.append((value, label or value))
    return result


def number_rule(question) -> NumberRule:
    rule = NUMBER_RULES[question.type]
    low = question.min_value if question.min_value is not None else rule.low
    high = question.max_value if question.max_value is not None else rule.high
    return NumberRule(low, high, rule.unit, rule.example)


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def is_blank(question, raw) -> bool:
    if question.type == QuestionType.MULTIPLE_CHOICE:
        return not [v for v in (raw or []) if str(v).strip()]
    return raw is None or str(raw).strip() == ""


def required_message(question) -> str:
    if question.type in (QuestionType.SCALE_0_10, QuestionType.SCALE_1_10,
                         QuestionType.SINGLE_CHOICE):
        return "Please pick an answer."
    if question.type == QuestionType.MULTIPLE_CHOICE:
        return "Please pick at least one answer."
    if question.type in NUMBER_RULES:
        return f"Please enter a number of {NUMBER_RULES[question.type].unit}."
    return "Please write an answer."


def _without_nul(raw):
    """`raw` without NUL characters: PostgreSQL refuses them in text, and nobody types one
    (they come with text pasted from a binary file or sent by a bot)."""
    if isinstance(raw, str):
        return raw.replace("\x00", "")
    if isinstance(raw, list):
        return [_without_nul(value) for value in raw]
    return raw


def clean_answer(question, raw):
    """The value to store for `raw`, or ValidationError. A blank answer is None (the caller
    decides whether the question may stay blank)."""
    raw = _without_nul(raw)
    if is_blank(question, raw):
        return None
    kind = question.type
    if kind in SCALE_RANGES:
        return _scale(raw, *SCALE_RANGES[kind])
    if kind in NUMBER_RULES:
        return _number(raw, number_rule(question))
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        return _choices(question, raw)
    limit = SHORT_TEXT_MAX if kind == QuestionType.SHORT_TEXT else LONG_TEXT_MAX
    text = str(raw).strip()
    if len(text) > limit:
        raise ValidationError(
            f"Please keep this under {limit} characters (it has {len(text)}).", code="long")
    return text


def _scale(raw, low: int, high: int) -> Decimal:
    message = f"Pick a whole number from {low} to {high}."
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ValidationError(message, code="invalid") from None
    if not low <= value <= high:
        raise ValidationError(message, code="range")
    return Decimal(value)


# ... and before it: the questions say a rough guess is fine, and people say so.
_ROUGHLY = re.compile(
    r"^(about|around|approx(imately|\.(?=\s))?|roughly|circa|ca(\.(?=\s))?|c\.(?=\s)|~|\u2248)"
    r"\s*", re.IGNORECASE)


def _number(raw, rule: NumberRule) -> Decimal:
    text = _UNIT_WORDS.sub("", str(raw).strip()).strip()
    text = _ROUGHLY.sub("", text).strip()
    text = text.replace("\u2212", "-").replace(" ", "")
    if re.fullmatch(r"[+-]?[1-9]\d{0,2}(,\d{3})+", text):  # thousands: "1,500 hours"
        text = text.replace(",", "")
    elif re.fullmatch(r"[+-]?\d+,\d+", text):  # a decimal comma: "7,5"
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise ValidationError(
            f"Enter a number of {rule.unit}, like {rule.example}.", code="invalid")
    if value < rule.low or value > rule.high:
        raise ValidationError(
            f"Enter a number from {_fmt(rule.low)} to {_fmt(rule.high)} {rule.unit}.",
            code="range")
    if value != value.quantize(Decimal("0.1")):
        raise ValidationError("Round it to one decimal place at most.", code="precision")
    return value.quantize(Decimal("0.1"))


def _choices(question, raw):
    allowed = dict(question.choice_list())
    if question.type == QuestionType.SINGLE_CHOICE:
        value = str(raw).strip()
        if value not in allowed:
            raise ValidationError("Pick one of the answers offered.", code="choice")
        return value
    values = [str(v).strip() for v in raw if str(v).strip()]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError("Pick only among the answers offered.", code="choice")
    order = list(allowed)
    return sorted(set(values), key=order.index)


def to_fields(question, value) -> dict:
    """The Answer fields that store `value`."""
    if question.type in (QuestionType.SCALE_0_10, QuestionType.SCALE_1_10) or \
            question.type in NUMBER_RULES:
        return {"number": value, "text": "", "choices": []}
    if question.type == QuestionType.MULTIPLE_CHOICE:
        return {"number": None, "text": "", "choices": list(value)}
    return {"number": None, "text": value, "choices": []}


def from_answer(question, answer) -> str | list[str]:
    """What to put back in the form for a stored answer."""
    if answer.number is not None:
        return _fmt(answer.number)
    if question.type == QuestionType.MULTIPLE_CHOICE:
        return list(answer.choices)
    return answer.text
