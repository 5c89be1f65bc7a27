"""Refuses, with a 400, the few URLs that a view cannot be trusted to survive.

Each rule is a crash in code we don't own, found by tests/test_fuzz_query_strings.py:

- **NUL** (``%00``) in the query string. PostgreSQL refuses NUL in any text it is sent,
  so psycopg2 raises ValueError wherever a value from the query string reaches a query:
  the admin's list filters (``?status__exact=%00``), the lookups a changelist takes from
  the query string, its autocomplete's ``term`` (Django's own search box refuses NUL;
  these don't). SQLite stores NUL. No link of ours carries one. (A NUL in the path is
  left to the page: an emailed link's page says the link doesn't work, and the ids in
  the admin's paths are read as numbers first.)
- **A date hierarchy part past what a date holds** in the admin: Django 5.2's changelist
  builds the range of ``?created_at__year=9999`` by asking for the year 10000, and reads
  ``__month=99999999999`` into a date (OverflowError); it catches only ValueError (ticket
  #37357, fixed after 5.2).
- **A blank ``_to_field``** in the admin (``/change/?_to_field=``): Django 5.2's change
  and delete pages check the field only when it is not blank, then look up the field ""
  (FieldDoesNotExist). The admin itself never sends it blank.
- **An admin search of more than 100 words** (``?q=`` on a changelist, ``?term=`` of its
  autocomplete): each word adds a condition to one WHERE clause, and SQLite (development,
  the tests) refuses an expression over 1,000 deep ("Expression tree is too large").
  PostgreSQL takes them; nobody searches with a hundred words.
- **A date-time field prefilled on an admin add page** (``/add/?clocked_time=...``, any
  value): the admin puts the text in the form, and its split date/time widget reads it
  as a datetime (AttributeError). Django has never supported it (ticket #9739); our own
  models' date-time fields aren't added by hand, django-celery-beat's are.
- **An autocomplete field prefilled with what isn't an id** (``/add/?mentor=abc``, or
  one past 64 bits): the autocomplete widget looks the text up to show its label, and
  the query fails (ValueError, OverflowError) where a select box would show nothing.

Django answers a refused request with the site's 400 page and logs one warning line.
"""

from django.core.exceptions import BadRequest
from django.db import models
from django.urls import get_resolver, reverse

from .query_ids import query_id

# The largest of each part of a date the admin's date hierarchy can make a range of.
DATE_PARTS = {"year": 9998, "month": 12, "day": 31}
SEARCHES = ("q", "term")  # the changelist's search box, the autocomplete's
MAX_SEARCH_WORDS = 100


class QueryStringGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = self.problem(request)
        if problem is not None:
            return refuse(request, problem)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The admin marks each of a ModelAdmin's views with it (ModelAdmin.get_urls).
        model_admin = getattr(view_func, "model_admin", None)
        if model_admin is None or view_func.__name__ != "add_view" or not request.GET:
            return None
        for field in model_admin.model._meta.fields:
            if isinstance(field, models.DateTimeField) and field.name in request.GET:
                return refuse(request, f"A date-time field prefilled: {field.name}")
        for name in model_admin.get_autocomplete_fields(request):
            target = model_admin.model._meta.get_field(name).target_field
            # The add page splits a many-to-many field's value at commas.
            given = [part for part in request.GET.get(name, "").split(",") if part]
            if isinstance(target, models.IntegerField) and any(
                    query_id(part) is None for part in given):
                return refuse(request, f"Not an id prefilled: {name}")
        return None

    @staticmethod
    def problem(request) -> str | None:
        query = request.META.get("QUERY_STRING", "")
        # A NUL reaches the view only as %00 (or a raw NUL, which servers refuse).
        if "%00" in query or "\x00" in query:
            return "A NUL character in the query string"
        if not query or not request.path.startswith(reverse("admin:index")):
            return None
        for key, values in request.GET.lists():
            if key == "_to_field" and not values[-1]:
                return "A blank _to_field"
            if key in SEARCHES and len(values[-1].split()) > MAX_SEARCH_WORDS:
                return f"A search of more than {MAX_SEARCH_WORDS} words"
            part = key.rpartition("__")[2]
            if part in DATE_PARTS and _beyond(values[-1], DATE_PARTS[part]):
                return f"A date hierarchy {part} out of range"
        return None


def _beyond(value: str, largest: int) -> bool:
    try:
        return abs(int(value)) > largest
    except ValueError:
        return False  # not a number: the changelist says so itself


def refuse(request, problem: str):
    return get_resolver().resolve_error_handler(400)(request, BadRequest(problem))
