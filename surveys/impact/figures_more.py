"""The figures beyond the pilot's: the MATS survey's own measures, why mentorships ended
early, alumni outcomes per cohort against the program's goal, and mentors counted once
each. Mixed into ``surveys.impact.figures.Figures``, whose helpers they use."""

from __future__ import annotations

from surveys.models import ProgramOutcomes, SurveyKind
from surveys.named_figures import FUNDED_OR_HIRED, MENTOR_AGAIN

from .queries import COMPLETED, ENDED, ENDED_EARLY
from .stats import MIN_RESPONSES, Share, summarize

FOLLOWUP = (SurveyKind.MENTEE_FOLLOWUP,)
ENDS = (SurveyKind.MENTEE_FINAL, SurveyKind.MENTOR_FINAL, SurveyKind.MENTEE_EXIT,
        SurveyKind.MENTOR_EXIT)


def _rate(part, whole):
    return 100.0 * part / whole if whole else None


def _share(part: int, n: int, asked: int | None = None) -> dict:
    s = Share(part, n)
    interval = s.interval()
    return {"n": n, "part": part, "suppressed": n < MIN_RESPONSES, "share": s.percent,
            "ci_low": interval[0] if interval else None,
            "ci_high": interval[1] if interval else None,
            "asked": asked, "rate": _rate(n, asked) if asked else None}


def _per_unit(values: list[float], asked: int | None = None) -> dict:
    """The mean over units (mentors), each counted once, with its CI."""
    histogram: dict[float, int] = {}
    for value in values:
        histogram[round(value, 6)] = histogram.get(round(value, 6), 0) + 1
    s = summarize(histogram)
    return {"n": s.n, "suppressed": s.n < MIN_RESPONSES, "mean": s.mean, "median": s.median,
            "ci_low": s.ci_low, "ci_high": s.ci_high, "has_ci": s.has_ci,
            "asked": asked, "rate": _rate(s.n, asked) if asked else None}


class MatsFigures:
    def mats(self) -> dict:
        """The MATS Summer 2023 survey's measures, from whichever questions feed them."""
        value = self.numbers(ENDS, "mentor_value_share")
        half = sum(n for v, n in value.items() if float(v) >= 50)
        productive = self.numbers(ENDS, "productive_hours")
        keys = self.keys(ENDS, "counterfactual")
        counts = self.choices(ENDS, "counterfactual")
        labels = self.choice_labels(ENDS, keys[0]) if keys else []
        known = {v for v, _ in labels}
        labels += [(v, v) for v in sorted(counts) if v not in known]
        n = sum(counts.values())
        rating = self._nps(ENDS, "mentor_rating", low=1)
        return {
            "mentor_rating": {**self.number_figure(ENDS, "mentor_rating"), "nps": rating},
            "value_share": {**self.number_figure(ENDS, "mentor_value_share"),
                            "at_least_half": _share(half, sum(value.values()))},
            "counterfactual": {
                "n": n, "suppressed": n < MIN_RESPONSES,
                "asked": self.asked(ENDS, "counterfactual"),
                "rate": _rate(n, self.asked(ENDS, "counterfactual")),
                "options": [{"value": v, "label": label, "count": counts.get(v, 0),
                             "share": _rate(counts.get(v, 0), n)} for v, label in labels]},
            "productive_hours": {**self.number_figure(ENDS, "productive_hours"),
                                 "total": sum(float(v) * c for v, c in productive.items())},
            "grant_equivalent": self.number_figure(ENDS, "grant_equivalent"),
            "elements": [{"key": key, "label": self.label(ENDS, key),
                          **self._nps(ENDS, "element_nps", key, low=1)}
                         for key in self.keys(ENDS, "element_nps")],
        }

    def exits(self) -> list[dict]:
        """Why mentorships ended early, as each side says in the exit survey."""
        rows = []
        for kind, who in ((SurveyKind.MENTEE_EXIT, "Mentees"),
                          (SurveyKind.MENTOR_EXIT, "Mentors")):
            kinds = (kind,)
            keys = self.keys(kinds, "exit_reason")
            counts = self.choices(kinds, "exit_reason")
            labels = self.choice_labels(kinds, keys[0]) if keys else []
            n = sum(counts.values())
            asked = self.asked(kinds, "exit_reason")
            rows.append({"kind": kind, "who": who, "n": n, "suppressed": n < MIN_RESPONSES,
                         "asked": asked, "rate": _rate(n, asked),
                         "options": [{"value": v, "label": label, "count": counts.get(v, 0),
                                      "share": _rate(counts.get(v, 0), n)}
                                     for v, label in labels]})
        return rows


