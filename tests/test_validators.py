import pytest
from django.core.exceptions import ValidationError

from mm_program import validators


def test_it_accepts_a_known_zone_and_refuses_an_unknown_one():
    validators.validate_timezone("Europe/Berlin")
    validators.validate_timezone("Asia/Calcutta")  # old names stay valid for stored rows
    with pytest.raises(ValidationError):
        validators.validate_timezone("Mars/Olympus_Mons")


def test_it_reads_the_zone_list_once(monkeypatch):
    validators.known_zones.cache_clear()
    calls = []
    real = validators.zoneinfo.available_timezones
    monkeypatch.setattr(validators.zoneinfo, "available_timezones",
                        lambda: calls.append(1) or real())
    for _ in range(3):
        validators.validate_timezone("Europe/Berlin")
    assert len(calls) == 1
