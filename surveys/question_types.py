"""Survey question types: one class per type, registered here, and nothing about a type
written anywhere else.

A type says what it accepts and how the app treats its answers:

- ``clean(question, raw)``: what the browser sent (a string, or a list for a type whose
  answer is several values) as the value to store, or a ValidationError with a message a
  person can act on; a blank answer is None. The survey form and the autosave both go
  through it, so every value the database holds was checked here.
- ``to_fields(value)``: the ``Answer`` fields that store it (``stored_in``); and back,
  ``initial(answer)`` to fill the form in again, ``as_text(answer)`` for the admin and a
  person's data export.
- ``template_name`` and ``widget(question)``: the fragment that draws its inputs
  (``templates/surveys/questions/``) and what that fragment reads besides the question.
- ``reported_as``: how the impact pages report its answers: ``"numbers"`` (a histogram,
  the mean and its confidence interval), ``"choices"`` (counts per value) or ``"text"`` (a
  readable, searchable list); and which named figures it can feed
  (``surveys.named_figures``).
- ``seconds``: how long it takes to answer, for the "about N minutes" on page and email.
- ``free_text``: its answers are the person's own words, which an erasure clears.

``Question.type`` stores a type's ``name`` (20 characters at most). Its choices are
``choices()``, a callable, so a new type needs no migration. ``get(name)`` raises
UnknownQuestionType for a name no class is registered for: an answer is never guessed
to be text.

A new type takes a class here with ``@register``, a fragment in
``templates/surveys/questions/`` (unless it reuses one) and a test.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import ClassVar, Literal

from django.core.exceptions import ValidationError
from django.utils.text import slugify

Storage = Literal["number", "text", "choices"]
Reported = Literal["numbers", "choices", "text"]

_REGISTRY: dict[str, BaseType] = {}


class UnknownQuestionType(LookupError):
    """A question's type that no class is registered for."""

    def __init__(self, name: str):
        super().__init__(
            f"Survey question type {name!r} is not registered in surveys.question_types "
            f"(registered: {', '.join(_REGISTRY)})")
        self.name = name


def register(cls: type[BaseType]) -> type[BaseType]:
    """Class decorator: make `cls` the type of questions whose ``type`` is ``cls.name``."""
    if cls.name in _REGISTRY:
        raise ValueError(f"Survey question type {cls.name!r} is registered twice")
    _REGISTRY[cls.name] = cls()
    return cls


def get(name: str) -> BaseType:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownQuestionType(name) from None


def of(question) -> BaseType:
    """The type of `question` (anything with a ``type``: a Question, a historical one)."""
    return get(question.type)


def all_types() -> list[BaseType]:
    return list(_REGISTRY.values())


def choices() -> list[tuple[str, str]]:
    """``Question.type``'s choices, in the order the types were registered."""
    return [(t.name, t.label) for t in _REGISTRY.values()]


def names_where(**attributes) -> tuple[str, ...]:
    """The names of the types whose class attributes have these values, for queries:
    ``names_where(free_text=True)``."""
    return tuple(t.name for t in _REGISTRY.values()
                 if all(getattr(t, k) == v for k, v in attributes.items()))


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


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _without_nul(raw):
    """`raw` without NUL characters: PostgreSQL refuses them in text, and nobody types one
    (they come with text pasted from a binary file or sent by a bot)."""
    if isinstance(raw, str):
        return raw.replace("\x00", "")
    if isinstance(raw, list):
        return [_without_nul(value) for value in raw]
    return raw


class BaseType:
    """What every type has; the defaults are those of a one-line text answer."""

    name: ClassVar[str]
    label: ClassVar[str]
    seconds: ClassVar[int]
    template_name: ClassVar[str]
    stored_in: ClassVar[Storage] = "text"
    reported_as: ClassVar[Reported] = "text"
    free_text: ClassVar[bool] = False
    # Several inputs in a fieldset (radio buttons, checkboxes) instead of one input under
    # its label: the page's error summary then links the first of them.
    grouped: ClassVar[bool] = False
    # The answer is a list: every ticked box of the field's name.
    many: ClassVar[bool] = False
    required_message: ClassVar[str] = "Please write an answer."

    def clean(self, question, raw):
        """The value to store for `raw`, or ValidationError. A blank answer is None (the
        caller decides whether the question may stay blank)."""
        raw = _without_nul(raw)
        if self.is_blank(raw):
            return None
        return self.parse(question, raw)

    def is_blank(self, raw) -> bool:
        if self.many:
            return not [v for v in (raw or []) if str(v).strip()]
        return raw is None or str(raw).strip() == ""

    def parse(self, question, raw):
        """`raw` (not blank) as the value to store, or ValidationError."""
        raise NotImplementedError

    def from_post(self, post, name: str):
        return post.getlist(name) if self.many else post.get(name)

    def form_value(self, raw) -> str | list[str]:
        """`raw` (as sent, or as ``initial`` gave it) the way the fragment compares it."""
        if self.many:
            return [str(v) for v in (raw or [])]
        return "" if raw is None else str(raw)

    def widget(self, question) -> dict:
        """What the fragment reads besides the question, its value and its error."""
        return {}

    def to_fields(self, value) -> dict:
        """The Answer fields that store `value`."""
        fields = {"number": None, "text": "", "choices": []}
        fields[self.stored_in] = list(value) if self.stored_in == "choices" else value
        return fields

    def initial(self, answer) -> str | list[str]:
        """What to put back in the form for a stored answer."""
        return answer.text

    def as_text(self, answer) -> str:
        return answer.text


