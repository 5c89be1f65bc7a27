"""The impact dashboard's figures for a set of programs, from ``queries.load()``'s counts.

Each figure is a plain dict the template, the chart data and the CSV export all read. Any
group of survey answers smaller than ``MIN_RESPONSES`` is marked ``suppressed``: it shows
"too few to report" instead of a mean, a share or a chart.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from surveys import seed
from surveys.models import SurveyKind

from .queries import Raw
from .stats import MIN_RESPONSES, merge, nps, summarize

FINAL = SurveyKind.MENTEE_FINAL
MENTOR = SurveyKind.MENTOR_FINAL
BASELINE = SurveyKind.MENTEE_BASELINE

WORTH_IT = [("yes", "Yes"), ("not_sure", "Not sure"), ("no", "No")]
AGAIN = [("yes", "Yes"), ("yes_if", "Yes, if conditions change"), ("no", "No")]
FUNDED = [("yes", "Funded"), ("no", "Not funded")]
RATINGS = [(key, seed.RATING_LABELS[key.split("_", 1)[1]]) for key in seed.MENTEE_RATINGS]
RATINGS.append((seed.SUPPORT, "Support for continuing"))
SELF = [(key, seed.RATING_LABELS[key.split("_", 1)[1]]) for key in seed.SELF_RATINGS]
SELF.append((seed.P_FULLTIME, "p(full-time), %"))
SHORT_KIND = {SurveyKind.MENTEE_BASELINE: "Mentee baseline",
              SurveyKind.MENTEE_FINAL: "Mentee final", SurveyKind.MENTOR_FINAL: "Mentor final"}
# Bins for the distribution charts of the two headline numbers: (label, low, high).
DELTA_P_BINS = [("below 0", None, -0.05), ("0", -0.05, 0.05), ("1–9", 0.05, 9.95),
                ("10–19", 9.95, 19.95), ("20–29", 19.95, 29.95), ("30 or more", 29.95, None)]
MONTHS_BINS = [("below 0", None, -0.05), ("0", -0.05, 0.05), ("up to 2", 0.05, 2.95),
               ("3–5", 2.95, 5.95), ("6–11", 5.95, 11.95), ("12 or more", 11.95, None)]
BENCHMARK_HOURS = (5, 15)  # the pilot's "5–15 mentor-hours per mentee"


def _rate(part, whole) -> float | None:
    return 100.0 * part / whole if whole else None


def _sum(values: Iterable) -> int:
    return sum(values)


def _bins(histogram: dict, bins) -> list[int]:
    counts = []
    for _, low, high in bins:
        counts.append(sum(n for v, n in histogram.items()
                          if (low is None or float(v) > low) and (high is None
                                                                  or float(v) <= high)))
    return counts


def _summary(histogram: dict) -> dict:
    s = summarize(histogram)
    return {"n": s.n, "suppressed": s.n < MIN_RESPONSES, "mean": s.mean, "median": s.median,
            "sd": s.sd, "ci_low": s.ci_low, "ci_high": s.ci_high, "has_ci": s.has_ci}


class Figures:
    """All figures for the programs in `program_ids` (every program if None)."""

    def __init__(self, raw: Raw, program_ids: Iterable[int] | None = None):
        self.raw = raw
        self.ids = [p["id"] for p in raw.programs] if program_ids is None else list(program_ids)

    # --- helpers over the scope's programs -------------------------------------------

    def _numbers(self, kind: str, key: str) -> dict:
        return merge(*(self.raw.numbers.get((pid, kind, key), {}) for pid in self.ids))

    def _choices(self, kind: str, key: str) -> dict:
        total: dict[str, int] = {}
        for pid in self.ids:
            for value, n in self.raw.choices.get((pid, kind, key), {}).items():
                total[value] = total.get(value, 0) + n
        return total

    def _mentees(self, name: str) -> int:
        return _sum(self.raw.mentees.get(pid, {}).get(name, 0) for pid in self.ids)

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
             "rate": _rate(accepted, applied), "of": "of applicants"},
            {"key": "redirected", "label": "Redirected", "count": redirected,
             "rate": _rate(redirected, applied), "of": "of applicants"},
            {"key": "matched", "label": "Matched", "count": matched,
             "rate": _rate(matched, accepted), "of": "of accepted"},
            {"key": "completed", "label": "Completed", "count": completed,
             "rate": _rate(completed, matched), "of": "of matched"},
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
            label = SHORT_KIND[kind]
            cells = [self.raw.invitations.get((pid, kind), {}) for pid in self.ids]
            sent = _sum(c.get("sent", 0) for c in cells)
            answered = _sum(c.get("answered", 0) for c in cells)
            rows.append({"kind": kind, "label": label, "sent": sent, "answered": answered,
                         "in_progress": _sum(c.get("in_progress", 0) for c in cells),
                         "rate": _rate(answered, sent)})
        return rows

    def outcomes(self) -> dict:
        delta = self._numbers(FINAL, seed.DELTA_P)
        months = self._numbers(FINAL, seed.MONTHS_SAVED)
        hours = self._numbers(FINAL, seed.HOURS_TOTAL)
        funded = self._choices(FINAL, seed.FUNDED)
        funded_n = sum(funded.values())
        return {
            "delta_p": {**_summary(delta), "bins": _bins(delta, DELTA_P_BINS),
                        "labels": [b[0] for b in DELTA_P_BINS]},
            "months": {**_summary(months), "bins": _bins(months, MONTHS_BINS),
                       "labels": [b[0] for b in MONTHS_BINS]},
            "hours": _summary(hours),
            "funded": {"n": funded_n, "suppressed": funded_n < MIN_RESPONSES,
                       "share": _rate(funded.get("yes", 0), funded_n)},
        }

    def nps(self) -> dict:
        histogram = self._numbers(FINAL, seed.RECOMMEND)
        result = nps(histogram)
        return {
            "n": result.n, "suppressed": result.n < MIN_RESPONSES, "score": result.score,
            "promoters": result.share(result.promoters),
            "passives": result.share(result.passives),
            "detractors": result.share(result.detractors),
            "mean": summarize(histogram).mean,
            "distribution": [histogram.get(float(v), 0) for v in range(11)],
        }

    def _shares(self, key: str, options) -> dict:
        counts = self._choices(MENTOR, key)
        n = sum(counts.get(value, 0) for value, _ in options)
        return {
            "n": n, "suppressed": n < MIN_RESPONSES,
            "options": [{"value": value, "label": label, "count": counts.get(value, 0),
                         "share": _rate(counts.get(value, 0), n)} for value, label in options],
        }

    def mentors(self) -> dict:
        again = self._shares(seed.MENTOR_AGAIN, AGAIN)
        again_share = None
        if again["n"]:
            again_share = sum(o["share"] for o in again["options"] if o["value"] != "no")
        return {"worth_it": self._shares(seed.WORTH_IT, WORTH_IT), "again": again,
                "again_share": again_share}

    def ratings(self) -> list[dict]:
        rows = []
        for key, label in RATINGS:
            histogram = self._numbers(MENTOR, key)
            rows.append({"key": key, "label": label, **_summary(histogram),
                         "distribution": [histogram.get(float(v), 0) for v in range(1, 11)]})
        return rows

    def change(self) -> list[dict]:
        rows = []
        for key, label in SELF:
            pairs: dict = {}
            for pid in self.ids:
                for (before, after), n in self.raw.pairs.get((pid, key), {}).items():
                    pairs[(before, after)] = pairs.get((before, after), 0) + n
            diffs: dict = {}
            for (before, after), n in pairs.items():
                diffs[after - before] = diffs.get(after - before, 0) + n
            n = sum(pairs.values())
            rows.append({
                "key": key, "label": label, **_summary(diffs),
                "before": (sum(float(b) * c for (b, _), c in pairs.items()) / n) if n else None,
                "after": (sum(float(a) * c for (_, a), c in pairs.items()) / n) if n else None,
            })
        return rows

    def cost(self) -> dict:
        completed = self._mentees("completed_mentorships")
        minutes = _sum(self.raw.minutes.get(pid, 0) for pid in self.ids)
        mentor_hours = self._numbers(MENTOR, seed.MENTOR_HOURS)
        result = {
            "completed": completed,
            "logged_hours": minutes / 60,
            "hours_per_mentee": (minutes / 60 / completed) if completed else None,
            "benchmark": BENCHMARK_HOURS,
            "reported_hours": _summary(mentor_hours),
            "stipends": None,
        }
        if self.raw.stipends is not None:
            result["stipends"] = self._stipends(completed)
        return result

    def _stipends(self, completed: int) -> list[dict]:
        by_currency: dict[str, dict] = {}
        ids = set(self.ids)
        for (pid, currency, role, status), total in self.raw.stipends.items():
            if pid not in ids:
                continue
            row = by_currency.setdefault(currency, {
                "currency": currency, "paid": Decimal(0), "approved": Decimal(0),
                "mentee": Decimal(0), "mentor": Decimal(0)})
            row[status] = row.get(status, Decimal(0)) + total
            row[role] = row.get(role, Decimal(0)) + total
        if not by_currency:
            currencies = {p["currency"] for p in self.raw.programs if p["id"] in ids}
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
            "outcomes": self.outcomes(), "nps": self.nps(), "mentors": self.mentors(),
            "ratings": self.ratings(), "change": self.change(), "cost": self.cost(),
        }


def by_program(raw: Raw) -> list[dict]:
    """The headline figures of each program, side by side."""
    rows = []
    for program in raw.programs:
        figures = Figures(raw, [program["id"]])
        outcomes, score, mentors = figures.outcomes(), figures.nps(), figures.mentors()
        cost, funnel = figures.cost(), figures.funnel()
        finals = [r for r in figures.responses() if r["kind"] != BASELINE]
        sent = sum(r["sent"] for r in finals)
        answered = sum(r["answered"] for r in finals)
        worth = mentors["worth_it"]
        rows.append({
            "program": program,
            "applied": funnel["stages"][0]["count"],
            "completed": funnel["stages"][-1]["count"],
            "response_rate": _rate(answered, sent), "answered": answered,
            "delta_p": outcomes["delta_p"], "months": outcomes["months"], "nps": score,
            "worth_it": {"n": worth["n"], "suppressed": worth["suppressed"],
                         "share": worth["options"][0]["share"]},
            "hours_per_mentee": cost["hours_per_mentee"],
            "stipends": cost["stipends"],
        })
    return rows
