"""Small helpers for the survey and impact templates."""

from django import template

from surveys.permissions import is_organizer as _is_organizer

register = template.Library()


@register.filter
def is_organizer(user) -> bool:
    return _is_organizer(user)


@register.filter
def signed(value, digits: int = 1) -> str:
    """+12.5, −3.0, 0.0: a change with its sign."""
    if value is None:
        return "–"
    text = f"{abs(value):.{int(digits)}f}"
    if round(value, int(digits)) > 0:
        return f"+{text}"
    if round(value, int(digits)) < 0:
        return f"\u2212{text}"
    return text


@register.filter
def num(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:,.{int(digits)}f}"


@register.filter
def pct(value) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}%"


@register.filter
def index(values, i):
    """values[i], or None past the end."""
    try:
        return values[int(i)]
    except (IndexError, TypeError, ValueError):
        return None
