"""The figures as chart data (for ``json_script``) and as CSV rows.

Charts get only reportable groups: a suppressed figure has no data, so its numbers never
reach the page. The CSV is long-form (figure, programs, measure, value, n) so that every
figure exports the same way and "all" is every figure one after the other.
"""

from __future__ import annotations

import csv
import io

from mm_program.spreadsheets import spreadsheet_cell
from surveys.seed import P_FULLTIME

from .figures import DELTA_P_BINS, MONTHS_BINS

RATING_BANDS = [("1–4", 1, 4), ("5–6", 5, 6), ("7–8", 7, 8), ("9–10", 9, 10)]

FIGURES = {
    "funnel": "Funnel",
    "responses": "Response rates",
    "outcomes": "Mentee outcomes",
    "nps": "Net Promoter Score",
    "mentors": "Mentors",
    "ratings": "Mentee ratings by mentors",
    "change": "Baseline to final change",
    "cost": "Cost",
    "programs": "By program",
}
TOO_FEW = "too few to report"


def chart_data(figs: dict) -> dict:
    funnel = figs["funnel"]
    data = {
        "funnel": {"labels": [s["label"] for s in funnel["stages"]],
                   "counts": [s["count"] for s in funnel["stages"]]},
    }
    outcomes = figs["outcomes"]
    for key, bins in (("delta_p", DELTA_P_BINS), ("months", MONTHS_BINS)):
        if not outcomes[key]["suppressed"]:
            data[key] = {"labels": [b[0] for b in bins], "counts": outcomes[key]["bins"]}
    if not figs["nps"]["suppressed"]:
        data["nps"] = {"labels": [str(v) for v in range(11)],
                       "counts": figs["nps"]["distribution"]}
    mentors = figs["mentors"]
    for key in ("worth_it", "again"):
        if not mentors[key]["suppressed"]:
            data[key] = {"labels": [o["label"] for o in mentors[key]["options"]],
                         "counts": [o["count"] for o in mentors[key]["options"]]}
    ratings = [r for r in figs["ratings"] if not r["suppressed"]]
    if ratings:
        # Each rating as one stacked bar of shares, in bands of the 1–10 scale.
        data["ratings"] = {"labels": [r["label"] for r in ratings], "bands": [
            {"label": label, "shares": [
                round(100 * sum(r["distribution"][low - 1:high]) / r["n"], 1)
                for r in ratings]}
            for label, low, high in RATING_BANDS]}
    # The 1–10 self-ratings only: p(full-time) moves in percentage points, off this scale.
    change = [r for r in figs["change"] if not r["suppressed"] and r["key"] != P_FULLTIME]
    if change:
        data["change"] = {
            "labels": [r["label"] for r in change],
            "means": [round(r["mean"], 2) for r in change],
            "low": [round(r["ci_low"], 2) if r["has_ci"] else None for r in change],
            "high": [round(r["ci_high"], 2) if r["has_ci"] else None for r in change],
        }
    return data


def _cell(value):
    """A value for a spreadsheet: numbers rounded, text defused against formulas."""
    if isinstance(value, float):
        return f"{value:.2f}"
    return spreadsheet_cell(value)


def _summary_rows(name: str, summary: dict, unit: str = ""):
    suffix = f" ({unit})" if unit else ""
    if summary["suppressed"]:
        yield f"{name}", TOO_FEW, summary["n"]
        return
    yield f"{name}: mean{suffix}", summary["mean"], summary["n"]
    yield f"{name}: median{suffix}", summary["median"], summary["n"]
    if summary["has_ci"]:
        yield f"{name}: 95% CI low{suffix}", summary["ci_low"], summary["n"]
        yield f"{name}: 95% CI high{suffix}", summary["ci_high"], summary["n"]


