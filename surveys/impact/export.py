"""The figures as chart data (for ``json_script``) and as CSV rows.

Charts get only reportable groups: a suppressed figure has no data, so its numbers never
reach the page. The CSV is long-form (figure, programs, measure, value, n) so that every
figure exports the same way and "all" is every figure one after the other.
"""

from __future__ import annotations

import csv
import io

from mm_program.spreadsheets import spreadsheet_cell

from .figures import DELTA_P_BINS, MONTHS_BINS

RATING_BANDS = [("1–4", 1, 4), ("5–6", 5, 6), ("7–8", 7, 8), ("9–10", 9, 10)]

FIGURES = {
    "funnel": "Funnel",
    "responses": "Response rates",
    "outcomes": "Mentee outcomes",
    "by_end": "Completed and ended early",
    "nps": "Net Promoter Score",
    "mentors": "Mentors",
    "ratings": "Mentee ratings by mentors",
    "change": "Baseline to final change",
    "mats": "MATS measures",
    "exits": "Why mentorships ended early",
    "alumni": "Alumni outcomes",
    "cost": "Cost",
    "programs": "By program",
}
TOO_FEW = "too few to report"


def _bars(options) -> dict:
    return {"labels": [o["label"] for o in options], "counts": [o["count"] for o in options]}


def chart_data(figs: dict, per_program: list[dict] | None = None) -> dict:
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
            data[key] = _bars(mentors[key]["options"])
    ratings = [r for r in figs["ratings"] if not r["suppressed"]]
    if ratings:
        # Each rating as one stacked bar of shares, in bands of the 1–10 scale.
        data["ratings"] = {"labels": [r["label"] for r in ratings], "bands": [
            {"label": label, "shares": [
                round(100 * sum(r["distribution"][low - 1:high]) / r["n"], 1)
                for r in ratings]}
            for label, low, high in RATING_BANDS]}
    # The 1–10 self-ratings only: p(full-time) moves in percentage points, off this scale.
    change = [r for r in figs["change"]
              if not r["suppressed"] and r["figure"] != "p_fulltime"]
    if change:
        data["change"] = _means(change)
    # Δp of completers, early leavers and both together on one chart: the means with their
    # CI, and each group's floor if those who did not answer gained nothing.
    groups = figs["by_end"]["groups"]
    delta = next(row for row in figs["by_end"]["rows"] if row["key"] == "delta_p")
    cells = [{**c, "label": g["label"]} for c, g in zip(delta["cells"], groups, strict=True)]
    if any(not c["suppressed"] for c in cells):
        data["by_end"] = {**_means(cells), "bounds": [
            None if c["suppressed"] or c.get("bound") is None else round(c["bound"], 2)
            for c in cells]}
    mats = figs["mats"]
    rating = mats["mentor_rating"]["nps"]
    if not rating["suppressed"]:
        data["mentor_rating"] = {"labels": [str(v) for v in range(rating["low"], 11)],
                                 "counts": rating["distribution"]}
    if not mats["counterfactual"]["suppressed"]:
        data["counterfactual"] = _bars(mats["counterfactual"]["options"])
    elements = [e for e in mats["elements"] if not e["suppressed"]]
    if elements:
        data["elements"] = {"labels": [e["label"] for e in elements],
                            "scores": [round(e["score"], 1) for e in elements]}
    for row in figs["exits"]:
        if not row["suppressed"]:
            data[f"exits_{row['kind']}"] = _bars(row["options"])
    alumni = figs["alumni"]
    rows = [r for r in alumni["rows"]]
    if any(not r["funded"]["suppressed"] for r in rows):
        labels = sorted({r["label"] for r in rows}, key=[r["label"] for r in rows].index)
        by = {(r["label"], r["months"]): r["funded"] for r in rows}
        data["alumni"] = {
            "labels": labels,
            "series": [{"label": f"{m} months after", "shares": [
                None if (f := by.get((label, m))) is None or f["suppressed"]
                else round(f["share"], 1) for label in labels]} for m in alumni["offsets"]],
            "goal": alumni["goals"][0] if len(alumni["goals"]) == 1 else None,
        }
    # Each number question's histogram (the dashboard's "every question" panels).
    for panel in figs.get("questions", ()):
        if panel["reported_as"] == "numbers" and not panel["suppressed"]:
            data[panel["chart"]] = {"labels": [b["label"] for b in panel["bars"]],
                                    "counts": [b["count"] for b in panel["bars"]]}
    if per_program:
        compared = [r for r in per_program if not r["delta_p"]["suppressed"]]
        if len(compared) > 1:
            data["programs"] = {"label": "Δp(full-time), mean with 95% CI", **_means(
                [{**r["delta_p"], "label": r["program"]["name"]} for r in compared])}
    return data