# --- Numbers -----------------------------------------------------------------------------

class _Numeric(BaseType):
    stored_in = "number"
    reported_as = "numbers"

    def initial(self, answer) -> str:
        return _fmt(answer.number)

    def as_text(self, answer) -> str:
        return _fmt(answer.number)


class Scale(_Numeric):
    """A whole number picked from a row of buttons."""

    low: ClassVar[int]
    high: ClassVar[int]
    seconds = 8
    template_name = "surveys/questions/scale.html"
    grouped = True
    required_message = "Please pick an answer."

    def parse(self, question, raw) -> Decimal:
        message = f"Pick a whole number from {self.low} to {self.high}."
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise ValidationError(message, code="invalid") from None
        if not self.low <= value <= self.high:
            raise ValidationError(message, code="range")
        return Decimal(value)

    def widget(self, question) -> dict:
        return {"scale": [str(v) for v in range(self.low, self.high + 1)],
                "ends": bool(question.low_label or question.high_label)}


@register
class Scale0To10(Scale):
    name, label = "scale_0_10", "Scale 0–10"
    low, high = 0, 10


@register
class Scale1To10(Scale):
    name, label = "scale_1_10", "Scale 1–10"
    low, high = 1, 10


# Whatever people type around a number: "15%", "15 pp", "3 months", "7,5 h".
_UNIT_WORDS = re.compile(
    r"(%|percent(age)?( points?)?|pp|points?|months?|mo|hours?|hrs?|h)\s*$", re.IGNORECASE
)
# ... and before it: the questions say a rough guess is fine, and people say so.
_ROUGHLY = re.compile(
    r"^(about|around|approx(imately|\.(?=\s))?|roughly|circa|ca(\.(?=\s))?|c\.(?=\s)|~|\u2248)"
    r"\s*", re.IGNORECASE)


class Number(_Numeric):
    """A number typed with its unit beside it, to one decimal place. A question may narrow
    or widen the type's range (``min_value``, ``max_value``)."""

    low: ClassVar[Decimal]
    high: ClassVar[Decimal]
    unit: ClassVar[str]  # beside the input and in messages
    example: ClassVar[str]
    # Words for the unit people may type after the number, besides the common ones above
    # (a regular expression's alternatives: r"years?|yrs?").
    unit_words: ClassVar[str] = ""
    # Phones' decimal keypads have no minus sign: only for a type that can't be negative.
    inputmode: ClassVar[str] = ""
    seconds = 20
    template_name = "surveys/questions/number.html"

    @property
    def required_message(self) -> str:
        return f"Please enter a number of {self.unit}."

    def bounds(self, question) -> tuple[Decimal, Decimal]:
        low = question.min_value if question.min_value is not None else self.low
        high = question.max_value if question.max_value is not None else self.high
        return low, high

    def parse(self, question, raw) -> Decimal:
        low, high = self.bounds(question)
        text = _UNIT_WORDS.sub("", str(raw).strip()).strip()
        if self.unit_words:
            text = re.sub(rf"({self.unit_words})\s*$", "", text, flags=re.IGNORECASE).strip()
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
                f"Enter a number of {self.unit}, like {self.example}.", code="invalid")
        if value < low or value > high:
            raise ValidationError(
                f"Enter a number from {_fmt(low)} to {_fmt(high)} {self.unit}.", code="range")
        if value != value.quantize(Decimal("0.1")):
            raise ValidationError("Round it to one decimal place at most.", code="precision")
        return value.quantize(Decimal("0.1"))

    def widget(self, question) -> dict:
        return {"unit": self.unit, "inputmode": self.inputmode}


@register
class PercentagePoints(Number):
    name, label = "percentage_points", "Percentage points"
    low, high, unit, example = Decimal(-100), Decimal(100), "percentage points", "15 or -5"