def _rows(name: str, figs: dict):
    if name == "funnel":
        f = figs["funnel"]
        for s in f["stages"]:
            yield s["label"], s["count"], ""
            if s["rate"] is not None:
                yield f"{s['label']}: % {s['of']}", s["rate"], ""
        for key in ("waitlisted", "declined", "pending", "ended_early", "mentor_added"):
            yield key.replace("_", " "), f[key], ""
    elif name == "responses":
        for r in figs["responses"]:
            yield f"{r['label']}: sent", r["sent"], ""
            yield f"{r['label']}: answered", r["answered"], ""
            yield f"{r['label']}: % answered", r["rate"], r["sent"]
    elif name == "outcomes":
        o = figs["outcomes"]
        yield from _summary_rows("Δp(full-time)", o["delta_p"], "percentage points")
        yield from _summary_rows("Months saved", o["months"], "months")
        yield from _summary_rows("Hours put in", o["hours"], "hours")
        funded = o["funded"]
        yield ("Funded: %", TOO_FEW if funded["suppressed"] else funded["share"],
               funded["n"])
        for key, bins in (("delta_p", DELTA_P_BINS), ("months", MONTHS_BINS)):
            if not o[key]["suppressed"]:
                for (label, _, _), count in zip(bins, o[key]["bins"], strict=True):
                    yield f"{key} {label}: answers", count, o[key]["n"]
    elif name == "nps":
        n = figs["nps"]
        if n["suppressed"]:
            yield "NPS", TOO_FEW, n["n"]
        else:
            yield "NPS", n["score"], n["n"]
            for key in ("promoters", "passives", "detractors"):
                yield f"% {key}", n[key], n["n"]
            for value, count in enumerate(n["distribution"]):
                yield f"recommend = {value}: answers", count, n["n"]
    elif name == "mentors":
        m = figs["mentors"]
        for key, label in (("worth_it", "Worth their time"), ("again", "Would mentor again")):
            if m[key]["suppressed"]:
                yield label, TOO_FEW, m[key]["n"]
                continue
            for o in m[key]["options"]:
                yield f"{label}: % {o['label']}", o["share"], m[key]["n"]
    elif name == "ratings":
        for r in figs["ratings"]:
            yield from _summary_rows(r["label"], r)
            if not r["suppressed"]:
                for value, count in enumerate(r["distribution"], start=1):
                    yield f"{r['label']} = {value}: answers", count, r["n"]
    elif name == "change":
        for r in figs["change"]:
            yield from _summary_rows(f"{r['label']}: change", r)
            if not r["suppressed"]:
                yield f"{r['label']}: mean at baseline", r["before"], r["n"]
                yield f"{r['label']}: mean at the end", r["after"], r["n"]
    elif name == "cost":
        c = figs["cost"]
        yield "Completed mentorships", c["completed"], ""
        yield "Logged mentor-hours", c["logged_hours"], c["completed"]
        yield "Logged mentor-hours per completed mentee", c["hours_per_mentee"], c["completed"]
        yield from _summary_rows("Mentor-reported hours", c["reported_hours"], "hours")
        for s in c["stipends"] or []:
            yield f"Stipends approved or paid ({s['currency']})", s["spend"], ""
            yield f"Stipends paid ({s['currency']})", s["paid"], ""
            yield (f"Stipends per completed mentee ({s['currency']})", s["per_completed"],
                   c["completed"])


def _program_rows(per_program: list[dict]):
    for row in per_program:
        name = row["program"]["name"]
        yield name, "Applied", row["applied"], ""
        yield name, "Completed", row["completed"], ""
        yield name, "Final surveys: % answered", row["response_rate"], row["answered"]
        for key, label in (("delta_p", "Δp(full-time) mean"), ("months", "Months saved mean")):
            s = row[key]
            yield name, label, TOO_FEW if s["suppressed"] else s["mean"], s["n"]
        n = row["nps"]
        yield name, "NPS", TOO_FEW if n["suppressed"] else n["score"], n["n"]
        w = row["worth_it"]
        yield name, "Mentors: % worth it", TOO_FEW if w["suppressed"] else w["share"], w["n"]
        yield name, "Logged mentor-hours per completed mentee", row["hours_per_mentee"], \
            row["completed"]


def to_csv(name: str, figs: dict, scope_label: str, per_program: list[dict] | None) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["figure", "programs", "measure", "value", "n"])
    names = [n for n in FIGURES if n != "programs"] if name == "all" else [name]
    for figure in names:
        for measure, value, n in _rows(figure, figs):
            writer.writerow([_cell(FIGURES[figure]), _cell(scope_label), _cell(measure),
                             _cell(value), _cell(n)])
    if name in ("programs", "all") and per_program:
        for program, measure, value, n in _program_rows(per_program):
            writer.writerow([_cell(FIGURES["programs"]), _cell(program), _cell(measure),
                             _cell(value), _cell(n)])
    return out.getvalue()
