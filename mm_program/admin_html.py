"""HTML snippets for admin columns.

They carry classes from static/css/admin.css and never a style attribute: the
Content-Security-Policy (settings.CONTENT_SECURITY_POLICY) allows no inline styles, so a
browser would drop the colours of a style="..." badge.
"""

from django.utils.html import format_html

TONES = ("grey", "green", "amber", "red", "blue", "light")


def badge(tone: str, label) -> str:
    """A coloured pill; tone is one of TONES (anything else shows grey)."""
    return format_html('<span class="mm-badge mm-tone-{}">{}</span>',
                       tone if tone in TONES else "grey", label)


def coloured(tone: str, text, *, strong: bool = False, title: str = "") -> str:
    """Text in a tone's colour: green, red or grey (anything else shows grey)."""
    tag = "strong" if strong else "span"
    tone = tone if tone in ("green", "red", "grey") else "grey"
    if title:
        return format_html('<{} class="mm-text-{}" title="{}">{}</{}>', tag, tone, title,
                           text, tag)
    return format_html('<{} class="mm-text-{}">{}</{}>', tag, tone, text, tag)


def nowrap(text) -> str:
    return format_html('<span class="mm-nowrap">{}</span>', text)
