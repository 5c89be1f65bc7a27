"""One rule for every CSV cell a spreadsheet opens (mm_program/spreadsheets.py)."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils.translation import gettext_lazy

from mm_program.spreadsheets import spreadsheet_cell, spreadsheet_row


@pytest.mark.parametrize("text", [
    "=HYPERLINK(\"http://evil.example\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A2)", "\tSUM", "\r=1", "|calc", "%0A=1",
])
def test_text_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert spreadsheet_cell(text) == "'" + text
    assert spreadsheet_row(["Ada", text, 3]) == ["Ada", "'" + text, 3]


@pytest.mark.parametrize("value", ["Ada Lovelace", "", "a=b", "2026-12-02", "-1", "-1.5",
                                   "+44", "1e-3", 7, 2.5, Decimal("-3.10"), True])
def test_plain_text_and_numbers_are_written_as_they_are(value):
    assert spreadsheet_cell(value) == value
    assert spreadsheet_row([value]) == [value]


def test_none_lists_and_other_values():
    assert spreadsheet_cell(None) == "" and spreadsheet_row([None]) == [""]
    assert spreadsheet_row([["Interpretability", "=evil"]]) == ["Interpretability; =evil"]
    assert spreadsheet_row([["=evil", "Interpretability"]]) == ["'=evil; Interpretability"]
    assert spreadsheet_cell(date(2026, 12, 2)) == "2026-12-02"
    assert spreadsheet_cell(gettext_lazy("=label")) == "'=label"
