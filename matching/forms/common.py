"""What the forms of matching share: a service's refusal on the form, plain-words errors
and dates, a crispy layout, safe choices, links that must be https, and the honeypot's
name."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import format_html

HONEYPOT_FIELD = "website"


class FoldedFieldset(Fieldset):
    """Optional questions folded behind a native <details> disclosure whose summary says
    what is inside: a person who needs none of it reads one line (issue 18 counts every
    word read), and opens it without a script. It is open whenever one of its fields has
    an error or an answer other than its initial one, so that an error summary's link
    lands on a shown field and nothing typed is ever hidden."""

    template = "matching/layout/folded_fieldset.html"

    def __init__(self, summary, *fields, **kwargs):
        super().__init__(summary, *fields, **kwargs)
        self.is_open = False

    def render(self, form, context, template_pack=None, **kwargs):
        self.is_open = form.is_bound and any(
            form[name].errors or form.fields[name].has_changed(form[name].initial,
                                                                 form[name].data)
            for name in self.fields if isinstance(name, str) and name in form.fields)
        return super().render(form, context, **({"template_pack": template_pack}
                                                if template_pack else {}), **kwargs)


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal shown on the form that asked: an error naming one of the
    form's fields at that field, any other (and "__all__") above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def max_length_message(limit: int) -> str:
    return (
        f"Please keep this under {limit:,} characters "
        "(it has %(show_value)s now): a few sentences are plenty."
    )


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, except that an id too large for the database is refused like any other
    unknown choice. SQLite can't take such a number as a query parameter, and Django's
    `__in` lookup passes it on (unlike `exact`), so a hand-made post was a server error."""

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except OverflowError:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice",
                params={"value": max(map(str, value), key=len)},
            ) from None


def https_urls(model_field, **kwargs):
    """Model form fields as usual, but a URL typed without a scheme gets https://, and
    many-to-many choices refuse ids the database can't hold."""
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    if isinstance(model_field, models.ManyToManyField):
        kwargs.setdefault("form_class", SafeModelMultipleChoiceField)
    return model_field.formfield(**kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_text(value) -> str:
    return f"{value.day} {value:%b %Y}"


class PlainWordsForm(forms.Form):
    """Optional fields say so in their label; long texts stay a few lines high."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_optional(self)


def mark_optional(form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            continue  # a lone checkbox is optional by nature
        if not field.required and field.label and "(optional)" not in str(field.label):
            field.label = format_html(
                "{} <span class='text-body-secondary fw-normal'>(optional)</span>", field.label
            )
        if isinstance(field.widget, forms.Textarea) and \
                str(field.widget.attrs.get("rows", "10")) == "10":  # Django's default
            field.widget.attrs["rows"] = 3


def crispy_helper(form, *layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's <form> carries the token
    helper.layout = Layout(*layout)
    return helper
