"""Event-based lag sequential analysis (Bakeman & Quera, *Sequential Analysis and Observational
Methods for the Behavioral Sciences*, 2011, ch. 9-11): which code follows which, at lags 1, 2, ...

A clip's *sequence* is the onsets of every code on the tiers chosen, in time order (ties: in the
order the tiers were given, then by code). A tier is a coder's tier (every code on it, labelled
`TIER:CODE`), or `auto:KIND[:ROLE]` (automatic episodes, labelled as written).

For a lag L, the lag table counts x_ij, the times code i (given) is followed L events later by
code j (target) within the same clip; tables of several clips add up. From it:

- transitional probability p(j | i) = x_ij / x_i+ (the row's share);
- adjusted residual z_ij = (x_ij - e_ij) / sqrt(e_ij (1 - x_i+ / N) (1 - x_+j / N)), with
  e_ij = x_i+ x_+j / N (Haberman's residual, which GSEQ reports as "Adjusted Residual" when no
  cell is a structural zero; codes may follow themselves here, so none is).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from annotate.analysis.interaction_sources import ClipEvents, parse_side
from annotate.errors import AnnotateError, ConfigError

MAX_LAG = 20


def parse_lags(text: str) -> tuple[int, ...]:
    """Lags from `1-3`, `2` or `1,2,4`: sorted, each 1..20.

    Raises:
        ConfigError: naming the text, for anything else.
    """
    lags: set[int] = set()
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if match is None:
            raise ConfigError(f"--lags {text!r}: give lags as 1-3, 2 or 1,2,4")
        low, high = int(match[1]), int(match[2] or match[1])
        if not 1 <= low <= high <= MAX_LAG:
            raise ConfigError(f"--lags {text!r}: lags run from 1 to {MAX_LAG}, low to high")
        lags.update(range(low, high + 1))
    return tuple(sorted(lags))


def parse_tiers(text: str) -> tuple[str, ...]:
    """Tiers from `mother,infant_gaze,auto:smile:infant`.

    Raises:
        ConfigError: no tier, or one named twice.
    """
    tiers = tuple(t.strip() for t in text.split(",") if t.strip())
    if not tiers:
        raise ConfigError("--tiers: name at least one tier (e.g. --tiers mother,infant)")
    if len(set(tiers)) < len(tiers):
        raise ConfigError(f"--tiers {text!r}: a tier is named twice")
    return tiers


def clip_sequence(clip: ClipEvents, tiers: Sequence[str]) -> list[str]:
    """The clip's codes in time order (see the module docstring).

    Raises:
        AnnotateError: several coders coded a tier (choose one), or an episode kind with several
            roles and none named.
    """
    events: list[tuple[float, int, str]] = []
    for order, tier in enumerate(tiers):
        if tier.lower().startswith("auto:"):
            side = parse_side(tier)
            events += [(float(s), order, tier) for s in clip.onsets(side)]
            continue
        chosen = [a for a in clip.annotations if a.tier == tier]
        coders = sorted({a.coder for a in chosen})
        if len(coders) > 1:
            raise AnnotateError(
                f"clip {clip.clip_id}: tier {tier!r} is coded by {', '.join(coders)}; choose one "
                "with --coder",
                clip.source or None,
            )
        events += [(a.start_s, order, f"{tier}:{a.code}") for a in chosen]
    return [label for _, _, label in sorted(events)]


def lag_counts(sequence: Sequence[str], codes: Sequence[str], lag: int) -> NDArray[np.int64]:
    """The (k, k) lag table of one sequence: [i, j] = times codes[i] is followed `lag` events
    later by codes[j]."""
    index = {code: k for k, code in enumerate(codes)}
    counts = np.zeros((len(codes), len(codes)), dtype=np.int64)
    numbers = np.array([index[c] for c in sequence], dtype=np.int64)
    if numbers.size > lag:
        np.add.at(counts, (numbers[:-lag], numbers[lag:]), 1)
    return counts


def transitional_probabilities(counts: NDArray[np.int64]) -> NDArray[np.float64]:
    """x_ij / x_i+ (NaN in rows with no count)."""
    rows = counts.sum(axis=1, keepdims=True).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rows > 0, counts / rows, np.nan)


def adjusted_residuals(counts: NDArray[np.int64]) -> NDArray[np.float64]:
    """Haberman's adjusted residuals of a lag table (NaN where a margin is empty or full)."""
    x = counts.astype(np.float64)
    total = x.sum()
    if total == 0:
        return np.full(x.shape, np.nan)
    rows, cols = x.sum(axis=1, keepdims=True), x.sum(axis=0, keepdims=True)
    expected = rows * cols / total
    spread = np.sqrt(expected * (1.0 - rows / total) * (1.0 - cols / total))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(spread > 0, (x - expected) / spread, np.nan)


@dataclass(frozen=True)
class LagTables:
    """The lag tables of one or more clips (they add up).

    Attributes:
        codes: The codes, in the order of the tables' rows and columns.
        lags: The lags.
        counts: (len(lags), k, k) counts.
        frequencies: (k,) how often each code occurs.
    """

    codes: tuple[str, ...]
    lags: tuple[int, ...]
    counts: NDArray[np.int64]
    frequencies: NDArray[np.int64]

    def __add__(self, other: LagTables) -> LagTables:
        return LagTables(
            self.codes,
            self.lags,
            self.counts + other.counts,
            self.frequencies + other.frequencies,
        )

    def rows(self) -> list[tuple[str, str, str, float]]:
        """(given, target, measure, value): each code's frequency, then per lag and pair the
        count, transitional probability and adjusted residual."""
        found = [
            (c, "", "frequency", float(n))
            for c, n in zip(self.codes, self.frequencies, strict=True)
        ]
        for lag, counts in zip(self.lags, self.counts, strict=True):
            probability, residual = transitional_probabilities(counts), adjusted_residuals(counts)
            for i, given in enumerate(self.codes):
                for j, target in enumerate(self.codes):
                    found += [
                        (given, target, f"lag{lag}_count", float(counts[i, j])),
                        (
                            given,
                            target,
                            f"lag{lag}_transitional_probability",
                            float(probability[i, j]),
                        ),
                        (given, target, f"lag{lag}_adjusted_residual", float(residual[i, j])),
                    ]
        return found


def lag_tables(sequence: Sequence[str], codes: Sequence[str], lags: Sequence[int]) -> LagTables:
    """One sequence's lag tables over the given codes (every code of the sequence among them)."""
    counts = (
        np.stack([lag_counts(sequence, codes, lag) for lag in lags])
        if lags
        else np.zeros((0, len(codes), len(codes)), dtype=np.int64)
    )
    index = {code: k for k, code in enumerate(codes)}
    frequencies = np.zeros(len(codes), dtype=np.int64)
    for code in sequence:
        frequencies[index[code]] += 1
    return LagTables(tuple(codes), tuple(lags), counts, frequencies)


def is_significant(z: float, threshold: float = 1.96) -> bool:
    """|z| at least the threshold (1.96: p < .05 two-sided, one cell taken alone)."""
    return not math.isnan(z) and abs(z) >= threshold
