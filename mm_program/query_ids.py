"""Ids read from a query string (``?mentorship=3``, ``?ids=3,4``).

``int()`` alone takes what no id is ("-1", " 3", "٣", "1_000") and fails past 4,300
digits, and a number past the 64-bit ids the database holds fails the query itself
(``pk__in=[10**20]``: OverflowError on SQLite, "out of range" on PostgreSQL). These read
ASCII digits only, within the database's range; anything else is no id at all.
"""

MAX_ID = 2**63 - 1  # a BigAutoField's largest


def query_id(value: str) -> int | None:
    if not (value.isascii() and value.isdigit() and len(value) <= len(str(MAX_ID))):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def query_ids(value: str) -> list[int]:
    """The ids of a comma-separated list; none if any of them isn't one (a list that
    was tampered with selects nothing)."""
    ids = [query_id(part) for part in value.split(",") if part]
    return [] if None in ids else ids