class AlumniFigures:
    def _goal(self, pid: int) -> int:
        return self.raw.settings.get(pid, (None, ProgramOutcomes.DEFAULT_GOAL))[1]

    def _cohort_cell(self, pid, cohort, months, statuses) -> tuple[dict, dict, int, int]:
        """(funded or hired, full-time) shares and (sent, answered) for the cohort."""
        sent = answered = yes = n = ft_yes = ft_n = 0
        for status in statuses:
            s, a = self.raw.cohort_asked.get((pid, cohort, status, months), (0, 0))
            sent, answered = sent + s, answered + a
            counts = self.raw.cohort_answers.get((pid, cohort, status, months,
                                                  "funded_or_hired"), {})
            yes += sum(counts.get(v, 0) for v in FUNDED_OR_HIRED)
            n += sum(counts.values())
            counts = self.raw.cohort_answers.get((pid, cohort, status, months,
                                                  "fulltime_in_field"), {})
            ft_yes += counts.get("yes", 0)
            ft_n += sum(counts.values())
        funded = _share(yes, n, sent)
        # As if everyone asked who did not answer was neither funded nor hired.
        funded["bound"] = None if funded["suppressed"] or not sent else 100.0 * yes / max(
            sent, n)
        return funded, _share(ft_yes, ft_n, sent), sent, answered

    def alumni(self) -> dict:
        """Share funded or hired per cohort (the half-year the mentorships started) and
        follow-up, completed and ended early apart and together, against the goal."""
        names = {p["id"]: p["name"] for p in self.raw.programs}
        cohorts = sorted({(pid, c) for (pid, c, _, _) in self.raw.cohort_asked
                          if pid in self._id_set}, key=lambda pc: (names[pc[0]], pc[1]))
        many = len({pid for pid, _ in cohorts}) > 1  # name the program only when it tells
        offsets = sorted({m for (pid, _, _, m) in self.raw.cohort_asked
                          if pid in self._id_set})
        rows = []
        for pid, cohort in cohorts:
            ended = sum(self.raw.cohort_ended.get((pid, cohort, s), 0) for s in ENDED)
            for months in offsets:
                funded, fulltime, sent, answered = self._cohort_cell(pid, cohort, months,
                                                                     ENDED)
                if not sent:
                    continue
                rows.append({
                    "program": names[pid], "cohort": cohort,
                    "label": f"{names[pid]}, {cohort}" if many else cohort,
                    "months": months, "ended": ended, "sent": sent, "answered": answered,
                    "rate": _rate(answered, sent), "goal": self._goal(pid),
                    "funded": funded, "fulltime": fulltime,
                    "completed": self._cohort_cell(pid, cohort, months, (COMPLETED,))[0],
                    "early": self._cohort_cell(pid, cohort, months, (ENDED_EARLY,))[0],
                })
        goals = sorted({self._goal(pid) for pid in self.ids})
        return {"rows": rows, "offsets": offsets, "goals": goals,
                "totals": self.alumni_totals(offsets),
                "now": [self._alumni_now(months) for months in offsets]}

    def _alumni_now(self, months: int) -> dict:
        """What alumni answered at one follow-up round: what they do now, full-time in the
        field, how much the program contributed, and how many listed who funded them and
        their publications or projects. Rounds are never merged: someone asked at 6 and 12
        months would count twice."""
        keys = self.keys(FOLLOWUP, "occupation")
        labels = self.choice_labels(FOLLOWUP, keys[0]) if keys else []
        counts = self.choices(FOLLOWUP, "occupation", months=months)
        known = {v for v, _ in labels}  # (the same rows at every round, in the same order)
        labels += [(v, v) for v in sorted(self.choices(FOLLOWUP, "occupation"))
                   if v not in known]
        n = sum(counts.values())
        asked = self.asked(FOLLOWUP, "occupation", months=months)
        fulltime = self.choices(FOLLOWUP, "fulltime_in_field", months=months)
        return {
            "months": months,
            "occupation": {"n": n, "asked": asked, "rate": _rate(n, asked),
                           "suppressed": n < MIN_RESPONSES,
                           "options": [{"value": v, "label": label,
                                        "count": counts.get(v, 0),
                                        "share": _rate(counts.get(v, 0), n)}
                                       for v, label in labels]},
            "fulltime": _share(fulltime.get("yes", 0), sum(fulltime.values()),
                               self.asked(FOLLOWUP, "fulltime_in_field", months=months)),
            "contribution": self.number_figure(FOLLOWUP, "program_contribution",
                                               months=months),
            "outputs": self._listed(months, "outputs"),
            "funded_by": self._listed(months, "funded_by"),
        }

    def _listed(self, months: int, figure: str) -> dict:
        """How many answered a free-text follow-up question (it is optional: answering is
        listing something), with the key of its list of answers."""
        keys = self.keys(FOLLOWUP, figure)
        n = sum(self.raw.texts.get(w, 0) for w in self._cells(FOLLOWUP, figure, None, months))
        asked = self.asked(FOLLOWUP, figure, months=months)
        return {"n": n, "asked": asked, "rate": _rate(n, asked),
                "key": keys[0] if keys else None}

    def alumni_totals(self, offsets=None) -> list[dict]:
        """Share funded or hired at each follow-up, every cohort together."""
        if offsets is None:
            offsets = sorted({m for (pid, _, _, m) in self.raw.cohort_asked
                              if pid in self._id_set})
        cohorts = {(pid, c) for (pid, c, _, _) in self.raw.cohort_asked if pid in self._id_set}
        totals = []
        for months in offsets:
            sent = yes = n = 0
            for pid, cohort in cohorts:
                cell, _, s, _ = self._cohort_cell(pid, cohort, months, ENDED)
                sent, yes, n = sent + s, yes + cell["part"], n + cell["n"]
            funded = _share(yes, n, sent)
            funded["bound"] = (None if funded["suppressed"] or not sent
                               else 100.0 * yes / max(sent, n))
            totals.append({"months": months, **funded})
        return totals