def _means(rows: list[dict]) -> dict:
    """Means with their 95% interval as floating bars (None where too few or no CI)."""
    def ok(r):
        return r["mean"] is not None and not r["suppressed"]

    return {
        "labels": [r["label"] for r in rows],
        "means": [round(r["mean"], 2) if ok(r) else None for r in rows],
        "low": [round(r["ci_low"], 2) if ok(r) and r["has_ci"] else None for r in rows],
        "high": [round(r["ci_high"], 2) if ok(r) and r["has_ci"] else None for r in rows],
    }


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
    if summary.get("bound") is not None:
        yield (f"{name}: if those asked who did not answer gained nothing{suffix}",
               summary["bound"], summary["asked"])
    if summary.get("asked"):
        yield f"{name}: asked", summary["asked"], summary["n"]
        yield f"{name}: % answered", summary["rate"], summary["n"]


def _share_rows(name: str, s: dict):
    if s["suppressed"]:
        yield name, TOO_FEW, s["n"]
        return
    yield f"{name}: %", s["share"], s["n"]
    yield f"{name}: 95% CI low", s["ci_low"], s["n"]
    yield f"{name}: 95% CI high", s["ci_high"], s["n"]
    if s.get("bound") is not None:
        yield f"{name}: % if those asked who did not answer were not", s["bound"], s["asked"]
    if s.get("asked"):
        yield f"{name}: % answered", s["rate"], s["asked"]


def _options_rows(name: str, f: dict):
    if f["suppressed"]:
        yield name, TOO_FEW, f["n"]
        return
    for o in f["options"]:
        yield f"{name}: % {o['label']}", o["share"], f["n"]


def _nps_rows(name: str, n: dict):
    if n["suppressed"]:
        yield name, TOO_FEW, n["n"]
        return
    yield name, n["score"], n["n"]
    for key in ("promoters", "passives", "detractors"):
        yield f"{name}: % {key}", n[key], n["n"]
    if n.get("asked"):
        yield f"{name}: % answered", n["rate"], n["asked"]


