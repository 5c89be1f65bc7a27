"""Hostile form input for the fuzz tests (tests/test_fuzz_*.py), and the checks they share.

Every fuzz test posts what these strategies make to one form and asserts the two
properties of issue 8: never a server error, and never a partial save (the rows a post
touches are either all there, as a success makes them, or none of them). Two thirds of
what is posted is a valid form with up to two fields spoiled, so that the tests reach the code
behind validation too, not only the first error message.

Posts are encoded here, not by the test client: the client refuses lone surrogates
(``\\ud800``), which a hostile browser can still send as the bytes ``ED A0 80``.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from urllib.parse import urlencode

from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import models, transaction
from django.http import QueryDict
from django.test import Client
from hypothesis import event, settings
from hypothesis import strategies as st

# The thorough profile (HYPOTHESIS_PROFILE=thorough, see tests/conftest.py) runs this many
# times the examples that CI runs.
SCALE = 20 if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 1


def examples(count: int) -> settings:
    """`count` examples per run in CI, more under the thorough profile; no deadline, because a
    100,000-character post on a busy 2-core machine is slow and that is not a bug."""
    return settings(max_examples=count * SCALE, deadline=None)


# Inputs that broke real Django sites: NUL (PostgreSQL text and jsonb refuse it), lone
# surrogates, bidi overrides, numbers Python parses but a database column can't hold,
# dates that don't exist or that date arithmetic can't go past.
NASTY = [
    "", " ", "\t\n", "\x00", "a\x00b", "\x00" * 3, "\ud800", "x\udfffy", "\u202egnp.exe",
    "\u200f\u200e", "\ufeff", "\u0301", "👩🏽‍🔬", "ｆｕｌｌｗｉｄｔｈ", "İı", "ß", "ﬃ",
    "<script>alert(1)</script>", "{{ 7|add:7 }}", "%s%(x)s{0}", "' OR 1=1 --", "\\",
    "1e309", "-1e309", "NaN", "-NaN", "Infinity", "-0", "0x1A", "1_000", "٣", "𝟠", "²",
    "9" * 25, "9" * 5000, "-9223372036854775809", "1" + "0" * 400, "0.000000000001",
    "2026-02-30", "0000-01-01", "0001-01-01", "9999-12-31", "10000-01-01", "2026-13-01",
    "1970-01-01T00:00:00Z", "03/02/2026", "true", "on", "null", "[]", "{}", "None",
    # Addresses an EmailValidator takes (up to 320 characters) but a 254-character
    # column can't hold, international ones, and near misses.
    "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "org", "ada@exämple.org", "ädä@example.org",
    "ada@example.org\n", "ada@@example.org", "ada@localhost", "@", "ada@example.org,x@y.z",
]

# Characters of every kind, surrogates included (st.text() leaves them out), with the
# troublemakers drawn far more often than their share of Unicode.
any_character = st.one_of(
    st.sampled_from("\x00\ud800\u202e\u200f\ufeff\u0301\n "),
    st.characters(codec=None, exclude_categories=()),
)
short_text = st.text(alphabet=any_character, max_size=40)
# Over 100,000 characters: a few seeds repeated, so that drawing one stays cheap.
huge_text = st.builds(
    lambda seed, size: (seed * (size // len(seed) + 1))[:size],
    st.sampled_from(["x", "é", "👩‍🔬", "\u202e", "a\x00", "1", " "]),
    st.integers(100_001, 120_000),
)
numbers_as_text = st.one_of(
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
hostile_scalar = st.one_of(
    st.sampled_from(NASTY), short_text, numbers_as_text, huge_text,
    st.dates().map(str), st.datetimes().map(str), st.emails(),
)
# Values of the right kind that a form should still refuse or survive: dates at the ends
# of what Python's date can hold, integers past every column's range, long addresses.
hostile_dates = st.one_of(
    st.sampled_from(["9999-12-31", "9999-06-30", "0001-01-01", "0000-01-01", "2026-02-30",
                     "2026-2-3", " 2026-01-05 ", "2026-01-05\x00", "10000-01-01"]),
    st.dates().map(str),
)
hostile_numbers = st.one_of(
    st.sampled_from(["0", "-1", "-0", "0.5", "1,5", " 7 ", "٣", "1e309", "NaN", "Infinity",
                     "32768", "2147483648", "9223372036854775808", "9" * 25, "9" * 5000]),
    st.integers().map(str),
)
hostile_emails = st.one_of(
    st.sampled_from([value for value in NASTY if "@" in value]),
    st.emails(),
    st.emails().map(lambda email: "x" * (250 - len(email) % 250) + email),
)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def like(value):
    """Hostile values of the kind `value` is, so that spoiling one field of a valid form
    mostly gets past the field's type check and reaches the code behind it."""
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return hostile_dates
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
        return hostile_numbers
    if isinstance(value, str) and "@" in value:
        return hostile_emails
    return hostile_scalar


