"""One error summary for every refused form: ``{% error_summary form [more forms] %}``.

Each field's error links to ``#<the field's id>``, and every field renders an element with
that id: a single input is it, a group of choices (radio buttons, checkboxes) is wrapped
in it (``templates/bootstrap5/layout/radio_checkbox_select.html``, as Django's own
widgets do). static/js/app.js moves focus to the summary on load, and a link's click to
the field's first input, without putting the id in the address.
"""

from dataclasses import dataclass

from django import template
from django.utils.html import strip_tags

register = template.Library()


@dataclass(frozen=True)
class SummaryItem:
    message: str
    anchor: str = ""  # the id the link leads to; none for errors of the whole form
    label: str = ""


def summary_items(*forms) -> list[SummaryItem]:
    """Every error of the given forms (or lists of forms), in the order shown on the page:
    the whole form's first, then each field's."""
    items = []
    for form in _flat(forms):
        if not getattr(form, "errors", None):
            continue  # no form here (a page shown blank), or nothing refused
        items.extend(SummaryItem(str(error)) for error in form.non_field_errors())
        for field in form:
            for error in field.errors:
                items.append(SummaryItem(str(error), anchor=field.auto_id,
                                         label=strip_tags(str(field.label or field.name))))
    return items


def _flat(forms):
    for form in forms:
        if isinstance(form, list | tuple):
            yield from _flat(form)
        else:
            yield form


@register.inclusion_tag("_error_summary.html")
def error_summary(*forms, title: str = "", advice: str = "nothing you typed is lost"):
    """The summary box, or nothing when the forms have no errors."""
    items = summary_items(*forms)
    return {"items": items, "title": title, "advice": advice}
