"""Hostile query strings on every page: never a server error.

Every URL pattern of the project (walked from the resolver, so a new page is fuzzed as
soon as it exists; the admin's every registered model: changelist, add, change, delete,
history, a past version, and the custom pages) is asked for with its path filled from
the demo program (real ids and tokens) or with bogus ones, by each identity that can
reach it (staff for the admin; anyone else everywhere else), with generated query
strings: the parameters the view reads (grep ``request.GET``; the admin's ``q``, ``o``,
``p``, ``e``, ``all``, ``_changelist_filters``, every list filter's own parameters and the
date hierarchy's) set to real values or hostile ones (negative, huge, ``1e309``, NUL, lone
surrogates, non-digits, repeated keys, long values, ``2026-02-30``), plus random ones.
The property: no response is a 5xx (a view that raises fails the test with its
traceback). Pages that refuse GET (POST-only actions) are asked too: they must refuse
without an error.

CI asks each pattern twice (derandomized, about a minute with the sweep of named values
below); HYPOTHESIS_PROFILE=thorough 40 times. What the fuzzing found is fixed where it
failed (each with a plain test: tests/test_query_guard.py, test_admin_bad_ids.py,
test_stipend_pick.py); none is excused.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from hypothesis import given, reject
from hypothesis import strategies as st

from matching.demo_data import DEMO_MENTEE, DEMO_MENTOR, OFFICER_EMAIL, ORGANIZER_EMAIL, email_for
from matching.models import MeetingLog, Mentorship, MentorshipStatus, Program
from matching.tokens import invitation_token
from mm_program.models import User
from mm_program.reminders import pause_token
from mm_program.roles import PAYMENTS_OFFICERS
from payments.models import StipendRequest
from surveys.impact.export import FIGURES
from surveys.models import Invitation
from surveys.tokens import survey_token

from .demo_once import demo_once
from .fuzz_strategies import (
    NASTY,
    assert_no_server_error,
    examples,
    field_names,
    hostile_dates,
    hostile_numbers,
    isolated,
    short_text,
)

pytestmark = pytest.mark.django_db

_demo_seeded_once = demo_once()

ANONYMOUS, MENTEE, MENTOR = "anonymous", "mentee", "mentor"
ORGANIZER, OFFICER, SUPERUSER = "organizer", "payments officer", "superuser"
EVERYONE = (ANONYMOUS, MENTEE, MENTOR, ORGANIZER, OFFICER, SUPERUSER)
STAFF = (ORGANIZER, OFFICER, SUPERUSER)


# --- every URL pattern ------------------------------------------------------------------

@dataclass(frozen=True)
class Route:
    route: str  # the pattern, prefixes included: "admin/matching/mentor/<path:object_id>/"
    name: str | None  # "admin:matching_mentor_change"
    arguments: tuple[str, ...]  # what the path takes, by name (or position: "0", "1")

    @property
    def is_admin(self) -> bool:
        return self.route.startswith("admin/")

    @property
    def model_admin(self):
        """The ModelAdmin whose URL this is (admin/<app_label>/<model_name>/...)."""
        parts = self.route.split("/")
        return MODEL_ADMINS.get(tuple(parts[1:3])) if self.is_admin else None


def _pattern_arguments(pattern) -> list[str]:
    regex = pattern.pattern.regex
    names = list(regex.groupindex)
    return names or [str(n) for n in range(regex.groups)]


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            for route in _walk(pattern.url_patterns, prefix + str(pattern.pattern),
                               inner or None):
                yield Route(route.route, route.name,
                            (*_pattern_arguments(pattern), *route.arguments))
        elif isinstance(pattern, URLPattern):
            name = ":".join(filter(None, [namespace, pattern.name])) if pattern.name else None
            yield Route(prefix + str(pattern.pattern), name, tuple(_pattern_arguments(pattern)))


ROUTES = list(_walk(get_resolver().url_patterns))
MODEL_ADMINS = {(model._meta.app_label, model._meta.model_name): model_admin
                for model, model_admin in admin.site._registry.items()}


# --- what each page reads from the query string -------------------------------------------

# By URL name: what the views read (grep request.GET), beyond the admin's own.
READS = {
    "stipend_pick": ["mentorship"],
    "stipend_bank_details": ["next"],
    "mentorship_end": ["action"],
    "impact_dashboard": ["program"],
    "impact_export": ["program"],
    "impact_raw_answers": ["program", "names"],
    "impact_answers": ["program", "q", "page", "months"],
    "impact_report": ["program", "from", "to"],
    "admin:matching_menteeapplication_decide": ["ids", "decision"],
    "admin:matching_mentorapplication_decide": ["ids", "decision"],
    # The triage lists hide the program column once filtered to one (admin/triage.py).
    "admin:matching_menteeapplication_changelist": ["program__id__exact"],
    "admin:matching_mentorapplication_changelist": ["program__id__exact"],
    "admin:matching_mentorship_move": ["to", "ids"],
    "admin:payments_stipendrequest_move": ["to", "ids"],
    "admin:mm_program_erasurerequest_erase": ["requests", "users"],
    # The run page's "why (not) this pair?" and its four lists' pages (runs.py _paged).
    "admin:matching_matchingrun_change": ["mentee", "mentor", "proposals", "unmatched",
                                          "load", "rules", "_changelist_filters"],
    "admin:autocomplete": ["app_label", "model_name", "field_name", "term", "page"],
    "admin:login": ["next"],
    "admin:logout": ["next"],
}
# Django admin's, on every changelist and on the pages that lead back to one.
CHANGELIST_READS = ["q", "o", "p", "e", "all", "_popup", "_to_field", "_facets"]
OBJECT_PAGE_READS = ["_changelist_filters", "_popup", "_to_field", "p", "_saveasnew"]
# Read anywhere (allauth's pages read next=), and names a view might read one day.
ANYWHERE = ["next", "page", "id", "pk", "program", "mentorship", "action", "token"]


READ_IN_SOURCE = re.compile(
    r"""(?:request\.)?GET(?:\.get|\.getlist)?[\[(]\s*["']([^"']+)["']|request\.GET\.(\w+)""")


def test_every_parameter_a_view_reads_is_fuzzed():
    """A parameter a view starts reading (request.GET.get("x") in our code, request.GET.x
    in a template) must be named above, or the fuzzing would never send it."""
    fuzzed = {key for keys in READS.values() for key in keys}
    fuzzed |= {*CHANGELIST_READS, *OBJECT_PAGE_READS, *ANYWHERE}
    found = {}
    for folder in ("matching", "mm_program", "payments", "surveys", "templates"):
        for path in (settings.BASE_DIR / folder).rglob("*"):
            if path.suffix in (".py", ".html") and "migrations" not in path.parts:
                for match in READ_IN_SOURCE.finditer(path.read_text()):
                    key = match[1] or match[2]
                    if key not in ("get", "getlist", "lists", "copy", "items", "urlencode"):
                        found.setdefault(key, str(path.relative_to(settings.BASE_DIR)))
    assert {key: path for key, path in found.items() if key not in fuzzed} == {}


def reads(route: Route) -> list[str]:
    keys = list(READS.get(route.name or "", []))
    if route.name and route.name.startswith("account_"):
        keys.append("next")
    if route.name and route.name.endswith("_changelist"):
        keys += CHANGELIST_READS + list(changelist_values(route.model_admin))
    elif route.model_admin is not None:
        keys += OBJECT_PAGE_READS
    if route.model_admin is not None and (route.name or "").endswith("_add"):
        # The add form takes initial values from the query string, by field name.
        keys += [f.name for f in route.model_admin.model._meta.get_fields()
                 if getattr(f, "editable", False) and not f.auto_created]
    return keys


_changelist_values: dict = {}


def changelist_values(model_admin) -> dict[str, list[str]]:
    """{parameter: values the page offers itself} of a changelist: each list filter's
    links, and the date hierarchy's year, month and day."""
    if model_admin in _changelist_values:
        return _changelist_values[model_admin]
    request = RequestFactory().get("/")
    request.user = User.objects.filter(is_superuser=True).first()
    changelist = model_admin.get_changelist_instance(request)
    values: dict[str, list[str]] = {}
    for spec in changelist.filter_specs:
        for choice in spec.choices(changelist):
            for key, value in parse_qsl(choice["query_string"].lstrip("?")):
                values.setdefault(key, []).append(value)
        for key in spec.expected_parameters():
            values.setdefault(key, [])
    if changelist.date_hierarchy:
        field = changelist.date_hierarchy
        values.update({f"{field}__year": ["2026", "1", "9998", "9999"],
                       f"{field}__month": ["2", "12"], f"{field}__day": ["28", "30", "31"]})
    _changelist_values[model_admin] = values
    return values


# --- hostile values -------------------------------------------------------------------------

# Where the ids and dates of a query string go wrong.
QUERY_NASTY = ["-1", "0", "1e309", "9" * 30, "\x00", "1\x00", "\ud800", "x\udfffy", "abc",
               "2026-02-30", "9999", "10000", "-0", "1,2,x", ",,", " 1", "٣", "1.5", "NaN",
               "x" * 5000]
long_values = st.builds(lambda seed, size: (seed * size)[:size],
                        st.sampled_from(["x", "9", "é", "\x00", "a b "]),
                        st.integers(1000, 5000))
def rotated(items, by: int) -> list:
    """`items` starting at another place. CI's examples are derandomized, the same
    choices for every page: each page's own rotation of what is chosen from makes the
    same choices pick different keys and values on different pages."""
    items = list(items)
    by %= len(items) or 1
    return items[by:] + items[:by]


def hostile(turn: int = 0):
    return st.one_of(
        st.sampled_from(rotated(QUERY_NASTY, turn)), st.sampled_from(rotated(NASTY, turn)),
        hostile_numbers, hostile_dates, short_text, long_values,
    )


def values_for(key: str, known: dict[str, list[str]], turn: int):
    """Real values (the page's own links, ids from the demo) or hostile ones, sometimes
    the key repeated."""
    one = hostile(turn)
    if known.get(key):
        one = st.one_of(st.sampled_from(known[key]), one)
    return st.one_of(one, one, st.lists(one, min_size=2, max_size=3))


@st.composite
def query_strings(draw, keys: list[str], known: dict[str, list[str]], turn: int = 0) -> str:
    keys = rotated(keys, turn)
    chosen = draw(st.lists(st.sampled_from(keys), max_size=4, unique=True)) if keys else []
    data = {key: draw(values_for(key, known, turn + n)) for n, key in enumerate(chosen)}
    if draw(st.integers(0, 2)) == 0:
        extra = draw(st.dictionaries(st.one_of(field_names, st.sampled_from(ANYWHERE)),
                                     values_for("", known, turn), max_size=2))
        data = {**extra, **data}
    # Lone surrogates go out as the bytes a careless client sends (ED A0 80).
    return urlencode(data, doseq=True, errors="surrogatepass")


# --- the demo, the people, the paths ----------------------------------------------------------

class Demo:
    """Who signs in, and real values for the paths and query strings."""

    def __init__(self, *, people: dict, real: dict, known: dict):
        self.people = people  # identity: user
        self.real = real  # path argument: real values
        self.known = known  # query parameter: real values

    def __repr__(self):  # Hypothesis prints the test's arguments with each failure
        return "demo"


@pytest.fixture
def demo(_demo_seeded_once, db) -> Demo:
    mentor = User.objects.get(email=email_for(DEMO_MENTOR))
    mentee = User.objects.get(email=email_for(DEMO_MENTEE))
    superuser = User.objects.create_superuser(email="root@example.org",
                                              password="a-long-test-password-42")
    superuser.groups.add(Group.objects.get(name=PAYMENTS_OFFICERS))
    people = {MENTEE: mentee, MENTOR: mentor, SUPERUSER: superuser,
              ORGANIZER: User.objects.get(email=ORGANIZER_EMAIL),
              OFFICER: User.objects.get(email=OFFICER_EMAIL)}
    m = Mentorship.objects.filter(mentor__user=mentor, mentee__user=mentee).first()
    invited = Mentorship.objects.filter(status=MentorshipStatus.INVITED).first()
    invitation = Invitation.objects.filter(person=mentee).first() or Invitation.objects.first()
    program = Program.objects.order_by("created_at", "pk").first()
    stipend = StipendRequest.objects.filter(payee=mentee).order_by("pk").first()
    real = {
        "pk": [m.pk, invited.pk, stipend.pk],
        "mentorship_pk": [m.pk],
        "meeting_pk": list(MeetingLog.objects.filter(mentorship=m)
                           .values_list("pk", flat=True)[:1]),
        "mentor_pk": [m.mentor_id],
        "token": [pause_token(mentor.pk, "meeting-nudge"), invitation_token(invited.pk),
                  survey_token(invitation)],
        "role": ["mentee", "mentor"],
        "slug": [program.slug],
        "figure": ["all", *FIGURES],
        "fmt": ["csv", "xlsx"],
        "app_label": sorted({app for app, _ in MODEL_ADMINS}),
        "content_type_id": [ContentType.objects.get_for_model(Mentorship).pk],
        "object_id": [m.pk],
    }
    known = {
        "mentorship": [str(m.pk)], "program": [program.slug],
        "ids": [str(m.pk), f"{m.pk},{invited.pk}", str(stipend.pk)],
        "to": ["complete", "end_early", "approve", "reject", "pay", "withdraw", "2026-12-31"],
        "decision": ["accept", "waitlist", "decline", "redirect"],
        "action": ["complete", "early"], "next": ["/dashboard/", "//evil.example.org/"],
        "users": [str(mentee.pk)], "requests": ["1"], "mentee": ["1"], "mentor": ["1"],
        "app_label": ["matching"], "model_name": ["mentorship"], "field_name": ["mentor"],
        "term": ["a"], "_to_field": ["id"], "names": ["1"],
        "from": ["2026-01-01"],
    }
    return Demo(people=people, real=real, known=known)


# Path arguments no object has, by converter. A lone surrogate can't be put into a URL by
# reverse(): it goes in afterwards, as the bytes a careless client sends.
SURROGATE, SURROGATE_BYTES = "\ud800", "%ED%A0%80"
BOGUS = {
    "int": ["0", "99999999999999999999"],
    "str": ["x", "not-a-token", "\x00", "..", SURROGATE],
    "slug": ["nope", "x" * 300],
    "path": ["0", "-1", "abc", "9" * 25, "1.5", "\x00", SURROGATE, "x/y"],
    # A regular expression's group: what it may match, or the URL can't be made.
    "regex": ["0", "-1", "abc", "9" * 25, "x"],
}


def converter_kind(route: Route, argument: str) -> str:
    match = re.search(rf"<(?:(\w+):)?{re.escape(argument)}>", route.route)
    if match is None:
        return "regex"
    return match.group(1) or "str"


def real_values(route: Route, argument: str, demo: Demo) -> list:
    """The ids of a real object of the route's model (and a past version of it, for the
    history pages); the demo's values for the other pages."""
    if route.model_admin is not None and argument in ("object_id", "0", "1", "pk", "id"):
        obj = route.model_admin.model._default_manager.order_by("pk").first()
        if obj is None:
            return []
        if argument == "1":  # a version page: admin/<app>/<model>/<id>/history/<version>/
            history = getattr(obj, "history", None)
            return list(history.values_list("history_id", flat=True)[:1]) if history else []
        return [obj.pk]
    return demo.real.get(argument, [])


def build_path(route: Route, values: list[str]) -> str:
    """`route` with `values` for its arguments; None if the pattern refuses one of them
    (such a URL never reaches a view)."""
    marked = [value.replace(SURROGATE, "SURROGATE") for value in values]
    if route.name:
        positional = route.arguments and route.arguments[0].isdigit()
        try:
            path = reverse(route.name, args=marked) if positional else reverse(
                route.name, kwargs=dict(zip(route.arguments, marked, strict=True)))
        except NoReverseMatch:
            return None
    elif route.route.startswith("admin/(?P<url>"):  # the admin's catch-all
        path = "/admin/" + marked[0]
    else:
        path = route.route
        for argument, value in zip(route.arguments, marked, strict=True):
            path = re.sub(rf"<\w+:{re.escape(argument)}>", value, path)
        path = "/" + path
    return path.replace("SURROGATE", SURROGATE_BYTES)


@st.composite
def paths(draw, route: Route, demo: Demo, turn: int = 0) -> str:
    """`route` with each argument real (from the demo) or bogus."""
    values = []
    for argument in route.arguments:
        real = [value for value in real_values(route, argument, demo) if value is not None]
        bogus = rotated(BOGUS[converter_kind(route, argument)], turn)
        real_first = st.sampled_from(real) if real else st.nothing()
        values.append(str(draw(st.one_of(real_first, real_first, st.sampled_from(bogus)))))
    path = build_path(route, values)
    if path is None:
        reject()
    return path


def who_may_ask(route: Route) -> tuple[str, ...]:
    """Staff for the admin (everyone else is sent to sign in); anyone elsewhere."""
    return STAFF if route.is_admin and route.name != "admin:login" else EVERYONE


def browser(identity: str, demo: Demo) -> Client:
    client = Client()
    if identity != ANONYMOUS:
        client.force_login(demo.people[identity])
    return client


# --- the tests ----------------------------------------------------------------------------------

def route_id(route: Route) -> str:
    return route.name or route.route


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
@examples(2)
@given(data=st.data())
def test_no_query_string_makes_a_server_error(demo, route, data):
    known = {**demo.known}
    if (route.name or "").endswith("_changelist"):
        known.update(changelist_values(route.model_admin))
    turn = zlib.crc32(route_id(route).encode())
    identity = data.draw(st.sampled_from(rotated(who_may_ask(route), turn)), label="who")
    path = data.draw(paths(route, demo, turn), label="path")
    query = data.draw(query_strings(reads(route), known, turn), label="query")
    with isolated():
        response = browser(identity, demo).get(f"{path}?{query}" if query else path)
        assert_no_server_error(response)


# The same values at every parameter a page reads, whatever Hypothesis draws: the ones the
# issue names (negative, huge, 1e309, NUL, a lone surrogate, not a number, a repeated
# key, a long value, a date that doesn't exist, a blank), on the pages that read more than
# the admin's generic parameters.
EVERY_TIME = ["-1", "9" * 30, "1e309", "\x00", "\ud800", "abc", ["1", "x"], "x" * 5000,
              "2026-02-30", "9999", ""]
# The admin's date hierarchy: the ends of the calendar, one part at a time.
DATE_HIERARCHY = [{"year": "9999"}, {"year": "9999", "month": "12"},
                  {"year": "9999", "month": "12", "day": "31"}, {"year": "9" * 20},
                  {"year": "2026", "month": "9" * 20}, {"year": "2026", "month": "2", "day": "30"},
                  {"year": "1", "month": "1", "day": "1"}, {"year": "0"}]
SWEPT = [route for route in ROUTES if route.name and (
    route.name.endswith("_changelist") or route.name in READS
    or route.name.startswith("admin:matching_mentorship_"))]
# Who reaches the participants' pages that read the query string.
OWNER = {"stipend_pick": MENTEE, "stipend_bank_details": MENTEE, "mentorship_end": MENTOR,
         "impact_dashboard": ORGANIZER, "impact_export": ORGANIZER,
         "impact_raw_answers": ORGANIZER, "impact_answers": ORGANIZER,
         "impact_report": ORGANIZER}


def sweep(route: Route, demo: Demo) -> list[dict]:
    """The queries of test_the_named_hostile_values_make_no_server_error for `route`."""
    keys = [key for key in reads(route) if key != "_saveasnew"]
    if route.name in READS:
        # A page of ours: each parameter spoiled in turn, the others real, so that every
        # one of them is read (a bad "to" would otherwise end the move page first).
        valid = {key: demo.known[key][0] for key in keys if demo.known.get(key)}
        return [{**valid, key: value} for key in keys for value in EVERY_TIME]
    queries = [{key: value for key in keys} for value in EVERY_TIME]
    field = route.model_admin and route.model_admin.date_hierarchy
    if field and route.name.endswith("_changelist"):
        queries += [{f"{field}__{part}": value for part, value in parts.items()}
                    for parts in DATE_HIERARCHY]
    return queries


@pytest.mark.parametrize("route", SWEPT, ids=route_id)
def test_the_named_hostile_values_make_no_server_error(demo, route):
    real = [real_values(route, argument, demo)[:1] for argument in route.arguments]
    if [] in real:
        pytest.skip("the demo has no such object")  # a matching run: the fuzzing has bogus ids
    path = build_path(route, [str(value) for value, in real])
    client = browser(SUPERUSER if route.is_admin else OWNER.get(route.name, MENTOR), demo)
    for query in sweep(route, demo):
        with isolated():
            response = client.get(
                f"{path}?{urlencode(query, doseq=True, errors='surrogatepass')}")
            assert response.status_code < 500, (path, query)