class MentorFigures:
    def per_mentor(self) -> dict:
        """Each mentor counted once: how many mentees they saw to an end, the hours they
        logged, and the share of their own end surveys that said it was worth their time
        (and that they would mentor again), averaged over mentors."""
        mentors = {key: row for key, row in self.raw.mentors.items()
                   if key[0] in self._id_set}
        worth, again, reported = [], [], []
        for pid, mentor in mentors:
            counts = self.raw.mentor_answers.get((pid, mentor, "worth_it"), {})
            if sum(counts.values()):
                worth.append(counts.get("yes", 0) / sum(counts.values()))
            counts = self.raw.mentor_answers.get((pid, mentor, "mentor_again"), {})
            if sum(counts.values()):
                again.append(sum(counts.get(v, 0) for v in MENTOR_AGAIN)
                             / sum(counts.values()))
            counts = self.raw.mentor_answers.get((pid, mentor, "mentor_hours"), {})
            if counts:
                reported.append(sum(float(v) * c for v, c in counts.items()))
        n = len(mentors)
        return {
            "mentors": n,
            "mentees": _per_unit([row["ended"] for row in mentors.values()]),
            "hours": _per_unit([row["minutes"] / 60 for row in mentors.values()]),
            "worth_it": _as_percent(_per_unit(worth, n)),
            "again": _as_percent(_per_unit(again, n)),
            "reported_hours": _per_unit(reported, n),
        }

    def mentor_rows(self) -> list[dict]:
        """One row per mentor (organizers only): mentorships ended, hours logged, their own
        worth-it and would-mentor-again answers, their mentees' ratings of them and their
        mentees' follow-up outcomes. Each share and mean is suppressed under 5 answers."""
        names = {p["id"]: p["name"] for p in self.raw.programs}
        outcomes = self._mentor_outcomes()
        rows = []
        for (pid, mentor), row in self.raw.mentors.items():
            if pid not in self._id_set:
                continue

            def counts(figure, pid=pid, mentor=mentor):
                return self.raw.mentor_answers.get((pid, mentor, figure), {})

            worth, again = counts("worth_it"), counts("mentor_again")
            rating = summarize(counts("mentor_rating"))
            rows.append({
                "mentor_id": mentor, "name": self.raw.mentor_names.get(mentor, "?"),
                "program": names[pid], "ended": row["ended"], "completed": row["completed"],
                "hours": row["minutes"] / 60,
                "worth_it": _share(worth.get("yes", 0), sum(worth.values())),
                "again": _share(sum(again.get(v, 0) for v in MENTOR_AGAIN),
                                sum(again.values())),
                "rating": {"n": rating.n, "suppressed": rating.n < MIN_RESPONSES,
                           "mean": rating.mean, "ci_low": rating.ci_low,
                           "ci_high": rating.ci_high, "has_ci": rating.has_ci},
                "funded_or_hired": outcomes.get((pid, mentor), []),
            })
        return sorted(rows, key=lambda r: (r["program"], r["name"], r["mentor_id"]))

    def _mentor_outcomes(self) -> dict[tuple[int, int], list[dict]]:
        """{(program, mentor): the share of their mentees funded or hired at each
        follow-up}: apart, so that a mentee who answered at 6 and at 12 months counts once
        in each, never twice in one share (nor as two of the 5 answers a share needs)."""
        found: dict[tuple[int, int], list[dict]] = {}
        for (pid, mentor, months), counts in sorted(self.raw.mentor_followups.items()):
            if pid in self._id_set and counts:
                found.setdefault((pid, mentor), []).append({"months": months, **_share(
                    sum(counts.get(v, 0) for v in FUNDED_OR_HIRED), sum(counts.values()))})
        return found


def _as_percent(summary: dict) -> dict:
    for key in ("mean", "median", "ci_low", "ci_high"):
        if summary[key] is not None:
            summary[key] = max(0.0, min(100.0, 100.0 * summary[key])) \
                if key in ("ci_low", "ci_high") else 100.0 * summary[key]
    return summary
