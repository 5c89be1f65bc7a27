"""How the import reads cells as Google Forms and spreadsheets write them, and what it
says about a cell it can't read."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from matching.imports.widgets import (
    ChoiceWidget,
    DayWidget,
    MomentWidget,
    MultiChoiceWidget,
    WholeNumberWidget,
    YesNoWidget,
)
from matching.models import MenteeApplication


@pytest.mark.parametrize("cell, expected", [
    ("2025/03/14 10:22:33", datetime(2025, 3, 14, 10, 22, 33)),  # Google Forms, plain
    ("3/14/2025 10:22:33", datetime(2025, 3, 14, 10, 22, 33)),  # its US locale
    ("2025-03-14T10:22:33", datetime(2025, 3, 14, 10, 22, 33)),
    (datetime(2025, 3, 14, 10, 22, 33), datetime(2025, 3, 14, 10, 22, 33)),  # XLSX
])
def test_timestamps_are_read_in_the_sites_zone(cell, expected):
    assert MomentWidget().clean(cell) == timezone.make_aware(expected)


def test_a_timestamp_with_its_own_offset_keeps_it():
    moment = MomentWidget().clean("2025/03/14 10:22:33 AM GMT+1")
    assert moment.utcoffset().total_seconds() == 3600
    assert (moment.hour, moment.minute) == (10, 22)


def test_a_day_from_a_spreadsheet_cell_or_text():
    assert DayWidget().clean(datetime(2025, 1, 10)) == date(2025, 1, 10)
    assert DayWidget().clean("2025-01-10") == date(2025, 1, 10)
    with pytest.raises(ValueError, match="is not a date"):
        DayWidget().clean("next Tuesday-ish")


def test_choices_by_label_or_value_however_written():
    occupation = ChoiceWidget(MenteeApplication.Occupation.choices)
    assert occupation.clean("master's student") == "masters"
    assert occupation.clean("MASTERS") == "masters"
    with pytest.raises(ValueError, match="“Astronaut” is not one of"):
        occupation.clean("Astronaut")


def test_several_choices_in_one_cell_as_google_forms_writes_checkboxes():
    courses = MultiChoiceWidget(MenteeApplication.Course.choices)
    first, second = MenteeApplication.Course.choices[:2]
    assert courses.clean(f"{first[1]}, {second[1]}") == [first[0], second[0]]
    assert courses.clean("") == []


def test_numbers_and_yes_no_refuse_in_words():
    hours = WholeNumberWidget(1, 80)
    assert hours.clean("8") == 8 and hours.clean(8.0) == 8 and hours.clean("") is None
    with pytest.raises(ValueError, match="a whole number from 1 to 80"):
        hours.clean("7.5")
    with pytest.raises(ValueError, match="“lots” is not a number"):
        hours.clean("lots")
    assert YesNoWidget().clean("Yes") is True and YesNoWidget().clean("") is False
    with pytest.raises(ValueError, match="write yes or no"):
        YesNoWidget().clean("maybe")
