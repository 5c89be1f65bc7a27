"""Pieces of Django's admin made valid HTML where the stock ones are not.

- **Rows of a table** (a change list's editable columns, a tabular inline's fields): Django
  names the field's help text in `aria-describedby`, but these tables show help text only
  in the column's header (or not at all), never under the id named. `RowForm` describes a
  field by its errors alone, which the tables do render with their id, and names it by its
  label (a row has no <label>).
- **Autocomplete selects**: Django gives a required one no empty choice (a required select
  must start with one) and an optional one an empty choice with no words. Here each starts
  with a choice that has a label; select2 shows the option's text, so the look is unchanged,
  and its empty box says what to choose (select2 names the box by that text).
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.db.models.fields import BLANK_CHOICE_DASH
from django.forms.boundfield import BoundField

NONE_CHOSEN = BLANK_CHOICE_DASH[0][1]


class RowBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        # No <label> in a table row: the column's header is the only name, which a screen
        # reader doesn't give a form field. The field's label is.
        attrs.setdefault("aria-label", self.label)
        return attrs

    @property
    def aria_describedby(self):
        if self.auto_id and not self.is_hidden and self.errors:
            return f"{self.auto_id}_error"
        return None


class RowForm(forms.ModelForm):
    bound_field_class = RowBoundField


class LabelledAutocompleteSelect(AutocompleteSelect):
    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        # select2 names its box by the text shown in it: with Django's empty placeholder,
        # an empty box had no name at all.
        attrs["data-placeholder"] = f"Choose {self.field.verbose_name}…"
        return attrs

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        options = groups[0][1]
        if options and options[0]["value"] == "":
            options.pop(0)  # Django's wordless empty choice (optional fields only)
        blank = self.create_option(name, "", "", not any(o["selected"] for o in options), 0)
        blank["attrs"]["label"] = NONE_CHOSEN
        options.insert(0, blank)
        return groups


class AdminFormsMixin:
    """For a ModelAdmin or an inline: autocomplete selects and editable change list
    columns as above."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = LabelledAutocompleteSelect(db_field, self.admin_site,
                                                          using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", RowForm)
        return super().get_changelist_form(request, **kwargs)


class TabularInline(AdminFormsMixin, admin.TabularInline):
    form = RowForm
