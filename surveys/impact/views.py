"""The impact dashboard (organizers only): is the program worth its mentors' time?

``/organizers/impact/`` shows every program together, ``?program=<slug>`` one of them;
``/organizers/impact/<figure>.csv`` exports a figure (``all.csv`` every one). The page
runs the same handful of grouped queries whatever the number of mentorships.
"""

from datetime import date

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from matching.scoping import organized_programs, organizes_every_program
from surveys.models import Answer, SurveyKind
from surveys.permissions import is_organizer

from . import queries, raw_export
from .export import FIGURES, chart_data, to_csv
from .figures import Figures, by_program
from .questions import question_panels, round_label
from .stats import MIN_RESPONSES


def _organizers_only(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_organizer(request.user):
            raise PermissionDenied("The impact dashboard is for the program's organizers.")
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _own_ids(request) -> list[int] | None:
    """The ids of the programs the person organizes, None when that is all of them
    (matching/scoping.py): an organizer's figures are of their own programs."""
    if organizes_every_program(request.user):
        return None
    return sorted(organized_programs(request.user).values_list("pk", flat=True))


def _visible(request, raw) -> tuple[list[dict], list[int] | None]:
    own = _own_ids(request)
    return (raw.programs if own is None
            else [p for p in raw.programs if p["id"] in own]), own


def _scope(request, raw):
    """(the chosen program or None for all of the person's, its ids, a label, the programs
    the person may see): the scope is worked out once a request (its queries are counted)."""
    visible, own = _visible(request, raw)
    slug = request.GET.get("program", "")
    if not slug:
        return None, own, "All programs" if own is None else "Your programs", visible
    program = next((p for p in visible if p["slug"] == slug), None)
    if program is None:
        raise Http404("No such program.")
    return program, [program["id"]], program["name"], visible


def _build(request):
    raw = queries.load()
    program, ids, label, visible = _scope(request, raw)
    figures = Figures(raw, ids)
    figs = figures.all()
    figs["questions"] = question_panels(figures)
    figs["mentor_rows"] = figures.mentor_rows()
    everything = program is None and ids is None
    per_program = by_program(raw) if everything and len(raw.programs) > 1 else None
    return raw, program, label, figs, per_program, visible


@never_cache
@require_GET
@_organizers_only
def dashboard(request):
    return render(request, "surveys/impact.html", _context(request))


def _context(request) -> dict:
    raw, program, label, figs, per_program, visible = _build(request)
    return {
        "programs": visible,
        "program": program,
        "scope_label": label,
        "figs": figs,
        "per_program": per_program,
        "charts": chart_data(figs, per_program),
        "min_responses": MIN_RESPONSES,
        "stipends_available": raw.stipends is not None,
        "query": f"?program={program['slug']}" if program else "",
        "figure_names": FIGURES,
    }


@never_cache
@require_GET
@_organizers_only
def export(request, figure: str):
    if figure != "all" and figure not in FIGURES:
        raise Http404("No such figure.")
    raw, program, label, figs, per_program, visible = _build(request)
    if figure == "programs" and per_program is None:
        if len(visible) < len(raw.programs):  # the comparison shows every program
            raise Http404("The comparison of programs is for organizers of all of them.")
        per_program = by_program(raw)
    body = to_csv(figure, figs, label, per_program)
    stamp = timezone.localdate().isoformat()
    scope = program["slug"] if program else "all-programs"
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="impact-{figure}-{scope}-{stamp}.csv"')
    return response


def _program_ids(request):
    slug = request.GET.get("program", "")
    own = _own_ids(request)
    if not slug:
        return own, "all-programs" if own is None else "your-programs"
    found = list(queries.Program.objects.filter(slug=slug).values_list("pk", flat=True))
    if not found or (own is not None and found[0] not in own):
        raise Http404("No such program.")
    return found, slug


@never_cache
@require_GET
@_organizers_only
def raw_answers(request, fmt: str):
    """Every submitted answer, one row each; pseudonymised unless ``?names=1``."""
    ids, scope = _program_ids(request)
    names = request.GET.get("names") == "1"
    stamp = timezone.localdate().isoformat()
    filename = f"survey-answers-{scope}{'-named' if names else ''}-{stamp}.{fmt}"
    if fmt == "xlsx":
        response = HttpResponse(
            raw_export.xlsx_bytes(ids, names=names),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        response = StreamingHttpResponse(raw_export.csv_chunks(ids, names=names),
                                         content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@require_GET
@_organizers_only
def answers(request, kind: str, key: str):
    """The free-text answers to one question, newest first, searchable (``?q=``); an
    alumni follow-up's answers of one round with ``?months=``."""
    if kind not in SurveyKind.values:
        raise Http404("No such survey.")
    ids, _ = _program_ids(request)
    months = request.GET.get("months", "")
    months = int(months) if months.isascii() and months.isdigit() and len(months) < 4 \
        else None
    rows = (Answer.objects.filter(response__submitted_at__isnull=False,
                                  response__invitation__kind=kind, question__key=key)
            .exclude(text="")
            .select_related("question", "response__invitation__mentorship__program")
            .order_by("-response__submitted_at", "-pk"))
    if ids is not None:
        rows = rows.filter(response__invitation__mentorship__program_id__in=ids)
    if months is not None:
        rows = rows.filter(response__months_after=months)
    search = request.GET.get("q", "").strip()[:100]
    if search:
        rows = rows.filter(text__icontains=search)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    question = page.object_list[0].question if page.object_list else None
    return render(request, "surveys/impact_answers.html", {
        "kind_label": round_label(kind, months), "key": key, "question": question,
        "page": page, "search": search, "program_slug": request.GET.get("program", ""),
        "months": months,
        "rows": [{"text": a.text, "program": a.response.invitation.mentorship.program.name,
                  "on": a.response.submitted_at, "months": a.response.months_after,
                  "respondent": raw_export.pseudonym(a.response.invitation.person_id)}
                 for a in page.object_list],
    })


def _period(request) -> tuple[queries.Period, dict, list[str]]:
    """The report's period from ``?from=`` and ``?to=`` (ISO dates, either may be empty),
    what was typed, and what is wrong with it."""
    typed = {"from": request.GET.get("from", "")[:10], "to": request.GET.get("to", "")[:10]}
    days, errors = {}, []
    for name, label in (("from", "From"), ("to", "To")):
        if typed[name]:
            try:
                days[name] = date.fromisoformat(typed[name])
            except ValueError:
                errors.append(f"{label}: “{typed[name]}” is not a date; write it like "
                              "2026-01-31.")
    if not errors and days.get("from") and days.get("to") and days["from"] > days["to"]:
        errors.append("From must be on or before To.")
    if errors:
        return queries.Period(), typed, errors
    return queries.Period(days.get("from"), days.get("to")), typed, errors


@never_cache
@require_GET
@_organizers_only
def report(request):
    """A printable page for funders (and a PDF through the browser's print): the headline
    figures of a program (or all) over a period, with their n, response rates and
    caveats."""
    period, typed, errors = _period(request)
    raw = queries.load(period)
    program, ids, label, visible = _scope(request, raw)
    figs = Figures(raw, ids).all()
    response = render(request, "surveys/impact_report.html", {
        "programs": visible, "program": program, "scope_label": label,
        "period": period, "typed": typed, "errors": errors, "figs": figs,
        "charts": chart_data(figs),
        "min_responses": MIN_RESPONSES, "today": timezone.localdate(),
        "query": f"?program={program['slug']}" if program else "",
    }, status=400 if errors else 200)
    return response