# A list where a single value is expected (and the other way round): repeated keys.
hostile_value = st.one_of(hostile_scalar, st.lists(hostile_scalar, min_size=2, max_size=4))
field_names = st.one_of(st.sampled_from(["csrfmiddlewaretoken", "action", "submit", "id", "pk",
                                         "user", "status", "program", "next", "decline",
                                         "accept", "back", "\x00"]),
                        short_text)


@st.composite
def near_valid(draw, valid: dict, *, spoil: int = 2):
    """`valid` with up to `spoil` fields dropped, blanked or replaced by hostile values,
    and sometimes an unknown field or two."""
    data = dict(valid)
    keys = sorted(data)
    chosen = draw(st.lists(st.sampled_from(keys), max_size=spoil, unique=True)) if keys else []
    for key in chosen:
        how = draw(st.sampled_from(["drop", "blank", "hostile", "like", "like", "pad"]))
        if how == "drop":
            del data[key]
        elif how == "blank":
            data[key] = ""
        elif how == "pad" and isinstance(data[key], str):
            # Valid, with invisible or surrounding junk: the normalising paths.
            data[key] = draw(st.sampled_from([" ", "\u200f", "\x00", "\ufeff"])) + data[key] \
                + draw(st.sampled_from(["", " ", "\x00", "\n"]))
        elif how == "like":
            data[key] = draw(like(data[key]))
        else:
            data[key] = draw(hostile_value)
    if draw(st.integers(0, 3)) == 0:
        data.update(draw(st.dictionaries(field_names, hostile_value, max_size=2)))
    return data


def garbage(keys):
    """Every one of `keys` hostile or missing, plus unknown fields."""
    return st.fixed_dictionaries({}, optional={key: hostile_value for key in keys}).flatmap(
        lambda data: st.dictionaries(field_names, hostile_value, max_size=3).map(
            lambda extra: {**extra, **data}))


def posts(valid: dict, *, spoil: int = 2):
    """Mostly near-valid forms, the rest garbage."""
    return st.one_of(near_valid(valid, spoil=spoil), near_valid(valid, spoil=spoil),
                     garbage(sorted(valid)))


def sent(data: dict, key: str) -> bool:
    """Whether `key` reaches the view (an empty list sends nothing)."""
    return key in data and data[key] != []


def posted(data: dict, key: str):
    """The value Django reads for `key`: the last of a repeated key."""
    value = data.get(key)
    if isinstance(value, list):
        return value[-1] if value else None
    return value


def received(data: dict) -> QueryDict:
    """What the view reads from `data`, decoded as Django decodes a post."""
    return QueryDict(encode(data))


def encode(data: dict) -> bytes:
    """An application/x-www-form-urlencoded body, lists as repeated keys; lone
    surrogates go out as the bytes a careless encoder makes (surrogatepass)."""
    return urlencode(data, doseq=True, errors="surrogatepass").encode("ascii")


def post(client: Client, url: str, data: dict, **extra):
    return client.post(url, encode(data), content_type="application/x-www-form-urlencoded",
                       **extra)


# --- the properties -----------------------------------------------------------------------

def rows(*querysets) -> list[list[dict]]:
    """Every column of every row of `querysets`, to compare before and after a post."""
    return [list(qs.order_by("pk").values()) for qs in querysets]


def assert_refused(response, *, status: int = 400) -> None:
    """A refused form: the summary of what to fix at the top of the page."""
    assert response.status_code == status
    assert "mm-error-summary" in response.content.decode()


def table(model_or_through) -> type[models.Model]:
    return getattr(model_or_through, "through", model_or_through)


def counts(tables) -> dict[str, int]:
    return {t._meta.label: t.objects.count() for t in map(table, tables)}


def changes(before: dict[str, int], tables) -> dict[str, int]:
    """{table: rows added (or removed)} since `before`, for the tables that changed."""
    after = counts(tables)
    return {name: after[name] - before[name] for name in after if after[name] != before[name]}


def label(model_or_through) -> str:
    return table(model_or_through)._meta.label


@contextmanager
def isolated():
    """One example: empty rate-limit counters, and every row it writes rolled back, so
    examples neither see each other's applications nor trip the per-client limits."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def too_big(data: dict) -> bool:
    """Whether Django refuses the post before any view sees it (RequestDataTooBig)."""
    return len(encode(data)) > django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def assert_refused_as_too_big(response) -> None:
    """The 400 page says what to do: shorten the long answers (going back in the browser
    keeps what was typed)."""
    assert response.status_code == 400
    assert "shorten long answers" in response.content.decode()


def assert_no_server_error(response) -> None:
    # Shown by --hypothesis-show-statistics: how many examples got through to a success.
    event(f"HTTP {response.status_code}")
    assert response.status_code < 500, response.status_code