@register
class Months(Number):
    name, label = "months", "Months"
    low, high, unit, example = Decimal(-120), Decimal(120), "months", "3 or 0.5"


@register
class Hours(Number):
    name, label = "hours", "Hours"
    low, high, unit, example = Decimal(0), Decimal(5000), "hours", "60 or 7.5"
    inputmode = "decimal"


# --- Choices -----------------------------------------------------------------------------

class _Choice(BaseType):
    """Answers among the question's ``choices`` (``Question.choice_list()``)."""

    template_name = "surveys/questions/choice.html"
    grouped = True
    reported_as = "choices"

    def widget(self, question) -> dict:
        return {"options": question.choice_list(),
                "input_type": "checkbox" if self.many else "radio"}


@register
class SingleChoice(_Choice):
    name, label = "single_choice", "Single choice"
    seconds = 8
    required_message = "Please pick an answer."

    def parse(self, question, raw) -> str:
        value = str(raw).strip()
        if value not in dict(question.choice_list()):
            raise ValidationError("Pick one of the answers offered.", code="choice")
        return value


@register
class MultipleChoice(_Choice):
    name, label = "multiple_choice", "Multiple choice"
    seconds = 12
    stored_in = "choices"
    many = True
    required_message = "Please pick at least one answer."

    def parse(self, question, raw) -> list[str]:
        allowed = [value for value, _ in question.choice_list()]
        values = [str(v).strip() for v in raw if str(v).strip()]
        if any(v not in allowed for v in values):
            raise ValidationError("Pick only among the answers offered.", code="choice")
        return sorted(set(values), key=allowed.index)

    def initial(self, answer) -> list[str]:
        return list(answer.choices)

    def as_text(self, answer) -> str:
        return ", ".join(answer.choices)


# --- Texts -------------------------------------------------------------------------------

class Text(BaseType):
    max_length: ClassVar[int]
    free_text = True

    def parse(self, question, raw) -> str:
        text = str(raw).strip()
        if len(text) > self.max_length:
            raise ValidationError(
                f"Please keep this under {self.max_length} characters (it has {len(text)}).",
                code="long")
        return text


@register
class ShortText(Text):
    name, label = "short_text", "Short text"
    max_length = 300
    seconds = 30
    template_name = "surveys/questions/short_text.html"


@register
class LongText(Text):
    name, label = "long_text", "Long text"
    max_length = 3000
    seconds = 60
    template_name = "surveys/questions/long_text.html"


# --- Added later: registered after the first nine, so that the order of the stored names
# (and of the admin's choices) stays as it was -------------------------------------------

@register
class Percent(Number):
    """A share of something, 0 to 100 ("how much of the program's value came from your
    mentor?")."""

    name, label = "percent", "Percent (0–100)"
    low, high, unit, example = Decimal(0), Decimal(100), "percent", "60"
    inputmode = "decimal"


@register
class MoneyUSD(Number):
    """An amount of money in US dollars, as the MATS survey asks its grant-equivalent
    valuation ("$750", "1,500 USD" and "about 2000 dollars" are all 2000-ish)."""

    name, label = "money_usd", "Amount in US dollars"
    low, high, unit, example = Decimal(0), Decimal(1_000_000), "US dollars", "750"
    unit_words = r"usd|us\$|dollars?|\$"
    inputmode = "decimal"

    def parse(self, question, raw):
        # "$750", "about US$ 2,000": the sign before the number goes too.
        return super().parse(question, re.sub(r"(us\$|\$|usd)\s*(?=[\d.,+-])", "",
                                              str(raw), flags=re.IGNORECASE))


_LINK = re.compile(r"https?://[^\s/$.?#][^\s]*", re.IGNORECASE)


@register
class Links(Text):
    """Web addresses, one per line (publications, projects): each must be a full http(s)
    link, so the list organizers read is one click per item. Stored one per line."""

    name, label = "links", "Links (one per line)"
    max_length = 3000
    max_links = 20
    seconds = 45
    template_name = "surveys/questions/long_text.html"

    def parse(self, question, raw) -> str:
        lines = [line.strip() for line in str(raw).splitlines() if line.strip()]
        fixed = []
        for line in lines:
            if not line.lower().startswith(("http://", "https://")) and "." in line \
                    and " " not in line:
                line = "https://" + line  # "arxiv.org/abs/…" as people paste it
            if not _LINK.fullmatch(line):
                raise ValidationError(
                    f"“{line[:60]}” is not a web address: put one link per line, like "
                    "https://arxiv.org/abs/2301.00001.", code="link")
            fixed.append(line)
        if len(fixed) > self.max_links:
            raise ValidationError(f"Please keep it to {self.max_links} links at most.",
                                  code="many")
        return super().parse(question, "\n".join(fixed))
