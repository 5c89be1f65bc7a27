"""Cells for the CSV files people open in a spreadsheet: one rule against formula injection.

A spreadsheet reads a cell that starts with ``=``, ``+``, ``-``, ``@`` (and, in some
programs, a tab, a carriage return, ``|`` or ``%``) as a formula, so a name like
``=HYPERLINK("http://evil")`` typed into a form would run on an organizer's machine
(OWASP, "CSV Injection"). Every export writes its cells through here: such text gets a
leading apostrophe, which spreadsheets show as plain text. A number written as text
("-1.5") is left alone: a spreadsheet reads it as the number it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

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


# The size of each piece of a streamed CSV export.
CSV_CHUNK = 64 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_pieces(headers: Iterable, rows: Iterable[Iterable], *, bom: bool = False):
    """A CSV of `headers` and `rows` (each through ``spreadsheet_row``) in pieces of about
    64 kB, for a streaming response: a piece per line would make hundreds of thousands.
    `bom` starts it with a byte-order mark, by which Excel reads it as UTF-8."""
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(spreadsheet_row(row))
        if buffer.tell() >= CSV_CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def spreadsheet_response(*, name: str, headers: list[str], rows: Iterable[Iterable],
                         fmt: str = "csv") -> HttpResponse:
    """An export as a download named `name`-<date and time>: a CSV streamed in 64 kB
    pieces, or an XLSX workbook (`fmt` "xlsx"). Every cell goes through
    ``spreadsheet_row``, in both formats: a workbook takes "=..." for a formula too."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        book = Workbook(write_only=True)
        sheet = book.create_sheet(name[:31])
        sheet.append(headers)
        for row in rows:
            # A workbook refuses control characters that a CSV (and a form) let through.
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", cell) if isinstance(cell, str)
                          else cell for cell in spreadsheet_row(row)])
        body = io.BytesIO()
        book.save(body)
        response = HttpResponse(body.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
        return response

    response = StreamingHttpResponse(csv_pieces(headers, rows),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    return response
