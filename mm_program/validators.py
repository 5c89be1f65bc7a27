import importlib.resources
import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError


@lru_cache(maxsize=1)
def known_zones() -> frozenset[str]:
    """Every zone name tzdata knows, read once per process: listing them walks the
    zoneinfo folders (a few thousand files), which made validating one interest form
    cost tens of milliseconds."""
    return frozenset(zoneinfo.available_timezones())


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    """The IANA zones people pick from: one current name per place, sorted, plus UTC.

    Taken from tzdata's zone.tab, which lists current names only, so that a place is
    never offered (or stored) under both its old and new name (Asia/Calcutta and
    Asia/Kolkata, Europe/Kiev and Europe/Kyiv).
    """
    table = importlib.resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text()
    names = {
        line.split("\t")[2]
        for line in table.splitlines()
        if line and not line.startswith("#")
    }
    return (*sorted(names & known_zones()), "UTC")


def validate_timezone(value: str) -> None:
    if value not in known_zones():
        raise ValidationError(
            "Pick your time zone from the list (for example Europe/Berlin).", code="timezone"
        )
