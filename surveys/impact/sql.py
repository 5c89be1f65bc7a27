"""Database expressions the impact queries (``surveys.impact.queries``) share: narrow
grouping keys, each answer's value as one column, and a date's parts done natively on
SQLite."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Case, F, Func, IntegerField, TextField, Value, When
from django.db.models.functions import Cast, ExtractMonth, ExtractYear

from surveys import question_types


class Unindexed(Func):
    """A column, as ``column + 0`` on SQLite: grouping by the bare column leads SQLite to
    walk its index, fetching each answer's survey at random (four times slower). Bare on
    PostgreSQL, whose planner has the column's statistics to estimate the groups."""

    template = "%(expressions)s"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="(%(expressions)s + 0)",
                           **extra_context)


def answer_value(question_rows: dict) -> Case:
    """The field each question's type stores its answers in, as text: nothing for free
    text (only counted), the text or the choices ticked (a JSON list) for a choice, else
    the number. The longest list is left to the ELSE: PostgreSQL costs each IN list per
    row, and a dearer CASE tips it from hashing the groups to sorting every answer."""
    free, by_field = [], defaultdict(list)
    for pk, q in sorted(question_rows.items()):
        reported = reported_as(q["type"])
        if reported == "text":
            free.append(pk)
        elif reported == "choices":
            by_field[stored_in(q["type"])].append(pk)
    whens = [When(question_id__in=free, then=Value(None))] if free else []
    whens += [When(question_id__in=by_field[name], then=field) for name, field in (
        ("text", F("text")), ("choices", Cast("choices", TextField())),
        ("number", Cast("number", TextField()))) if by_field[name]]
    return Case(*whens, default=Cast("number", TextField()), output_field=TextField())


def as_decimal(value) -> Decimal:
    """A number as the model reads it (SQLite hands back 7 for 7.0)."""
    return Decimal(str(value)).quantize(Decimal("0.1"))


def stored_in(type_name: str) -> str | None:
    try:
        return question_types.get(type_name).stored_in
    except question_types.UnknownQuestionType:
        return None


def reported_as(type_name: str) -> str | None:
    try:
        return question_types.get(type_name).reported_as
    except question_types.UnknownQuestionType:
        return None


class NativeOnSqlite:
    """On SQLite, Django extracts a date's parts in Python, one call per row (a third of
    a second over 10,000 mentorships' answers); SQLite's own strftime() does it in C."""

    part = ""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(strftime(%s, {sql}) AS INTEGER)", ("%" + self.part, *params)


class Year(NativeOnSqlite, ExtractYear):
    part = "Y"


class Month(NativeOnSqlite, ExtractMonth):
    part = "m"


def cohort_parts(prefix: str = "") -> dict:
    return {"year": Year(f"{prefix}start_date"), "month": Month(f"{prefix}start_date")}
