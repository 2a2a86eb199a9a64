"""Agreement between coders: Cohen's kappa on time bins, event matching, intraclass correlation.

Pure arithmetic on plain values; annotate.coding.reliability_report applies it to a project.

- States on a tier are compared in time bins (default 0.5 s): each bin takes the codes active at
  its midpoint ('(none)' when none, 'a+b' when a non-exclusive tier has two), and Cohen's kappa
  compares the two coders' bin labels (Cohen 1960): kappa = (p_o - p_e) / (1 - p_e).
- Points are matched one to one within a tolerance window; with coder A as the reference,
  recall = matched / A's points, precision = matched / B's points, F1 their harmonic mean.
- Scale scores (CARE-Index totals) are compared with the intraclass correlation of Shrout and
  Fleiss (1979): ICC(2,1), two-way random effects, absolute agreement, single rater (the default),
  ICC(3,1) consistency and ICC(1,1) one-way.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

NONE_LABEL = "(none)"


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa of two label sequences, with percent agreement and the confusion table.

    Attributes:
        kappa: Cohen's kappa (NaN when chance agreement is 1: both used one and the same label).
        agreement: share of positions with the same label (0-1).
        n: number of positions compared.
        labels: every label either coder used, sorted.
        confusion: (label of A, label of B) -> count.
    """

    kappa: float
    agreement: float
    n: int
    labels: tuple[str, ...]
    confusion: dict[tuple[str, str], int]


def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> Kappa:
    """Cohen's kappa between two coders' labels of the same positions.

    Raises:
        ValueError: the sequences differ in length or are empty.
    """
    if len(a) != len(b):
        raise ValueError(f"both coders need the same number of positions ({len(a)} vs {len(b)})")
    if not a:
        raise ValueError("no positions to compare")
    n = len(a)
    confusion = Counter(zip(a, b, strict=True))
    labels = tuple(sorted(set(a) | set(b)))
    observed = sum(confusion[(x, x)] for x in labels) / n
    count_a, count_b = Counter(a), Counter(b)
    expected = sum(count_a[x] * count_b[x] for x in labels) / (n * n)
    kappa = math.nan if expected >= 1.0 else (observed - expected) / (1.0 - expected)
    return Kappa(kappa, observed, n, labels, dict(confusion))


def bin_labels(
    intervals: Sequence[tuple[float, float, str]], duration_s: float, bin_s: float = 0.5
) -> list[str]:
    """The label of each time bin: the codes active at the bin's midpoint.

    Args:
        intervals: (start_s, end_s, code) of one coder's states on one tier.
        duration_s: the length to cover, in seconds (bins: ceil(duration / bin_s)).
        bin_s: bin width in seconds.

    Returns:
        One label per bin: '(none)', a code, or codes joined by '+' (sorted) where they overlap.

    Raises:
        ValueError: bin_s is not above 0.
    """
    if not bin_s > 0:
        raise ValueError(f"bin width must be above 0 s, got {bin_s}")
    count = max(0, math.ceil(duration_s / bin_s - 1e-9))
    active: list[set[str]] = [set() for _ in range(count)]
    for start, end, code in intervals:
        # bins whose midpoint (k + 0.5) * bin_s lies in [start, end)
        first = max(0, math.ceil(start / bin_s - 0.5 - 1e-9))
        last = min(count, math.ceil(end / bin_s - 0.5 - 1e-9))
        for k in range(first, last):
            active[k].add(code)
    return ["+".join(sorted(codes)) if codes else NONE_LABEL for codes in active]


@dataclass(frozen=True)
class EventAgreement:
    """How well one coder's points match the other's (A is the reference)."""

    n_a: int
    n_b: int
    matched: int
    tolerance_s: float

    @property
    def recall(self) -> float:
        """Share of A's points that B also marked (NaN when A has none)."""
        return self.matched / self.n_a if self.n_a else math.nan

    @property
    def precision(self) -> float:
        """Share of B's points that A also marked (NaN when B has none)."""
        return self.matched / self.n_b if self.n_b else math.nan

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall: 2 x matched / (n_a + n_b)."""
        total = self.n_a + self.n_b
        return 2 * self.matched / total if total else math.nan


def pair_events(
    a: Sequence[float], b: Sequence[float], tolerance_s: float = 1.0
) -> list[tuple[int, int]]:
    """Pair two coders' point times one to one, each pair at most `tolerance_s` apart.

    Walking both lists in time order and pairing the earliest times that are close enough gives
    the largest possible number of pairs on a line.

    Returns:
        (index into a, index into b) of each pair, in time order.
    """
    first = sorted(range(len(a)), key=lambda k: a[k])
    second = sorted(range(len(b)), key=lambda k: b[k])
    pairs = []
    i = j = 0
    while i < len(first) and j < len(second):
        ta, tb = a[first[i]], b[second[j]]
        if abs(ta - tb) <= tolerance_s + 1e-9:
            pairs.append((first[i], second[j]))
            i, j = i + 1, j + 1
        elif ta < tb:
            i += 1
        else:
            j += 1
    return pairs


def match_events(
    a: Sequence[float], b: Sequence[float], tolerance_s: float = 1.0
) -> EventAgreement:
    """Match two coders' point times one to one within `tolerance_s` (see `pair_events`)."""
    return EventAgreement(len(a), len(b), len(pair_events(a, b, tolerance_s)), tolerance_s)


def _mean_squares(
    ratings: Sequence[Sequence[float]],
) -> tuple[float, float, float, float, int, int]:
    n, k = len(ratings), len(ratings[0])
    grand = sum(sum(row) for row in ratings) / (n * k)
    row_means = [sum(row) / k for row in ratings]
    col_means = [sum(row[j] for row in ratings) / n for j in range(k)]
    ss_rows = k * sum((m - grand) ** 2 for m in row_means)
    ss_cols = n * sum((m - grand) ** 2 for m in col_means)
    ss_total = sum((x - grand) ** 2 for row in ratings for x in row)
    ss_error = ss_total - ss_rows - ss_cols
    ss_within = ss_total - ss_rows
    msr = ss_rows / (n - 1)
    msc = ss_cols / (k - 1)
    mse = ss_error / ((n - 1) * (k - 1))
    msw = ss_within / (n * (k - 1))
    return msr, msc, mse, msw, n, k


def icc(ratings: Sequence[Sequence[float]], form: str = "2,1") -> float:
    """The intraclass correlation of Shrout and Fleiss (1979).

    Args:
        ratings: one row per target (clip), one column per rater (coder).
        form: '2,1' (absolute agreement, two-way random), '3,1' (consistency, two-way mixed) or
            '1,1' (one-way random).

    Returns:
        The ICC; NaN when it is undefined (no variance at all).

    Raises:
        ValueError: fewer than 2 targets or raters, ragged rows, or an unknown form.
    """
    if len(ratings) < 2 or len(ratings[0]) < 2 or any(len(r) != len(ratings[0]) for r in ratings):
        raise ValueError("the ICC needs at least 2 targets rated by the same 2 or more raters")
    msr, msc, mse, msw, n, k = _mean_squares(ratings)
    if form == "1,1":
        denominator = msr + (k - 1) * msw
        numerator = msr - msw
    elif form == "2,1":
        denominator = msr + (k - 1) * mse + k * (msc - mse) / n
        numerator = msr - mse
    elif form == "3,1":
        denominator = msr + (k - 1) * mse
        numerator = msr - mse
    else:
        raise ValueError(f"unknown ICC form '{form}' (forms: 1,1 2,1 3,1)")
    return numerator / denominator if denominator else math.nan
