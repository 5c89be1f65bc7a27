"""The import pages' forms: the file, the columns' mapping, the confirmation."""

from __future__ import annotations

import os

from django import forms
from import_export.formats.base_formats import CSV, XLSX

from matching.models import ImportSource, Program

FORMATS = {"csv": CSV, "xlsx": XLSX}
MAX_BYTES = 20 * 1024 * 1024


def format_for(name: str) -> str:
    return "xlsx" if name.lower().endswith((".xlsx", ".xlsm")) else "csv"


class _Carried(forms.Form):
    """What the later steps carry from the first: the file kept on the server, its
    program, the mapping and whether to email people."""

    import_file_name = forms.CharField(widget=forms.HiddenInput())
    original_file_name = forms.CharField(widget=forms.HiddenInput())
    format = forms.ChoiceField(choices=[(k, k) for k in FORMATS], widget=forms.HiddenInput())
    program = forms.ModelChoiceField(queryset=Program.objects.none(),
                                     widget=forms.HiddenInput())
    notify = forms.BooleanField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, programs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs if programs is not None \
            else Program.objects.all()

    def clean_import_file_name(self):
        # The name of a file in the temporary folder, never a path elsewhere.
        return os.path.basename(self.cleaned_data["import_file_name"])


class ImportStartForm(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none())
    import_file = forms.FileField(
        label="File", help_text="CSV (a Google Forms export: Responses → Download) or an "
                                "Excel workbook (.xlsx, its first sheet). The first row "
                                "names the columns.")
    source = forms.ModelChoiceField(
        queryset=ImportSource.objects.none(), required=False, label="Column mapping",
        empty_label="Find it by the file's columns",
        help_text="Saved the first time you import from a source. Left on the first "
                  "choice, a mapping that knows every column of the file is used; "
                  "otherwise you map the columns next.")
    notify = forms.BooleanField(
        required=False, label="Email the people imported",
        help_text="Off: nobody hears of the import. On: each gets the emails the forms "
                  "and decisions would send (confirmation, decision, introduction, "
                  "surveys).")

    def __init__(self, *args, kind: str, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs
        if programs.count() == 1:
            self.fields["program"].initial = programs.first()
        self.fields["source"].queryset = ImportSource.objects.filter(
            kind=kind, program__in=programs).select_related("program")

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The file is over 20 MB: split it.")
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise forms.ValidationError("Send a .csv or an .xlsx file.")
        return upload

    def clean(self):
        data = super().clean()
        source, program = data.get("source"), data.get("program")
        if source and program and source.program_id != program.pk:
            self.add_error("source", f"This mapping is for {source.program}.")
        return data


class MappingForm(_Carried):
    """One choice per column of the file: the field it fills, or left out."""

    source_name = forms.CharField(
        max_length=120, label="Save this mapping as",
        help_text="Next time, pick it (or let the file's columns find it).")

    def __init__(self, *args, headers=(), resource=None, guesses=None, samples=None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.resource = resource
        self.headers = list(headers)
        choices = [("", "— leave this column out —")] + [
            (c.key, c.label + (" (required)" if c.required else ""))
            for c in resource.columns()]
        for index, header in enumerate(self.headers):
            field = forms.ChoiceField(choices=choices, required=False, label=header or
                                      f"(column {index + 1}, no header)")
            field.initial = (guesses or {}).get(header, "")
            field.sample = (samples or {}).get(index, "")
            self.fields[f"column_{index}"] = field

    def column_fields(self):
        return [self[f"column_{index}"] for index in range(len(self.headers))]

    def clean(self):
        data = super().clean()
        chosen: dict[str, str] = {}
        for index, header in enumerate(self.headers):
            key = data.get(f"column_{index}", "")
            if key and key in chosen.values():
                self.add_error(f"column_{index}", "Another column already fills this field.")
            chosen[header] = key
        missing = [c.label for c in self.resource.columns()
                   if c.required and c.key not in chosen.values()]
        if missing:
            raise forms.ValidationError(f"No column fills: {', '.join(missing)}.")
        data["columns"] = chosen
        return data


class ConfirmForm(_Carried):
    source = forms.ModelChoiceField(queryset=ImportSource.objects.all(), required=False,
                                    widget=forms.HiddenInput())
