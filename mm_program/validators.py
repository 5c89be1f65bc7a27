import zoneinfo
from functools import lru_cache

from django.core.exceptions import ValidationError


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    """IANA zone names, sorted, without the legacy aliases (`US/Eastern`, `Etc/GMT+5`)."""
    names = zoneinfo.available_timezones()
    return tuple(
        sorted(
            n for n in names
            if "/" in n and not n.startswith(("Etc/", "SystemV/", "US/", "posix/", "right/"))
        )
        + ["UTC"]
    )


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "Pick your time zone from the list (for example Europe/Berlin).", code="timezone"
        )
