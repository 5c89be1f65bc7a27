"""Cells for the CSV files people open in a spreadsheet: one rule against formula injection.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-``, ``@`` (and, in some
programs, a tab, a carriage return, ``|`` or ``%``) as a formula, so a name like
``=HYPERLINK("http://evil")`` typed into a form would run on an organizer's machine
(OWASP, "CSV Injection"). Every export writes its cells through here: such text gets a
leading apostrophe, which spreadsheets show as plain text. A number written as text
("-1.5") is left alone: a spreadsheet reads it as the number it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "|", "%")
# Values a spreadsheet can't read as a formula, written as they are.
_PLAIN = frozenset({int, float, Decimal, bool})


def spreadsheet_cell(value):
    """`value` as a CSV cell: None blank, numbers as they are, a list joined with "; ",
    anything else as its text, defused when a spreadsheet would take it for a formula."""
    if value is None:
        return ""
    if value.__class__ in _PLAIN:
        return value
    if isinstance(value, (list, tuple)):
        value = "; ".join(str(item) for item in value)
    text = str(value)
    if text.startswith(FORMULA_START) and not _is_number(text):
        return "'" + text
    return text


def spreadsheet_row(values: Iterable) -> list:
    """The cells of one row. Plain text and numbers, nearly every cell of an export, skip
    the function call: a 10,000-row export makes a quarter of a million cells."""
    return [
        value if (value.__class__ is str and not value.startswith(FORMULA_START))
        or value.__class__ in _PLAIN else spreadsheet_cell(value)
        for value in values
    ]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
