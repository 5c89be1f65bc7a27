"""The impact dashboard's figures for a set of programs, from ``queries.load()``'s counts.

Each figure is a plain dict the template, the chart data and the CSV export all read. The
figures read named figures (``surveys.named_figures``), so a program's own questions
attached to one count in it. Every survey figure carries its ``n`` (answers), ``asked``
(people sent a survey asking it) and ``rate``; any group smaller than ``MIN_RESPONSES``
is marked ``suppressed``: it shows "too few to report" instead of a mean, a share or a
chart.

The end-of-mentorship figures read both the final surveys (completed mentorships) and the
exit surveys (ended early): together in the headline, apart in ``by_end``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from surveys.models import SurveyKind
from surveys.named_figures import MENTOR_AGAIN

from .figures_more import AlumniFigures, MatsFigures, MentorFigures
from .queries import COMPLETED, ENDED_EARLY, Raw
from .stats import MIN_RESPONSES, Share, merge, non_response_bound, nps, summarize

BASELINE = SurveyKind.MENTEE_BASELINE
COMPLETED_KINDS = (SurveyKind.MENTEE_FINAL, SurveyKind.MENTOR_FINAL)
EARLY_KINDS = (SurveyKind.MENTEE_EXIT, SurveyKind.MENTOR_EXIT)
END_KINDS = COMPLETED_KINDS + EARLY_KINDS
GROUPS = [("completed", "Completed", COMPLETED_KINDS),
          ("early", "Ended early", EARLY_KINDS), ("all", "Together", END_KINDS)]

WORTH_IT = [("yes", "Yes"), ("not_sure", "Not sure"), ("no", "No")]
AGAIN = [("yes", "Yes"), ("yes_if", "Yes, if conditions change"), ("no", "No")]
SHORT_KIND = {SurveyKind.MENTEE_BASELINE: "Mentee baseline",
              SurveyKind.MENTEE_FINAL: "Mentee final", SurveyKind.MENTOR_FINAL: "Mentor final",
              SurveyKind.MENTEE_EXIT: "Mentee exit (ended early)",
              SurveyKind.MENTOR_EXIT: "Mentor exit (ended early)",
              SurveyKind.MENTEE_FOLLOWUP: "Alumni follow-ups"}
# Bins for the distribution charts of the two headline numbers: (label, low, high).
DELTA_P_BINS = [("below 0", None, -0.05), ("0", -0.05, 0.05), ("1–9", 0.05, 9.95),
                ("10–19", 9.95, 19.95), ("20–29", 19.95, 29.95), ("30 or more", 29.95, None)]
MONTHS_BINS = [("below 0", None, -0.05), ("0", -0.05, 0.05), ("up to 2", 0.05, 2.95),
               ("3–5", 2.95, 5.95), ("6–11", 5.95, 11.95), ("12 or more", 11.95, None)]
BENCHMARK_HOURS = (5, 15)  # the pilot's "5–15 mentor-hours per mentee"


def rate(part, whole) -> float | None:
    return 100.0 * part / whole if whole else None


def _sum(values: Iterable) -> int:
    return sum(values)


def bins(histogram: dict, edges) -> list[int]:
    counts = []
    for _, low, high in edges:
        counts.append(sum(n for v, n in histogram.items()
                          if (low is None or float(v) > low) and (high is None
                                                                  or float(v) <= high)))
    return counts


def summary(histogram: dict, asked: int | None = None) -> dict:
    """n, mean, median and the 95% CI of the mean, with how many were asked."""
    s = summarize(histogram)
    return {"n": s.n, "suppressed": s.n < MIN_RESPONSES, "mean": s.mean, "median": s.median,
            "sd": s.sd, "ci_low": s.ci_low, "ci_high": s.ci_high, "has_ci": s.has_ci,
            "asked": asked, "rate": rate(s.n, asked) if asked else None}


def share(part: int, n: int, asked: int | None = None) -> dict:
    """A share in % with its 95% Wilson interval, and the response rate."""
    s = Share(part, n)
    low_high = s.interval()
    return {"n": n, "part": part, "suppressed": n < MIN_RESPONSES, "share": s.percent,
            "ci_low": low_high[0] if low_high else None,
            "ci_high": low_high[1] if low_high else None,
            "asked": asked, "rate": rate(n, asked) if asked else None}


class Figures(MatsFigures, AlumniFigures, MentorFigures):
    """All figures for the programs in `program_ids` (every program if None)."""

    def __init__(self, raw: Raw, program_ids: Iterable[int] | None = None):
        self.raw = raw
        self.ids = [p["id"] for p in raw.programs] if program_ids is None else list(program_ids)
        self._id_set = set(self.ids)

    # --- helpers over the scope's programs -------------------------------------------

    def keys(self, kinds, figure: str) -> list[str]:
        """The question keys of `figure` in these surveys, in the questions' order."""
        found = {key for (pid, kind, key, _), name in self.raw.figures.items()
                 if name == figure and kind in kinds and pid in self._id_set}
        return sorted(found, key=lambda key: self._order(kinds, key))

    def _order(self, kinds, key):
        for kind in kinds:
            q = self.raw.questions.get((kind, key))
            if q:
                return (q["order"], key)
        return (10_000, key)

    def _cells(self, kinds, figure: str, key: str | None, months: int | None = None):
        """The cells (``queries.Raw.asked``) of `figure`: every follow-up round unless
        `months` names one."""
        for where, name in self.raw.figures.items():
            pid, kind, k, m = where
            if (name == figure and kind in kinds and pid in self._id_set and key in (None, k)
                    and months in (None, m)):
                yield where

    def numbers(self, kinds, figure: str, key: str | None = None,
                months: int | None = None) -> dict:
        return merge(*(self.raw.numbers.get(w, {})
                       for w in self._cells(kinds, figure, key, months)))

    def choices(self, kinds, figure: str, key: str | None = None,
                months: int | None = None) -> dict[str, int]:
        total: dict[str, int] = {}
        for where in self._cells(kinds, figure, key, months):
            for value, n in self.raw.choices.get(where, {}).items():
                total[value] = total.get(value, 0) + n
        return total

    def asked(self, kinds, figure: str, key: str | None = None,
              months: int | None = None) -> int:
        """People sent a survey that asks this figure's question (`key`, or any)."""
        return _sum(self.raw.asked.get(w, 0) for w in self._cells(kinds, figure, key, months))

    def label(self, kinds, key: str) -> str:
        for kind in kinds:
            q = self.raw.questions.get((kind, key))
            if q:
                return q["label"]
        return key

    def choice_labels(self, kinds, key_or_figure: str) -> list[tuple[str, str]]:
        """The question's (value, label) choices: a list of the caller's own to extend."""
        for kind in kinds:
            q = self.raw.questions.get((kind, key_or_figure))
            if q:
                return list(q["choices"])
        return []

    def _mentees(self, name: str) -> int:
        return _sum(self.raw.mentees.get(pid, {}).get(name, 0) for pid in self.ids)

    def number_figure(self, kinds, figure: str, key: str | None = None,
                      months: int | None = None) -> dict:
        return summary(self.numbers(kinds, figure, key, months),
                       self.asked(kinds, figure, key, months))

    def options(self, kinds, figure: str, options) -> dict:
        counts = self.choices(kinds, figure)
        n = sum(counts.get(value, 0) for value, _ in options)
        asked = self.asked(kinds, figure)
        return {
            "n": n, "suppressed": n < MIN_RESPONSES, "asked": asked, "rate": rate(n, asked),
            "options": [{"value": value, "label": label, "count": counts.get(value, 0),
                         "share": rate(counts.get(value, 0), n)} for value, label in options],
        }

    # --- the figures -------------------------------------------------------------------

    def funnel(self) -> dict:
        apps = [self.raw.applications.get(pid, {}) for pid in self.ids]
        applied = _sum(sum(a.values()) for a in apps)
        accepted = _sum(a.get("accepted", 0) for a in apps)
        redirected = _sum(a.get("redirected", 0) for a in apps)
        matched, completed = self._mentees("matched"), self._mentees("completed")
        stages = [
            {"key": "applied", "label": "Applied", "count": applied, "rate": None,
             "of": ""},
            {"key": "accepted", "label": "Accepted", "count": accepted,
             "rate": rate(accepted, applied), "of": "of applicants"},
            {"key": "redirected", "label": "Redirected", "count": redirected,
             "rate": rate(redirected, applied), "of": "of applicants"},
            {"key": "matched", "label": "Matched", "count": matched,
             "rate": rate(matched, accepted), "of": "of accepted"},
            {"key": "completed", "label": "Completed", "count": completed,
             "rate": rate(completed, matched), "of": "of matched"},
        ]
        return {
            "stages": stages,
            "waitlisted": _sum(a.get("waitlisted", 0) for a in apps),
            "declined": _sum(a.get("declined", 0) for a in apps),
            "pending": _sum(a.get("pending", 0) for a in apps),
            "mentor_added": self._mentees("matched_all") - matched,
            "mentor_added_completed": self._mentees("completed_all") - completed,
            "ended_early": self._mentees("ended_early"),
        }

    def responses(self) -> list[dict]:
        rows = []
        for kind in SurveyKind.values:
            cells = [self.raw.invitations.get((pid, kind), {}) for pid in self.ids]
            sent = _sum(c.get("sent", 0) for c in cells)
            answered = _sum(c.get("answered", 0) for c in cells)
            rows.append({"kind": kind, "label": SHORT_KIND[kind], "sent": sent,
                         "answered": answered,
                         "in_progress": _sum(c.get("in_progress", 0) for c in cells),
                         "rate": rate(answered, sent)})
        return rows

    def _with_bound(self, kinds, figure: str) -> dict:
        histogram = self.numbers(kinds, figure)
        result = summary(histogram, self.asked(kinds, figure))
        result["bound"] = non_response_bound(histogram, result["asked"] or 0)
        return result

    def outcomes(self) -> dict:
        """The mentees' own estimates at the end, completed and ended early together."""
        delta = self._with_bound(END_KINDS, "delta_p")
        months = self._with_bound(END_KINDS, "months_saved")
        # Paid a stipend: from the payments app, over every ended mentorship (no survey
        # asks what the app knows).
        ended = self._mentees("completed_mentorships") + self._mentees("ended_early")
        granted = _sum((self.raw.stipend_mentorships or {}).get((pid, status), 0)
                       for pid in self.ids for status in (COMPLETED, ENDED_EARLY))
        return {
            "delta_p": {**delta, "bins": bins(self.numbers(END_KINDS, "delta_p"),
                                              DELTA_P_BINS),
                        "labels": [b[0] for b in DELTA_P_BINS]},
            "months": {**months, "bins": bins(self.numbers(END_KINDS, "months_saved"),
                                              MONTHS_BINS),
                       "labels": [b[0] for b in MONTHS_BINS]},
            "hours": self.number_figure(END_KINDS, "hours_put_in"),
            "funded": (share(granted, ended) if self.raw.stipend_mentorships is not None
                       else None),
        }

    def by_end(self) -> dict:
        """The headline measures for completed mentorships, those that ended early, and
        both together: each cell with its n, the people asked and the response rate."""
        rows = []
        for key, label, unit in (("delta_p", "Δp(full-time)", "pp"),
                                 ("months_saved", "Months saved", "months")):
            rows.append({"key": key, "label": label, "unit": unit, "kind": "mean",
                         "cells": [self._with_bound(kinds, key) for _, _, kinds in GROUPS]})
        rows.append({"key": "recommend", "label": "Net Promoter Score", "kind": "nps",
                     "cells": [self._nps(kinds, "recommend") for _, _, kinds in GROUPS]})
        rows.append({"key": "hours_put_in", "label": "Hours the mentee put in",
                     "unit": "h", "kind": "mean",
                     "cells": [self.number_figure(kinds, "hours_put_in")
                               for _, _, kinds in GROUPS]})
        rows.append({"key": "mentor_rating", "label": "Rating of the mentor (1–10)",
                     "kind": "mean",
                     "cells": [self.number_figure(kinds, "mentor_rating")
                               for _, _, kinds in GROUPS]})
        for figure, label, yes in (("worth_it", "Mentors: worth their time", ("yes",)),
                                   ("mentor_again", "Mentors: would mentor again",
                                    MENTOR_AGAIN)):
            cells = []
            for _, _, kinds in GROUPS:
                counts = self.choices(kinds, figure)
                cells.append(share(sum(counts.get(v, 0) for v in yes), sum(counts.values()),
                                   self.asked(kinds, figure)))
            rows.append({"key": figure, "label": label, "kind": "share", "cells": cells})
        ended = [self._mentees("completed_mentorships"), self._mentees("ended_early")]
        return {"groups": [{"key": k, "label": label} for k, label, _ in GROUPS],
                "ended": [*ended, sum(ended)], "rows": rows}

    def _nps(self, kinds, figure: str, key: str | None = None, *, low: int = 0) -> dict:
        """The NPS of a scale's answers (9–10 promoters, 6 and under detractors), with
        each score's count from `low` to 10."""
        histogram = self.numbers(kinds, figure, key)
        result = nps(histogram)
        asked = self.asked(kinds, figure, key)
        return {
            "n": result.n, "suppressed": result.n < MIN_RESPONSES, "score": result.score,
            "promoters": result.share(result.promoters),
            "passives": result.share(result.passives),
            "detractors": result.share(result.detractors),
            "mean": summarize(histogram).mean, "asked": asked, "rate": rate(result.n, asked),
            "distribution": [histogram.get(float(v), 0) for v in range(low, 11)],
            "low": low,
        }

    def nps(self) -> dict:
        return self._nps(END_KINDS, "recommend")

    def mentors(self) -> dict:
        again = self.options(END_KINDS, "mentor_again", AGAIN)
        again_share = None
        if again["n"]:
            again_share = sum(o["share"] for o in again["options"] if o["value"] != "no")
        return {"worth_it": self.options(END_KINDS, "worth_it", WORTH_IT), "again": again,
                "again_share": again_share, "per_mentor": self.per_mentor()}

    def ratings(self) -> list[dict]:
        rows = []
        for key in self.keys(END_KINDS, "mentee_rating"):
            histogram = self.numbers(END_KINDS, "mentee_rating", key)
            rows.append({"key": key, "label": self.label(END_KINDS, key),
                         **summary(histogram, self.asked(END_KINDS, "mentee_rating", key)),
                         "distribution": [histogram.get(float(v), 0) for v in range(1, 11)]})
        return rows

    def change(self) -> list[dict]:
        rows = []
        keys = [*self.keys(END_KINDS + (BASELINE,), "self_rating"),
                *self.keys(END_KINDS + (BASELINE,), "p_fulltime")]
        for key in keys:
            pairs: dict = {}
            for pid in self.ids:
                for (before, after), n in self.raw.pairs.get((pid, key), {}).items():
                    pairs[(before, after)] = pairs.get((before, after), 0) + n
            diffs: dict = {}
            for (before, after), n in pairs.items():
                diffs[after - before] = diffs.get(after - before, 0) + n
            n = sum(pairs.values())
            rows.append({
                "key": key, "label": self.label(END_KINDS + (BASELINE,), key),
                "figure": self.raw.questions.get((BASELINE, key), {}).get("figure", ""),
                **summary(diffs),
                "before": (sum(float(b) * c for (b, _), c in pairs.items()) / n) if n else None,
                "after": (sum(float(a) * c for (_, a), c in pairs.items()) / n) if n else None,
            })
        return rows

    def cost(self) -> dict:
        completed = self._mentees("completed_mentorships")
        minutes = _sum(self.raw.minutes.get((pid, COMPLETED), 0) for pid in self.ids)
        early = _sum(self.raw.minutes.get((pid, ENDED_EARLY), 0) for pid in self.ids)
        result = {
            "completed": completed,
            "logged_hours": minutes / 60,
            "early_hours": early / 60,
            "hours_per_mentee": (minutes / 60 / completed) if completed else None,
            "benchmark": BENCHMARK_HOURS,
            "reported_hours": self.number_figure(END_KINDS, "mentor_hours"),
            "stipends": None,
        }
        if self.raw.stipends is not None:
            result["stipends"] = self._stipends(completed)
        return result

    def _stipends(self, completed: int) -> list[dict]:
        by_currency: dict[str, dict] = {}
        for (pid, currency, role, status), total in self.raw.stipends.items():
            if pid not in self._id_set:
                continue
            row = by_currency.setdefault(currency, {
                "currency": currency, "paid": Decimal(0), "approved": Decimal(0),
                "mentee": Decimal(0), "mentor": Decimal(0)})
            row[status] = row.get(status, Decimal(0)) + total
            row[role] = row.get(role, Decimal(0)) + total
        if not by_currency:
            currencies = {p["currency"] for p in self.raw.programs if p["id"] in self._id_set}
            by_currency = {c: {"currency": c, "paid": Decimal(0), "approved": Decimal(0),
                               "mentee": Decimal(0), "mentor": Decimal(0)}
                           for c in sorted(currencies)}
        rows = []
        for row in by_currency.values():
            spend = row["paid"] + row["approved"]
            rows.append({**row, "spend": spend,
                         "per_completed": (spend / completed) if completed else None})
        return sorted(rows, key=lambda r: r["currency"])

    def all(self) -> dict:
        return {
            "funnel": self.funnel(), "responses": self.responses(),
            "outcomes": self.outcomes(), "by_end": self.by_end(), "nps": self.nps(),
            "mentors": self.mentors(), "ratings": self.ratings(), "change": self.change(),
            "cost": self.cost(), "mats": self.mats(), "exits": self.exits(),
            "alumni": self.alumni(),
        }


def by_program(raw: Raw) -> list[dict]:
    """The headline figures of each program, side by side (one chart compares them)."""
    rows = []
    for program in raw.programs:
        figures = Figures(raw, [program["id"]])
        outcomes, score, mentors = figures.outcomes(), figures.nps(), figures.mentors()
        cost, funnel = figures.cost(), figures.funnel()
        ends = [r for r in figures.responses() if r["kind"] in END_KINDS]
        sent = sum(r["sent"] for r in ends)
        answered = sum(r["answered"] for r in ends)
        worth = mentors["worth_it"]
        alumni = figures.alumni_totals()
        rows.append({
            "program": program,
            "applied": funnel["stages"][0]["count"],
            "completed": funnel["stages"][-1]["count"],
            "ended_early": funnel["ended_early"],
            "response_rate": rate(answered, sent), "answered": answered, "sent": sent,
            "delta_p": outcomes["delta_p"], "months": outcomes["months"], "nps": score,
            "worth_it": {"n": worth["n"], "suppressed": worth["suppressed"],
                         "share": worth["options"][0]["share"]},
            "hours_per_mentee": cost["hours_per_mentee"],
            "stipends": cost["stipends"],
            "funded_or_hired": alumni,
        })
    return rows
