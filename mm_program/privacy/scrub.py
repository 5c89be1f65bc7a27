"""The low-level moves of erasure: clear fields on rows and on their change history, and
cut a person's name and addresses out of text that other rows copied them into.

Every helper here also rewrites the rows of the model's django-simple-history table, found
from the model itself: a history table that keeps the old values would undo the erasure.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Iterable

from django.core.exceptions import FieldError
from django.db import models
from simple_history.exceptions import NotHistoricalModelError
from simple_history.utils import get_history_model_for_model

# What replaces a name or an address inside a longer text (a message, a run's inputs).
MARK = "[erased]"
# Shorter names would match ordinary words ("Al", "Bo") in other people's text.
MIN_NEEDLE = 3


def history_model(model: type[models.Model]) -> type[models.Model] | None:
    """The simple_history model recording `model`'s changes, if it has one."""
    try:
        return get_history_model_for_model(model)
    except NotHistoricalModelError:
        return None


def _history_rows(model: type[models.Model], pks):
    """The history rows of the rows `pks` (ids, or a values("pk") queryset) of `model`."""
    hist = history_model(model)
    if hist is None:
        return None
    if not isinstance(pks, models.QuerySet):
        pks = list(pks)
    return hist._default_manager.filter(**{f"{model._meta.pk.attname}__in": pks})


def clear(model: type[models.Model], where: models.Q | Iterable, **values) -> int:
    """Set `values` on the rows of `model` that `where` (a Q, or ids) selects, and on
    every history row of them.

    Given a Q, the history rows it selects are cleared too, so the versions of a row
    deleted since (a meeting removed as a duplicate) lose the text as well; a Q the
    history model cannot read (a field it leaves out) falls back to the live rows' ids.
    A queryset update: no save() (a paid stipend request refuses one), no signal, and
    so no new history row carrying the old values."""
    is_q = isinstance(where, models.Q)
    live = model._default_manager.filter(where if is_q else models.Q(pk__in=list(where)))
    pks = list(live.values_list("pk", flat=True))
    changed = model._default_manager.filter(pk__in=pks).update(**values) if pks else 0
    rows = _history_rows(model, pks)
    if rows is None:
        return changed
    names = {f.name for f in rows.model._meta.concrete_fields}
    kept = {name: value for name, value in values.items() if name in names}
    if not kept:
        return changed
    if is_q:
        with contextlib.suppress(FieldError):
            rows = rows.model._default_manager.filter(
                models.Q(**{f"{model._meta.pk.attname}__in": pks}) | where)
    rows.update(**kept)
    return changed


def scrub_history_fields(model: type[models.Model], pks, fields: Iterable[str],
                         pattern: re.Pattern | None, found: list[str]) -> int:
    """Cut the needles out of `fields` in the history rows of `pks` (a list or a values
    queryset): older versions may hold a text the current row no longer has."""
    rows = _history_rows(model, pks)
    if rows is None or pattern is None:
        return 0
    names = {f.name for f in rows.model._meta.concrete_fields}
    fields = [name for name in fields if name in names]
    if not fields:
        return 0
    changed = 0
    for row in rows.filter(text_filter(fields, found)).only("pk", *fields):
        updates = {name: scrub(getattr(row, name), pattern) for name in fields}
        updates = {name: value for name, value in updates.items()
                   if value != getattr(row, name)}
        if updates:
            rows.model._default_manager.filter(pk=row.pk).update(**updates)
            changed += 1
    return changed


def needles(*values: str) -> list[str]:
    """The strings that identify a person in text: names and addresses as given, and as
    an HTML email body escapes them (O'Brien is O&#x27;Brien there)."""
    found = set()
    for value in values:
        value = " ".join((value or "").split())
        if len(value) >= MIN_NEEDLE:
            found.add(value)
            found.add(html.escape(value))
    return sorted(found, key=len, reverse=True)


def first_names(*names: str) -> list[str]:
    """The first word of each full name, as a name is written (capitalised), when it is
    long enough to be told from an ordinary word (see MIN_NEEDLE)."""
    found = set()
    for name in names:
        words = (name or "").split()
        if len(words) > 1 and len(words[0]) >= MIN_NEEDLE:
            found.add(words[0][:1].upper() + words[0][1:])
    return sorted(found, key=len, reverse=True)


def name_pattern(found: list[str]) -> re.Pattern | None:
    """Like pattern_for, but matching case: a first name such as "Grace" or "Will" is cut
    where it is written as a name, never where it is an ordinary lowercase word."""
    if not found:
        return None
    alternatives = "|".join(re.escape(value) for value in found)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")


def pattern_for(found: list[str]) -> re.Pattern | None:
    """One case-insensitive pattern for all needles, whole words only, so erasing "Ana
    Costa" leaves "Mariana Costa" alone."""
    if not found:
        return None
    alternatives = "|".join(re.escape(value) for value in found)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def scrub(value, pattern: re.Pattern | None):
    """`value` with every needle replaced by MARK; JSON-like structures are walked."""
    if pattern is None or value is None:
        return value
    if isinstance(value, str):
        return pattern.sub(MARK, value)
    if isinstance(value, list):
        return [scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: scrub(item, pattern) for key, item in value.items()}
    return value


def text_filter(fields: Iterable[str], found: list[str]) -> models.Q:
    """Rows whose `fields` contain any needle (a coarse database filter; `scrub` decides)."""
    q = models.Q()
    for field in fields:
        for value in found:
            q |= models.Q(**{f"{field}__icontains": value})
    return q


def scrub_rows(queryset: models.QuerySet, fields: list[str], pattern: re.Pattern | None,
               found: list[str]) -> int:
    """Cut the needles out of `fields` of the rows of `queryset` that contain them, and out
    of those rows' history. Returns how many rows changed."""
    if pattern is None:
        return 0
    model = queryset.model
    changed = []
    for row in queryset.filter(text_filter(fields, found)).only("pk", *fields):
        updates = {name: scrub(getattr(row, name), pattern) for name in fields}
        updates = {name: value for name, value in updates.items()
                   if value != getattr(row, name)}
        if updates:
            model._default_manager.filter(pk=row.pk).update(**updates)
            changed.append(row.pk)
    scrub_history_fields(model, queryset.values("pk"), fields, pattern, found)
    return len(changed)
