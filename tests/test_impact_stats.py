"""The dashboard's statistics against hand-worked examples (and SciPy, a dev dependency)."""

import math

import pytest
from scipy import stats as scipy_stats

from surveys.impact.stats import median, merge, nps, summarize, t_quantile


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 9, 10, 29, 30, 100, 1000])
@pytest.mark.parametrize("p", [0.975, 0.95, 0.995, 0.6, 0.025])
def test_the_t_quantile_matches_scipy(df, p):
    assert t_quantile(p, df) == pytest.approx(scipy_stats.t.ppf(p, df), rel=1e-9, abs=1e-9)


def test_known_t_values_from_the_table():
    assert t_quantile(0.975, 1) == pytest.approx(12.7062, abs=1e-4)
    assert t_quantile(0.975, 4) == pytest.approx(2.7764, abs=1e-4)
    assert t_quantile(0.975, 9) == pytest.approx(2.2622, abs=1e-4)
    assert t_quantile(0.5, 7) == 0.0


def test_the_mean_its_ci_and_the_median_by_hand():
    # Δp answers 10, 20, 30, 15, 25 (pp): mean 20, sd sqrt(62.5) = 7.9057,
    # t(0.975, 4) = 2.776445, half width = 2.776445 * 7.9057 / sqrt(5) = 9.8163.
    s = summarize({10: 1, 20: 1, 30: 1, 15: 1, 25: 1})
    assert (s.n, s.mean, s.median) == (5, 20.0, 20.0)
    assert s.sd == pytest.approx(math.sqrt(62.5))
    assert s.ci_low == pytest.approx(20 - 9.8163, abs=1e-4)
    assert s.ci_high == pytest.approx(20 + 9.8163, abs=1e-4)
    assert s.reportable


def test_counts_per_value_give_the_same_as_the_raw_answers():
    answers = [0, 0, 3, 3, 3, 6, 10, 12, 12, -1]
    histogram = {}
    for a in answers:
        histogram[a] = histogram.get(a, 0) + 1
    s = summarize(histogram)
    ref = scipy_stats.t.interval(0.95, len(answers) - 1, loc=sum(answers) / len(answers),
                                 scale=scipy_stats.sem(answers))
    assert s.mean == pytest.approx(4.8)
    assert (s.ci_low, s.ci_high) == pytest.approx(ref)
    assert s.median == 3.0  # even n: the mean of the 5th and 6th answers, 3 and 3


def test_the_median_of_an_even_number_of_answers_averages_the_middle_two():
    assert median({1: 1, 2: 1, 3: 1, 10: 1}) == 2.5
    assert median({}) is None


def test_one_answer_has_no_interval_and_none_has_no_mean():
    one = summarize({7: 1})
    assert (one.n, one.mean, one.has_ci) == (1, 7.0, False)
    assert summarize({}).mean is None
    assert not summarize({1: 4}).reportable  # under five answers: too few to report


def test_nps_by_hand():
    # 10 answers: 10, 9, 9, 10, 9 are promoters (5 = 50%), 8 and 7 passives,
    # 6, 3 and 0 detractors (3 = 30%): NPS = 50 - 30 = 20.
    histogram = merge({10: 2, 9: 3, 8: 1, 7: 1}, {6: 1, 3: 1, 0: 1})
    result = nps(histogram)
    assert (result.n, result.promoters, result.passives, result.detractors) == (10, 5, 2, 3)
    assert result.score == pytest.approx(20.0)
    assert result.share(result.promoters) == pytest.approx(50.0)
    assert nps({6: 5}).score == -100.0 and nps({9: 5}).score == 100.0
