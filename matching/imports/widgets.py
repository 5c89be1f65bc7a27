"""How a cell of a spreadsheet or a Google Forms export becomes a value (django-import-export
widgets). Each refuses in words a person can act on, shown at the cell in the preview:
the value it read and what it takes instead."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from dateutil import parser as dateparser
from django.utils import timezone
from import_export import widgets

from mm_program.validators import known_zones


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _key(text) -> str:
    """Letters and digits only, lower case: "Master's student" and "masters student"
    are the same answer."""
    return re.sub(r"[^0-9a-z]+", "", str(text).lower())


class TextWidget(widgets.Widget):
    """Text, trimmed, within the field's length."""

    def __init__(self, max_length: int | None = None):
        super().__init__()
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs):
        text = "" if blank(value) else str(value).strip()
        if self.max_length and len(text) > self.max_length:
            raise ValueError(f"{len(text)} characters: at most {self.max_length}.")
        return text


class EmailWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        text = super().clean(value).lower()
        if text and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
            raise ValueError(f"“{text}” is not an email address.")
        return text


class ChoiceWidget(widgets.Widget):
    """One of the field's choices, by its value or its label ("masters" or "Master's
    student"), however it is capitalised or punctuated."""

    def __init__(self, choices):
        super().__init__()
        self.choices = list(choices)
        self.lookup = {}
        for value, label in self.choices:
            self.lookup[_key(value)] = value
            self.lookup[_key(label)] = value

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return ""
        found = self.lookup.get(_key(value))
        if found is None:
            allowed = "; ".join(str(label) for _, label in self.choices)
            raise ValueError(f"“{value}” is not one of: {allowed}.")
        return found


def _split(value) -> list[str]:
    """A cell holding several answers: separated by semicolons, or by commas as Google
    Forms writes its checkboxes."""
    text = str(value)
    parts = text.split(";") if ";" in text else text.split(",")
    return [part.strip() for part in parts if part.strip()]


class MultiChoiceWidget(ChoiceWidget):
    """Several choices in one cell (a list of values)."""

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return []
        return [ChoiceWidget.clean(self, part) for part in _split(value)]


class NamedRowsWidget(widgets.Widget):
    """Several rows of a table named in one cell (research areas by name)."""

    def __init__(self, queryset, field: str = "name"):
        super().__init__()
        self.queryset = queryset
        self.field = field
        self._by_key = None

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return []
        if self._by_key is None:  # once per import, not per row
            self._by_key = {_key(getattr(obj, self.field)): obj for obj in self.queryset}
        found, unknown = [], []
        for part in _split(value):
            obj = self._by_key.get(_key(part))
            (found if obj is not None else unknown).append(obj or part)
        if unknown:
            known = "; ".join(getattr(obj, self.field) for obj in self._by_key.values())
            raise ValueError(f"Unknown: {', '.join(unknown)}. Known: {known}.")
        return found


class YesNoWidget(widgets.Widget):
    YES = {"yes", "y", "true", "1", "x", "ja", "oui"}
    NO = {"no", "n", "false", "0", ""}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip().lower()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(f"“{value}”: write yes or no.")


class WholeNumberWidget(widgets.Widget):
    def __init__(self, low: int, high: int):
        super().__init__()
        self.low, self.high = low, high

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return None
        try:
            number = float(str(value).strip().replace(",", "."))
        except ValueError:
            raise ValueError(f"“{value}” is not a number.") from None
        if number != int(number) or not self.low <= number <= self.high:
            raise ValueError(f"{value}: a whole number from {self.low} to {self.high}.")
        return int(number)


def _parse(value) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    try:  # Google Forms' own, the common case: fast
        return datetime.strptime(text, "%Y/%m/%d %H:%M:%S")
    except ValueError:
        pass
    # Google Forms writes "2025/03/14 10:22:33 AM GMT+1" or "3/14/2025 10:22:33".
    try:
        return dateparser.parse(re.sub(r"\bGMT(?=[+-])", "", text))
    except (ValueError, OverflowError):
        raise ValueError(f"“{value}” is not a date (write it as 2025-03-14).") from None


class DayWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return None if blank(value) else _parse(value).date()


class MomentWidget(widgets.Widget):
    """A date and time; one without a zone is taken in the site's."""

    def clean(self, value, row=None, **kwargs):
        if blank(value):
            return None
        moment = _parse(value)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment


class TimeZoneWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        text = super().clean(value)
        if text and text not in known_zones():
            raise ValueError(f"“{text}” is not a time zone's name (write it as "
                             "Europe/Berlin or America/New_York).")
        return text
