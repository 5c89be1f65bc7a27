"""Every submitted answer, one row each, as CSV or XLSX: what an evaluator loads into R or
a spreadsheet to check the dashboard, or to ask what it doesn't.

Pseudonymised by default: a respondent is a stable code (the same person has the same
code in every survey and every export, so answers can be joined), not a name. The code is
an HMAC of the person's id with the site's secret, so it can't be reversed without it.
Names and emails are added only when an organizer asks (``names=True``). Cells go through
``mm_program.spreadsheets.spreadsheet_row``, the one rule against formula injection, in
both formats (a spreadsheet runs a formula from an XLSX string cell as well).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.crypto import salted_hmac

from mm_program.spreadsheets import csv_pieces, spreadsheet_row
from surveys import question_types
from surveys.models import Answer

HEADER = ["respondent", "program", "survey", "months_after", "mentorship_ended",
          "submitted_on", "question_key", "question", "type", "value"]
IDENTITY = ["name", "email"]
SALT = "surveys.impact.raw_export"


def pseudonym(user_id: int) -> str:
    return "R-" + salted_hmac(SALT, str(user_id)).hexdigest()[:10]


def _rows(program_ids, *, names: bool) -> Iterator[list]:
    answers = Answer.objects.filter(response__submitted_at__isnull=False)
    if program_ids is not None:
        answers = answers.filter(response__program_id__in=program_ids)
    # The ticked choices as their JSON text, read only for a choice question: decoding
    # every answer's list took a tenth of the export.
    answers = answers.annotate(choices_json=Cast("choices", TextField()))
    fields = ["response__invitation__person_id", "response__program__name",
              "response__invitation__kind", "response__invitation__months_after",
              "response__invitation__mentorship__status", "response__submitted_at",
              "question__key", "question__text", "question__type", "number", "text",
              "choices_json"]
    if names:
        fields += ["response__invitation__person__name",
                   "response__invitation__person__email"]
    rows = (answers.order_by("response__submitted_at", "response_id", "question__order",
                             "question_id").values_list(*fields))
    # Worked out once per person and type, not per answer (the HMAC was a third of it).
    stored, codes = {}, {}
    for row in rows.iterator(chunk_size=2000):
        (person, program, kind, months, status, submitted, key, text, type_name,
         number, words, choices, *identity) = row
        if type_name not in stored:
            try:
                stored[type_name] = question_types.get(type_name).stored_in
            except question_types.UnknownQuestionType:
                stored[type_name] = "text"
        if person not in codes:
            codes[person] = pseudonym(person)
        where = stored[type_name]
        if where == "number":
            value = float(number) if number is not None else None
        elif where == "choices":
            value = json.loads(choices) if choices else []
        else:
            value = words
        yield [codes[person], program, kind, months or "", status,
               submitted.date().isoformat(), key, text, type_name, value, *identity]


def header(*, names: bool) -> list[str]:
    return [*HEADER, *IDENTITY] if names else list(HEADER)


def csv_chunks(program_ids, *, names: bool = False) -> Iterator[str]:
    """The CSV in pieces of about 64 kB (for a streaming response; a piece per line made
    300,000 of them)."""
    yield from csv_pieces(header(names=names), _rows(program_ids, names=names), bom=True)


def xlsx_bytes(program_ids, *, names: bool = False) -> bytes:
    """The XLSX workbook (openpyxl's write-only mode: rows are not kept in memory)."""
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("answers")
    sheet.append(header(names=names))
    for row in _rows(program_ids, names=names):
        sheet.append(spreadsheet_row(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
