"""One date style everywhere: Django's own formatting (``date_format``, ``|date``, the
admin) writes dates as the templates do by hand, "2 Dec 2026"."""

from datetime import date, datetime

from django.template import Context, Template
from django.utils.formats import date_format, get_format

from matching.models import Phase


def test_date_format_writes_the_house_style():
    assert date_format(date(2026, 12, 10)) == "10 Dec 2026"
    assert date_format(datetime(2026, 12, 10, 15, 4), "DATETIME_FORMAT") == "10 Dec 2026, 15:04"
    assert Template("{{ d|date }}").render(Context({"d": date(2027, 2, 11)})) == "11 Feb 2027"


def test_input_formats_are_still_djangos():
    # The module overrides only how dates are written, not what forms accept.
    assert "%Y-%m-%d" in get_format("DATE_INPUT_FORMATS")


def test_a_refusal_names_its_date_in_the_house_style():
    from payments.services.grants import grant_refusal

    phase = Phase(name="Research", starts_on=date(2099, 12, 10), ends_on=date(2100, 1, 10),
                  grant=100, program_id=1)

    class Mentorship:
        program_id = 1
        status = "active"
    refusal = grant_refusal(mentorship=Mentorship(), phase=phase, requested=None,
                            today=date(2099, 12, 1))
    assert refusal == "Research begins on 10 Dec 2099: request its grant from then."
