"""Named figures: the standard panels of the impact dashboard, each fed by whichever
questions organizers attach to it (``Question.figure``).

A program's own survey drives the standard panels this way: a question "How would you
rate your mentor?" attached to ``mentor_rating`` is counted in the mentor-rating panel,
whatever its key, wording or template. The default templates (``surveys.seed``) attach
their questions; a question attached to nothing is still reported on its own, by its type
(``surveys.impact.questions``).

A figure says what it reads: numbers (a number or scale question) or choices (a single
or multiple choice question, whose values it may require: the worth-it share counts
"yes"), or text (a free-text list). ``many`` figures take several questions per survey
(the mentor's ratings of depth, breadth, …: one series each); the others take one.
``Question.clean`` checks a question against its figure with these words.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import question_types

MENTEE, MENTOR, EITHER = "mentee", "mentor", "either"


@dataclass(frozen=True)
class NamedFigure:
    name: str
    label: str
    reads: str  # "numbers", "choices" or "text": a question type's ``reported_as``
    role: str = MENTEE  # who answers the surveys it reads
    many: bool = False
    values: tuple[str, ...] = ()  # the choice values it counts, when it needs them
    help: str = ""


_FIGURES: dict[str, NamedFigure] = {}


def _add(*figures: NamedFigure) -> None:
    for figure in figures:
        _FIGURES[figure.name] = figure


_add(
    # The M&M pilot's evaluation (mentee end surveys).
    NamedFigure("delta_p", "Δp(full-time), percentage points", "numbers",
                help="Change in the probability of full-time work in the field."),
    NamedFigure("months_saved", "Months saved on the way to full-time work", "numbers"),
    NamedFigure("hours_put_in", "Hours the mentee put in", "numbers"),
    NamedFigure("recommend", "Recommend the program (NPS)", "numbers",
                help="A 0–10 scale: promoters 9–10, detractors 0–6."),
    NamedFigure("self_rating", "Self-rating, start and end (1–10)", "numbers", many=True,
                help="Asked in the baseline and again at the end, with the same key."),
    NamedFigure("p_fulltime", "p(full-time), start and end (%)", "numbers",
                help="Asked in the baseline and again at the end, with the same key."),
    # The MATS survey's own measures (seed 001).
    NamedFigure("mentor_rating", "Mentee's rating of their mentor (1–10)", "numbers",
                help="MATS Summer 2023: 8.0/10 on average, NPS 29."),
    NamedFigure("mentor_value_share", "Share of the program's value from the mentor (%)",
                "numbers", help="MATS: 61% said at least half."),
    NamedFigure("counterfactual", "Counterfactual use of the time", "choices",
                help="How useful the time would have been without the program."),
    NamedFigure("productive_hours", "Productive hours gained", "numbers"),
    NamedFigure("grant_equivalent", "Grant-equivalent valuation", "numbers",
                help="The grant that would have been worth as much as the support."),
    NamedFigure("element_nps", "Recommend a support element (NPS)", "numbers", many=True,
                help="One question per element (coaching, workshops, …): one NPS each."),
    # Mentor end surveys.
    NamedFigure("worth_it", "Mentor: worth their time", "choices", role=MENTOR,
                values=("yes", "not_sure", "no")),
    NamedFigure("mentor_again", "Mentor: would mentor again", "choices", role=MENTOR,
                values=("yes", "yes_if", "no")),
    NamedFigure("mentor_hours", "Mentor: hours given, as reported", "numbers", role=MENTOR),
    NamedFigure("mentee_rating", "Mentor's rating of the mentee (1–10)", "numbers",
                role=MENTOR, many=True),
    # Exit surveys (a mentorship that ended early).
    NamedFigure("exit_reason", "Why it ended early", "choices", role=EITHER),
    # Alumni follow-ups.
    NamedFigure("occupation", "Occupation now", "choices"),
    NamedFigure("fulltime_in_field", "Full-time in the field now", "choices",
                values=("yes", "no")),
    NamedFigure("funded_or_hired", "Funded or hired since the program", "choices",
                values=("funded", "hired", "both", "neither")),
    NamedFigure("funded_by", "Funded or hired by whom", "text"),
    NamedFigure("outputs", "Publications and projects", "text"),
    NamedFigure("program_contribution", "How much the program contributed (0–10)",
                "numbers"),
)

# The values of funded_or_hired that count as "funded or hired".
FUNDED_OR_HIRED = ("funded", "hired", "both")
# The values of mentor_again that count as "would mentor again" (a yes on conditions too).
MENTOR_AGAIN = ("yes", "yes_if")


def get(name: str) -> NamedFigure | None:
    return _FIGURES.get(name)


def all_figures() -> list[NamedFigure]:
    return list(_FIGURES.values())


def choices() -> list[tuple[str, str]]:
    """``Question.figure``'s choices (a callable: a new figure needs no migration)."""
    return [(f.name, f.label) for f in _FIGURES.values()]


def problems(*, figure_name: str, type_name: str, choice_values: list[str],
             respondent: str) -> list[str]:
    """Why a question of this type, with these choices, in a survey answered by
    `respondent`, can't feed the figure (nothing if it can)."""
    figure = get(figure_name)
    if figure is None:
        return [f"Unknown figure {figure_name!r}."]
    found = []
    reported = question_types.get(type_name).reported_as
    if reported != figure.reads:
        wanted = {"numbers": "a number or scale question", "choices": "a choice question",
                  "text": "a free-text question"}[figure.reads]
        found.append(f"“{figure.label}” reads {wanted}.")
    missing = [v for v in figure.values if v not in choice_values]
    if figure.reads == "choices" and missing:
        found.append(f"“{figure.label}” counts the choice values {', '.join(figure.values)}: "
                     f"add {', '.join(missing)} (as “value | Label” lines).")
    if figure.role not in (EITHER, respondent):
        found.append(f"“{figure.label}” reads {figure.role}s' answers; this survey is "
                     f"answered by {respondent}s.")
    return found
