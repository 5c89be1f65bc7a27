"""What every import shares, on django-import-export's resources.

Why this library, and where it stops. django-import-export (maintained, Django 5.2
supported, 4.x) reads CSV and XLSX through tablib, runs every row inside one transaction
that a dry run rolls back, reports each row as new, skipped or invalid with a
``ValidationError`` per field, and brings the admin's upload → preview → confirm flow
with its temporary file. That is the generic part, and we take it. What it can't do for
us is write: its ``save()`` of a model instance would skip the rules of the services
(capacity, decisions, who gets emailed), and its bulk mode skips even ``save()``. So
each resource here cleans cells with the library's widgets and then hands the row to a
service (``matching.services.imports``); the column mapping step it lacks is ours
(``matching.models.ImportSource``).

A resource's columns are ``Column``s: a key (the field), a label and the header names it
is known by in other sources (aliases). An import is idempotent: each resource knows a
row's key (an application's email, a pair's two addresses and start, a meeting's pair,
day and minutes); a row whose key is already there is skipped when nothing changed.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.encoding import force_str
from import_export import fields, resources

from .widgets import blank

NON_FIELD = "__all__"


class Column(fields.Field):
    """One column an import reads: `key` names it (and, by default, the model field it
    fills); `aliases` are headers other sources give it ("Email address")."""

    def __init__(self, key: str, label: str, widget, *, required: bool = False,
                 aliases: tuple[str, ...] = (), model_field: bool = True):
        super().__init__(attribute=key if model_field else f"imported_{key}",
                         column_name=key, widget=widget)
        self.key = key
        self.label = label
        self.required = required
        self.aliases = aliases


class ServiceResource(resources.ModelResource):
    """A resource whose rows are written by a service (``save_row``), found again by a
    key (``row_key`` and ``load_existing``), and checked cell by cell."""

    kind = ""  # an ImportKind value

    class Meta:
        skip_diff = True
        store_row_values = True
        report_skipped = True
        clean_model_instances = False
        use_transactions = True

    def __init__(self, *, program=None, user=None, notify: bool = False,
                 columns: dict | None = None, **kwargs):
        super().__init__(**kwargs)
        self.program = program
        self.user = user
        self.notify = notify
        self.mapping = columns or {}
        self.existing: dict = {}
        self._row: dict = {}

    # --- the columns ---------------------------------------------------------------------

    @classmethod
    def columns(cls) -> list[Column]:
        """The columns in the order the resource lists them (its Meta.fields)."""
        return [cls.fields[name] for name in cls._meta.fields or ()
                if isinstance(cls.fields.get(name), Column)]

    @classmethod
    def column(cls, key: str) -> Column | None:
        return next((c for c in cls.columns() if c.key == key), None)

    @classmethod
    def guess(cls, header: str) -> str:
        """The column a header most likely is (its key, label or an alias), or ""."""
        wanted = _words(header)
        for column in cls.columns():
            names = (column.key, column.label, *column.aliases)
            if any(_words(name) == wanted for name in names):
                return column.key
        return ""

    def renamed_headers(self, headers) -> list[str]:
        """The file's headers as column keys, by the mapping (or a header that already is
        a key or label); a column left out gets a name no column has."""
        keys = []
        for index, header in enumerate(headers):
            header = "" if header is None else str(header)
            key = self.mapping.get(header) if header in self.mapping else self.guess(header)
            keys.append(key or f"(left out {index})")
        return keys

    # --- the import's own steps --------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        dataset.headers = self.renamed_headers(dataset.headers or [])
        self.existing = self.load_existing(dataset)

    def load_existing(self, dataset) -> dict:
        """{row key: instance} of what the file's rows may already be, in few queries."""
        return {}

    def row_key(self, row: dict):
        raise NotImplementedError

    def get_or_init_instance(self, instance_loader, row):
        key = self.row_key(row)
        instance = self.existing.get(key) if key is not None else None
        if instance is not None:
            self.remember(instance)
            return instance, False
        return self.init_instance(row), True

    def remember(self, instance) -> None:
        """Keep what a found row holds now, to tell whether the file changes it."""
        instance._import_before = {c.key: c.get_value(instance) for c in self.columns()}

    def before_import_row(self, row, **kwargs):
        self._row = row

    def import_instance(self, instance, row, **kwargs):
        """Each cell through its widget; a cell it refuses is an error at that column."""
        errors = {}
        for column in self.columns():
            if column.column_name not in row:
                continue
            try:
                column.save(instance, row, **kwargs)
            except ValueError as exc:
                errors[column.key] = ValidationError(force_str(exc), code="invalid")
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None,
                          validate_unique=True):
        errors = dict(import_validation_errors or {})
        for column in self.columns():
            if column.required and column.key not in errors and blank(
                    self._row.get(column.key)) and getattr(instance, "pk", None) is None:
                errors[column.key] = [ValidationError("Required: this cell is empty.")]
        try:
            self.check(instance, errors)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def check(self, instance, errors: dict) -> None:
        """More checks of a cleaned row (the model's own), raising by column."""

    def skip_row(self, instance, original, row, import_validation_errors=None):
        before = getattr(instance, "_import_before", None)
        if before is None or import_validation_errors:
            return False
        return all(before.get(c.key) == c.get_value(instance) for c in self.columns()
                   if c.column_name in row)

    def save_instance(self, instance, is_create, row, **kwargs):
        try:
            saved = self.save_row(instance, is_create, row)
        except ValidationError as exc:
            raise self.by_column(exc) from exc
        key = self.row_key(row)
        if key is not None:  # a later row with the same key is this one again
            self.existing[key] = saved or instance

    def save_row(self, instance, is_create: bool, row: dict):
        raise NotImplementedError

    def save_m2m(self, instance, row, **kwargs):
        """The services save the many-to-many answers with the row."""

    def by_column(self, exc: ValidationError) -> ValidationError:
        """A service's refusal, by the column it is about (the row's, when unsaid)."""
        if hasattr(exc, "error_dict"):
            known = {c.key for c in self.columns()}
            return ValidationError({key if key in known else NON_FIELD: value
                                    for key, value in exc.error_dict.items()})
        return ValidationError({NON_FIELD: exc.messages})

    def after_import(self, dataset, result, **kwargs):
        """Nothing: ids come from the database, so there is no sequence to reset."""


def _words(text) -> str:
    return " ".join("".join(ch if ch.isalnum() else " " for ch in str(text).lower()).split())
