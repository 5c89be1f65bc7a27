"""Form fields more than one form uses."""

from functools import lru_cache

from django import forms

from .validators import timezone_names


@lru_cache(maxsize=1)
def timezone_choices() -> tuple[tuple[str, str], ...]:
    return (("", "Select your time zone"),
            *((name, name.replace("_", " ")) for name in timezone_names()))


@lru_cache(maxsize=1)
def _timezone_set() -> frozenset[str]:
    return frozenset(timezone_names())


class TimezoneField(forms.ChoiceField):
    """A pick from timezone_names(), preset in the browser to its own zone.

    The few hundred choices are built once per process, listed only when the field is
    rendered, and a posted value is checked against a set. Setting them on every form and
    scanning them to validate was a tenth of an application POST's CPU time."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", timezone_choices)
        super().__init__(**kwargs)
        self.widget.attrs["data-browser-timezone"] = "true"

    def valid_value(self, value) -> bool:
        if getattr(self.choices, "func", None) is not timezone_choices:
            return super().valid_value(value)  # a form gave it choices of its own
        return str(value) in _timezone_set()