def _rows(name: str, figs: dict):  # noqa: C901 - one branch per figure, each short
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
        if o["funded"] is not None:
            yield from _share_rows("Ended mentorships with a mentee stipend", o["funded"])
        for key, bins in (("delta_p", DELTA_P_BINS), ("months", MONTHS_BINS)):
            if not o[key]["suppressed"]:
                for (label, _, _), count in zip(bins, o[key]["bins"], strict=True):
                    yield f"{key} {label}: answers", count, o[key]["n"]
    elif name == "by_end":
        b = figs["by_end"]
        for group, ended in zip(b["groups"], b["ended"], strict=True):
            yield f"{group['label']}: mentorships", ended, ""
        for row in b["rows"]:
            for group, c in zip(b["groups"], row["cells"], strict=True):
                label = f"{row['label']} ({group['label'].lower()})"
                if row["kind"] == "nps":
                    yield from _nps_rows(label, c)
                elif row["kind"] == "share":
                    yield from _share_rows(label, c)
                else:
                    yield from _summary_rows(label, c, row.get("unit", ""))
    elif name == "nps":
        n = figs["nps"]
        yield from _nps_rows("NPS", n)
        if not n["suppressed"]:
            for value, count in enumerate(n["distribution"], start=n["low"]):
                yield f"recommend = {value}: answers", count, n["n"]
    elif name == "mentors":
        m = figs["mentors"]
        for key, label in (("worth_it", "Worth their time"), ("again", "Would mentor again")):
            yield from _options_rows(label, m[key])
        p = m["per_mentor"]
        yield "Mentors with an ended mentorship", p["mentors"], ""
        yield from _summary_rows("Per mentor: mentorships ended", p["mentees"])
        yield from _summary_rows("Per mentor: hours logged", p["hours"], "hours")
        yield from _summary_rows("Per mentor: % of their surveys worth it", p["worth_it"])
        yield from _summary_rows("Per mentor: % would mentor again", p["again"])
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
    elif name == "mats":
        m = figs["mats"]
        yield from _summary_rows("Rating of the mentor", m["mentor_rating"])
        yield from _nps_rows("Rating of the mentor: NPS", m["mentor_rating"]["nps"])
        yield from _summary_rows("Share of value from the mentor", m["value_share"], "%")
        yield from _share_rows("Said at least half came from the mentor",
                               m["value_share"]["at_least_half"])
        yield from _options_rows("Counterfactual use of the time", m["counterfactual"])
        yield from _summary_rows("Productive hours gained", m["productive_hours"], "hours")
        yield from _summary_rows("Grant-equivalent valuation", m["grant_equivalent"], "USD")
        for e in m["elements"]:
            yield from _nps_rows(f"NPS: {e['label']}", e)
    elif name == "exits":
        for row in figs["exits"]:
            yield from _options_rows(f"{row['who']}: why it ended early", row)
    elif name == "alumni":
        a = figs["alumni"]
        yield "Alumni follow-ups sent", sum(t["asked"] or 0 for t in a["totals"]), ""
        for t in a["totals"]:
            yield from _share_rows(f"Funded or hired, {t['months']} months after", t)
        for r in a["rows"]:
            label = f"{r['label']}, {r['months']} months"
            yield f"{label}: mentorships ended", r["ended"], ""
            yield f"{label}: follow-ups sent", r["sent"], ""
            yield f"{label}: % answered", r["rate"], r["sent"]
            yield f"{label}: goal %", r["goal"], ""
            yield from _share_rows(f"{label}: funded or hired", r["funded"])
            yield from _share_rows(f"{label}: funded or hired (completed)", r["completed"])
            yield from _share_rows(f"{label}: funded or hired (ended early)", r["early"])
            yield from _share_rows(f"{label}: full-time in the field", r["fulltime"])
        for now in a["now"]:
            at = f"{now['months']} months after"
            yield from _options_rows(f"What alumni do now, {at}", now["occupation"])
            yield from _share_rows(f"Full-time in the field, {at}", now["fulltime"])
            yield from _summary_rows(f"How much the program contributed (0–10), {at}",
                                     now["contribution"])
            for listed, label in (("funded_by", "Named who funded or hired them"),
                                  ("outputs", "Listed publications or projects")):
                yield f"{label}, {at}", now[listed]["n"], now[listed]["asked"]
    elif name == "cost":
        c = figs["cost"]
        yield "Completed mentorships", c["completed"], ""
        yield "Logged mentor-hours", c["logged_hours"], c["completed"]
        yield "Logged mentor-hours in mentorships that ended early", c["early_hours"], ""
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
        yield name, "Ended early", row["ended_early"], ""
        yield name, "End surveys: % answered", row["response_rate"], row["sent"]
        for key, label in (("delta_p", "Δp(full-time) mean"), ("months", "Months saved mean")):
            s = row[key]
            yield name, label, TOO_FEW if s["suppressed"] else s["mean"], s["n"]
        n = row["nps"]
        yield name, "NPS", TOO_FEW if n["suppressed"] else n["score"], n["n"]
        w = row["worth_it"]
        yield name, "Mentors: % worth it", TOO_FEW if w["suppressed"] else w["share"], w["n"]
        yield name, "Logged mentor-hours per completed mentee", row["hours_per_mentee"], \
            row["completed"]
        for t in row["funded_or_hired"]:
            yield (name, f"Funded or hired, {t['months']} months after: %",
                   TOO_FEW if t["suppressed"] else t["share"], t["n"])


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
