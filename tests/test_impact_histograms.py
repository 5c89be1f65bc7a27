"""A number question's histogram: a bar per number on a short scale (a 0–10 scale, the
numbers nobody chose included), about ten round bins otherwise (hours, dollars, Δp), so a
panel stays a chart's height and its gaps show."""

from decimal import Decimal
from types import SimpleNamespace

from surveys.impact.questions import histogram_bars, question_panels

HOURS = ("mentee_final", "hours_total")


def test_a_short_scale_gets_a_bar_per_number_chosen_or_not():
    bars = histogram_bars([(0.0, 2), (7.0, 1), (10.0, 3)])
    assert [b["label"] for b in bars] == [str(v) for v in range(11)]
    assert [b["count"] for b in bars] == [2, 0, 0, 0, 0, 0, 0, 1, 0, 0, 3]
    assert histogram_bars([(2.5, 4)]) == [{"label": "2.5", "count": 4}]


def test_few_values_far_apart_are_binned_so_the_gaps_show():
    # Δp answers -5, 0, 10, 40: a span of 45 in bins of 5 from -5; 25 to 39 are empty.
    bars = histogram_bars([(-5.0, 1), (0.0, 2), (10.0, 3), (40.0, 1)])
    assert bars[0] == {"label": "-5 to -1", "count": 1}
    assert [b["count"] for b in bars] == [1, 2, 0, 3, 0, 0, 0, 0, 0, 1]


def test_many_whole_numbers_fall_in_round_bins_by_hand():
    # 1..30 once each: a span of 29 in ten bins is 2.9 wide, rounded up to 5; from 0.
    bars = histogram_bars([(float(v), 1) for v in range(1, 31)])
    assert [b["label"] for b in bars] == ["0–4", "5–9", "10–14", "15–19", "20–24",
                                          "25–29", "30–34"]
    assert [b["count"] for b in bars] == [4, 5, 5, 5, 5, 5, 1]


def test_fractions_and_gaps():
    # 13 values from 0.5 to 12.5 plus 40: width 5 (a span of 39.5), the empty bins kept.
    values = [(v + 0.5, 1) for v in range(13)] + [(40.0, 2)]
    bars = histogram_bars(values)
    assert bars[0] == {"label": "0 to under 5", "count": 5}
    assert [b["count"] for b in bars] == [5, 5, 3, 0, 0, 0, 0, 0, 2]
    assert sum(b["count"] for b in bars) == 15


def test_the_question_panel_shows_the_bins():
    cell = (1, *HOURS, 0)  # program, survey, key, months after (not a follow-up)
    numbers = {cell: {Decimal(v): 1 for v in range(10, 310, 10)}}  # 30 values
    raw = SimpleNamespace(
        numbers=numbers, asked={cell: 40}, answered={cell: 30},
        questions={HOURS: {"text": "Hours?", "label": "Hours", "type": "hours",
                           "figure": "hours_put_in", "choices": [], "order": 10}})
    panel, = question_panels(SimpleNamespace(raw=raw, _id_set={1}))
    assert (panel["n"], panel["asked"], panel["mean"]) == (30, 40, 155.0)
    assert len(panel["bars"]) == 7 and panel["bars"][0] == {"label": "0–49", "count": 4}
    assert panel["top"] == 5
