"""Summaries of answers, computed from counts per distinct value.

The database groups answers (``GROUP BY value, COUNT(*)``); these functions work on the
resulting histogram ``{value: count}``, so their cost depends on how many distinct values
people gave (at most a few hundred), never on how many people answered.

The 95% confidence interval of a mean uses Student's t distribution with n - 1 degrees of
freedom. Its quantile is computed here (the regularised incomplete beta function and a
bisection) because SciPy is only a development dependency.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

Number = int | float | Decimal
Histogram = Mapping[Number, int]

# Groups with fewer answers than this are "too few to report": no chart, mean or share, so
# that nobody's answer can be read off a figure.
MIN_RESPONSES = 5
CONFIDENCE = 0.95


# --- Student's t -------------------------------------------------------------------------

def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


# A pure function of (p, df), found by a bisection over incomplete beta functions: the
# impact dashboard asks for the same few (one per figure's answer count) on every visit,
# and computing them afresh was a third of the page's CPU time.
@functools.lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t with `df` degrees of freedom (0 < p < 1)."""
    if not 0.0 < p < 1.0 or df <= 0:
        raise ValueError("need 0 < p < 1 and df > 0")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-12:
            break
    return (low + high) / 2.0


# --- Summaries ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Summary:
    n: int
    mean: float | None = None
    median: float | None = None
    sd: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None

    @property
    def reportable(self) -> bool:
        return self.n >= MIN_RESPONSES

    @property
    def has_ci(self) -> bool:
        return self.ci_low is not None

    @property
    def margin(self) -> float | None:
        return None if self.ci_low is None else (self.ci_high - self.ci_low) / 2


def _sorted_items(histogram: Histogram) -> list[tuple[float, int]]:
    return sorted((float(value), int(count)) for value, count in histogram.items() if count)


def median(histogram: Histogram) -> float | None:
    items = _sorted_items(histogram)
    n = sum(count for _, count in items)
    if n == 0:
        return None

    def at(position: int) -> float:  # 1-based position in the sorted answers
        seen = 0
        for value, count in items:
            seen += count
            if seen >= position:
                return value
        raise AssertionError("position beyond the histogram")

    if n % 2:
        return at(n // 2 + 1)
    return (at(n // 2) + at(n // 2 + 1)) / 2


def summarize(histogram: Histogram, confidence: float = CONFIDENCE) -> Summary:
    """n, mean, median, standard deviation and the t-interval of the mean. The interval
    needs n >= 2 (with one answer there is no spread to estimate)."""
    items = _sorted_items(histogram)
    n = sum(count for _, count in items)
    if n == 0:
        return Summary(n=0)
    mean = sum(value * count for value, count in items) / n
    mid = median(histogram)
    if n < 2:
        return Summary(n=n, mean=mean, median=mid)
    variance = sum(count * (value - mean) ** 2 for value, count in items) / (n - 1)
    sd = math.sqrt(variance)
    half = t_quantile(1 - (1 - confidence) / 2, n - 1) * sd / math.sqrt(n)
    return Summary(n=n, mean=mean, median=mid, sd=sd, ci_low=mean - half,
                   ci_high=mean + half)


@dataclass(frozen=True)
class NPS:
    n: int
    promoters: int
    passives: int
    detractors: int

    @property
    def reportable(self) -> bool:
        return self.n >= MIN_RESPONSES

    def share(self, count: int) -> float | None:
        return 100.0 * count / self.n if self.n else None

    @property
    def score(self) -> float | None:
        """% promoters (9–10) minus % detractors (0–6), from -100 to 100."""
        if not self.n:
            return None
        return 100.0 * (self.promoters - self.detractors) / self.n


def nps(histogram: Histogram) -> NPS:
    items = _sorted_items(histogram)
    return NPS(
        n=sum(c for _, c in items),
        promoters=sum(c for v, c in items if v >= 9),
        passives=sum(c for v, c in items if 7 <= v < 9),
        detractors=sum(c for v, c in items if v <= 6),
    )


def merge(*histograms: Histogram) -> dict[float, int]:
    total: dict[float, int] = {}
    for histogram in histograms:
        for value, count in histogram.items():
            total[float(value)] = total.get(float(value), 0) + int(count)
    return total


def shares(counts: Mapping[str, int], order: list[str]) -> dict[str, float | None]:
    n = sum(counts.get(key, 0) for key in order)
    return {key: (100.0 * counts.get(key, 0) / n if n else None) for key in order}


# The normal quantile for the 95% Wilson interval.
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Share:
    """`part` of `n`, in %, with its 95% Wilson score interval (sound for small n and for
    shares near 0 or 100, unlike the textbook p ± 1.96·se)."""

    part: int
    n: int

    @property
    def reportable(self) -> bool:
        return self.n >= MIN_RESPONSES

    @property
    def percent(self) -> float | None:
        return 100.0 * self.part / self.n if self.n else None

    def interval(self, z: float = Z95) -> tuple[float, float] | None:
        if not self.n:
            return None
        p, n = self.part / self.n, self.n
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        return 100.0 * max(0.0, centre - half), 100.0 * min(1.0, centre + half)


def non_response_bound(histogram: Histogram, asked: int) -> float | None:
    """The mean if everyone asked who gave no answer had answered 0 ("gained nothing"):
    the sum of the answers over the number asked. With more asked than answered it pulls
    the mean toward 0: an honest floor for a figure where 0 means no effect."""
    if not asked:
        return None
    total = sum(float(value) * count for value, count in histogram.items())
    return total / max(asked, sum(histogram.values()))
