"""Import in the organizer area: upload → map the columns (once per source) → a dry run
that previews every row with its errors at the cell → confirm, which writes.

django-import-export's ``ImportMixin`` gives the URLs (``import/``, ``process_import/``),
the changelist's Import button and the temporary file; the steps are ours because the
mapping step sits between upload and preview. Both runs (the dry run and the confirmed
one) process the whole file in one transaction: the dry run rolls it back, and a
confirmed run that meets an error rolls back too, so a file goes in whole or not at all.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from import_export.admin import ImportMixin
from import_export.results import RowResult

from matching.models import ImportSource, Program
from matching.scoping import organized_programs
from mm_program.roles import is_organizer

from .base import NON_FIELD
from .forms import FORMATS, ConfirmForm, ImportStartForm, MappingForm, format_for
from .resources import RESOURCES

logger = logging.getLogger(__name__)

TYPE_LABELS = {RowResult.IMPORT_TYPE_NEW: "New", RowResult.IMPORT_TYPE_UPDATE: "Update",
               RowResult.IMPORT_TYPE_SKIP: "Already here",
               RowResult.IMPORT_TYPE_INVALID: "Error", RowResult.IMPORT_TYPE_ERROR: "Error"}


class ImportFlowMixin(ImportMixin):
    import_kind = ""  # an ImportKind value: which resource
    import_template = "admin/matching/import.html"

    # --- who and where -------------------------------------------------------------------

    def has_import_permission(self, request):
        opts = self.opts
        return is_organizer(request.user) and request.user.has_perm(
            f"{opts.app_label}.add_{opts.model_name}")

    def import_programs(self, request):
        """The programs this person may import into: the ones they organize."""
        return organized_programs(request.user)

    @property
    def resource_class(self):
        return RESOURCES[self.import_kind]

    # --- the steps -----------------------------------------------------------------------

    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        programs = self.import_programs(request)
        if request.method == "POST" and request.POST.get("step") == "map":
            return self._after_mapping(request, programs)
        form = ImportStartForm(request.POST or None, request.FILES or None,
                               kind=self.import_kind, programs=programs)
        if request.method != "POST" or not form.is_valid():
            return self._page(request, "start", form=form)
        upload = form.cleaned_data["import_file"]
        fmt = format_for(upload.name)
        storage = self.write_to_tmp_storage(upload, FORMATS[fmt]())
        carried = {"import_file_name": storage.name, "original_file_name": upload.name,
                   "format": fmt, "program": form.cleaned_data["program"].pk,
                   "notify": form.cleaned_data["notify"]}
        dataset = self._read(carried)
        if dataset is None or not dataset.headers:
            form.add_error("import_file", "This file could not be read as a table with a "
                                          "header row: save it as CSV (UTF-8) or .xlsx.")
            return self._page(request, "start", form=form)
        program = form.cleaned_data["program"]
        source = form.cleaned_data["source"] or self._source_for(program, dataset.headers)
        if source is None and all(self.resource_class.guess(h) for h in dataset.headers
                                  if h):
            return self._dry_run(request, carried, dataset, None)
        if source is not None and source.knows(dataset.headers):
            return self._dry_run(request, carried, dataset, source)
        return self._mapping_page(request, carried, dataset, programs, source)

    def _source_for(self, program, headers):
        for source in ImportSource.objects.filter(program=program, kind=self.import_kind):
            if source.knows(headers):
                return source
        return None

    def _read(self, carried):
        fmt = FORMATS[carried["format"]]()
        storage = self.get_tmp_storage_class()(
            name=carried["import_file_name"],
            encoding=None if fmt.is_binary() else self.from_encoding,
            read_mode=fmt.get_read_mode(), **self.get_tmp_storage_class_kwargs())
        try:
            return fmt.create_dataset(storage.read())
        except Exception:  # noqa: BLE001 - any unreadable file gets the same answer
            logger.info("Unreadable import file", exc_info=True)
            return None

    def _mapping_page(self, request, carried, dataset, programs, source, data=None):
        resource = self.resource_class
        guesses = {h: (source.columns.get(h, "") if source else "") or resource.guess(h)
                   for h in dataset.headers}
        samples = {i: next((str(v) for v in dataset.get_col(i) if v not in (None, "")), "")
                   for i in range(len(dataset.headers))}
        initial = {**carried, "source_name": source.name if source else
                   carried["original_file_name"].rsplit(".", 1)[0][:120]}
        form = MappingForm(data, initial=initial, headers=dataset.headers, resource=resource,
                           guesses=guesses, samples=samples, programs=programs)
        if data is not None and form.is_valid():
            return form
        return self._page(request, "map", form=form, file_name=carried["original_file_name"])

    def _after_mapping(self, request, programs):
        carried_form = ConfirmForm(request.POST, programs=programs)
        if not carried_form.is_valid():
            raise PermissionDenied  # a tampered form: the program isn't theirs
        carried = {key: carried_form.cleaned_data[key] for key in (
            "import_file_name", "original_file_name", "format", "notify")}
        carried["program"] = carried_form.cleaned_data["program"].pk
        dataset = self._read(carried)
        if dataset is None:
            messages.error(request, "The uploaded file is gone: send it again.")
            return HttpResponseRedirect(reverse(f"admin:{self._info()}_import"))
        form = self._mapping_page(request, carried, dataset, programs, None, data=request.POST)
        if not isinstance(form, MappingForm):
            return form  # the page again, with the errors
        data = form.cleaned_data
        source, _ = ImportSource.objects.update_or_create(
            program=data["program"], kind=self.import_kind, name=data["source_name"],
            defaults={"columns": data["columns"], "created_by": request.user})
        return self._dry_run(request, carried, dataset, source)

    def _resource(self, request, program, source, notify):
        return self.resource_class(program=program, user=request.user, notify=notify,
                                   columns=source.columns if source else {})

    def _dry_run(self, request, carried, dataset, source):
        program = Program.objects.get(pk=carried["program"])
        headers = list(dataset.headers)
        resource = self._resource(request, program, source, carried["notify"])
        result = resource.import_data(dataset, dry_run=True, raise_errors=False,
                                      user=request.user)
        confirm = None
        if not result.has_errors() and not result.has_validation_errors():
            confirm = ConfirmForm(initial={**carried, "source": source.pk if source else ""})
        return self._page(request, "preview", confirm=confirm, source=source,
                          program=program, notify=carried["notify"],
                          **preview(result, resource, headers))

    def process_import(self, request, **kwargs):
        if request.method != "POST":
            raise PermissionDenied
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ConfirmForm(request.POST, programs=self.import_programs(request))
        if not form.is_valid():
            raise PermissionDenied
        data = form.cleaned_data
        dataset = self._read(data)
        if dataset is None:
            messages.error(request, "The uploaded file is gone: send it again.")
            return HttpResponseRedirect(reverse(f"admin:{self._info()}_import"))
        headers = list(dataset.headers)
        resource = self._resource(request, data["program"], data["source"], data["notify"])
        result = resource.import_data(dataset, dry_run=False, raise_errors=False,
                                      use_transactions=True,
                                      rollback_on_validation_errors=True, user=request.user)
        if result.has_errors() or result.has_validation_errors():
            messages.error(request, "Nothing was imported: rows changed since the preview. "
                                    "Their errors are below.")
            return self._page(request, "preview", confirm=None, program=data["program"],
                              source=data["source"], notify=data["notify"],
                              **preview(result, resource, headers))
        self._remove(data)
        totals = result.totals
        new = totals[RowResult.IMPORT_TYPE_NEW]
        changed = totals[RowResult.IMPORT_TYPE_UPDATE]
        skipped = totals[RowResult.IMPORT_TYPE_SKIP]
        messages.success(request, f"Imported into {data['program']}: {new} new, "
                                  f"{changed} updated, {skipped} already here"
                                  + (". The people imported are being emailed."
                                     if data["notify"] and new else
                                     "; nobody was emailed."))
        return HttpResponseRedirect(reverse(f"admin:{self._info()}_changelist"))

    def _remove(self, carried):
        fmt = FORMATS[carried["format"]]()
        self.get_tmp_storage_class()(name=carried["import_file_name"],
                                     read_mode=fmt.get_read_mode()).remove()

    def _info(self):
        return f"{self.opts.app_label}_{self.opts.model_name}"

    def _page(self, request, step, **context):
        return TemplateResponse(request, self.import_template, {
            **self.admin_site.each_context(request), "opts": self.opts, "step": step,
            "title": f"Import {self.resource_class._meta.name.lower()}",
            "columns": self.resource_class.columns(), **context})


def preview(result, resource, headers) -> dict:
    """Every row of a run, each cell with its value and its errors, for the page."""
    keys = resource.renamed_headers(headers)
    shown = [c for c in resource.columns() if c.key in keys]
    header_of = {key: header for key, header in zip(keys, headers, strict=False)}
    rows = []
    for number, row in enumerate(result.rows, start=2):  # line 1 holds the headers
        values = row.row_values or {}
        by_column = {}
        if row.validation_error is not None:
            by_column = row.validation_error.message_dict
        problems = list(by_column.get(NON_FIELD, []))
        for error in row.errors:
            logger.warning("Import row %s failed: %r", number, error.error)
            problems.append(f"Unexpected error: {error.error}")
        rows.append({
            "line": number, "type": TYPE_LABELS.get(row.import_type, row.import_type),
            "is_error": bool(by_column or row.errors), "problems": problems,
            "cells": [{"value": values.get(c.key, ""), "errors": by_column.get(c.key, [])}
                      for c in shown]})
    totals = {"new": 0, "update": 0, "skip": 0, "error": 0}
    body = mark_safe("".join(_row_html(row) for row in rows))  # noqa: S308 - escaped
    for row, shown_row in zip(result.rows, rows, strict=True):
        kind = "error" if shown_row["is_error"] else row.import_type
        totals[kind] = totals.get(kind, 0) + 1
    # Errors of the file as a whole (a batch of rows the database refused): no cell to
    # show them at, so above the table.
    file_errors = []
    for error in result.base_errors:
        logger.warning("Import failed: %r", error.error)
        file_errors.extend(getattr(error.error, "messages", None) or [str(error.error)])
    return {"shown": [(c, header_of.get(c.key, "")) for c in shown], "rows": rows,
            "body": body, "totals": totals, "error_rows": totals["error"],
            "file_errors": file_errors}


def _errors_html(errors) -> str:
    return "".join(f'<div class="mm-cell-error">{escape(e)}</div>' for e in errors)


def _row_html(row: dict) -> str:
    """One row of the preview. Written here rather than in the template: a 10,000-row
    preview took the template engine 19 s, this a tenth of it."""
    cells = []
    for cell in row["cells"]:
        value = "" if cell["value"] is None else str(cell["value"])
        bad = ' class="mm-cell-bad"' if cell["errors"] else ""
        cells.append(f"<td{bad}>{escape(Truncator(value).chars(80))}"
                     f"{_errors_html(cell['errors'])}</td>")
    error = ' class="mm-import-error"' if row["is_error"] else ""
    return (f"<tr{error}><td>{row['line']}</td><td>{escape(row['type'])}"
            f"{_errors_html(row['problems'])}</td>{''.join(cells)}</tr>")
