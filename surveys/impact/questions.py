"""Every question reported on its own, by its type: whatever an organizer adds to a
survey reaches the dashboard and the raw export, named figure or not.

How a question is reported is its type's ``reported_as`` (``surveys.question_types``):
numbers get a histogram, the mean and its 95% CI; choices get counts per value; free text
gets a count and a link to its readable, searchable list (``views.answers``). Each panel
carries n, the people asked and the response rate; under ``MIN_RESPONSES`` answers it
shows "too few to report".
"""

from __future__ import annotations

import math

from surveys import named_figures, question_types
from surveys.models import SurveyKind

from .stats import MIN_RESPONSES, merge, summarize

KIND_ORDER = {kind: i for i, kind in enumerate(SurveyKind.values)}


def _rate(part, whole):
    return 100.0 * part / whole if whole else None


# A histogram has a bar per value up to this many values (a 0–10 scale has 11), then bins.
MAX_BARS = 12
NICE_STEPS = (1, 2, 2.5, 5, 10)


def _bin_width(span: float, bins: int = 10) -> float:
    """The smallest of 1, 2, 2.5 or 5 × a power of ten that covers `span` in `bins` bins."""
    raw = span / bins
    power = 10 ** math.floor(math.log10(raw))
    return next(step * power for step in NICE_STEPS if step * power >= raw)


def histogram_bars(values: list[tuple[float, int]]) -> list[dict]:
    """The histogram of sorted (value, count) pairs: whole numbers over a short range (a
    0–10 scale) get a bar per number, those nobody chose included; anything else about
    ten bins of a round width from below the lowest value to the highest. Empty bars stay:
    a gap is part of the shape. Whole numbers in whole-number bins are labelled by their
    first and last value ("10–14"); others "10 to under 15"."""
    if not values:
        return []
    low, high = values[0][0], values[-1][0]
    whole = all(v == int(v) for v, _ in values)
    if high == low or (whole and high - low < MAX_BARS):
        counts = dict(values)
        return [{"label": _fmt(v), "count": counts.get(float(v), 0)}
                for v in range(int(low), int(high) + 1)] if whole else \
            [{"label": _fmt(low), "count": values[0][1]}]
    width = _bin_width(high - low)
    start = math.floor(low / width) * width
    count = math.floor((high - start) / width) + 1
    counts = [0] * count
    for value, n in values:
        counts[min(count - 1, math.floor((value - start) / width))] += n
    whole = whole and width == int(width)
    bars = []
    for i, n in enumerate(counts):
        first, last = start + i * width, start + (i + 1) * width
        dash = " to " if first < 0 else "–"  # "-5 to -1", not "-5–-1"
        label = (f"{_fmt(first)}{dash}{_fmt(last - 1)}" if whole and width > 1
                 else _fmt(first) if whole else f"{_fmt(first)} to under {_fmt(last)}")
        bars.append({"label": label, "count": n})
    return bars


def _numbers(panel: dict, figures, where: list) -> None:
    histogram = merge(*(figures.raw.numbers.get(w, {}) for w in where))
    s = summarize(histogram)
    bars = histogram_bars(sorted((float(v), n) for v, n in histogram.items()))
    panel.update(mean=s.mean, median=s.median, ci_low=s.ci_low, ci_high=s.ci_high,
                 has_ci=s.has_ci, top=max((b["count"] for b in bars), default=0), bars=bars)


def _choices(panel: dict, figures, where: list) -> None:
    counts: dict[str, int] = {}
    for w in where:
        for value, n in figures.raw.choices.get(w, {}).items():
            counts[value] = counts.get(value, 0) + n
    known = dict(panel["choices"])
    options = [*known, *sorted(v for v in counts if v not in known)]
    panel["options"] = [{"value": v, "label": known.get(v, v), "count": counts.get(v, 0),
                         "share": _rate(counts.get(v, 0), panel["n"])} for v in options]


def _text(panel: dict, figures, where: list) -> None:
    """Free text: only the count here; the words are on the question's own page."""


BUILDERS = {"numbers": _numbers, "choices": _choices, "text": _text}


def _fmt(value: float) -> str:
    return f"{value:,.10g}"


def round_label(kind: str, months: int | None) -> str:
    """A survey's name, an alumni follow-up's with its round ("Alumni follow-up, 6 months
    after the end")."""
    if months and kind == SurveyKind.MENTEE_FOLLOWUP:
        return f"Alumni follow-up, {months} months after the end"
    return SurveyKind(kind).label


def question_panels(figures) -> list[dict]:
    """One panel per question asked in the scope (by survey and key, all versions and
    programs together; an alumni follow-up's per round, 6 months apart from 12: someone
    asked at both answers twice), in the surveys' order."""
    raw, ids = figures.raw, figures._id_set
    cells: dict[tuple[str, str, int], list] = {}
    for where in {*raw.asked, *raw.answered}:
        pid, kind, key, months = where
        if pid in ids:
            cells.setdefault((kind, key, months), []).append(where)
    panels = []
    for (kind, key, months), where in cells.items():
        q = raw.questions.get((kind, key))
        if q is None:
            continue
        try:
            qtype = question_types.get(q["type"])
        except question_types.UnknownQuestionType:
            continue
        n = sum(raw.answered.get(w, 0) for w in where)
        asked = sum(raw.asked.get(w, 0) for w in where)
        panel = {"kind": kind, "kind_label": round_label(kind, months), "key": key,
                 "months": months,
                 # its histogram's name in the chart data (impact.js draws every "q-")
                 "chart": f"q-{kind}-{key}" + (f"-{months}" if months else ""),
                 "text": q["text"], "label": q["label"], "type": qtype.name,
                 "type_label": qtype.label, "reported_as": qtype.reported_as,
                 "figure": q["figure"], "choices": q["choices"], "order": q["order"],
                 "figure_label": getattr(named_figures.get(q["figure"]), "label", ""),
                 "n": n, "asked": asked, "rate": _rate(n, asked),
                 "suppressed": n < MIN_RESPONSES}
        if not panel["suppressed"]:
            BUILDERS[qtype.reported_as](panel, figures, where)
        panels.append(panel)
    return sorted(panels, key=lambda p: (KIND_ORDER.get(p["kind"], 99), p["months"],
                                         p["order"], p["key"]))
