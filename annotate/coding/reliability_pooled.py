"""Agreement figures per clip and pooled over clips, with 95% bootstrap intervals by dyad.

The rows of the long table (`clip, tier, code, measure, value, ci_low, ci_high`):

- per tier: `agreement` (share of compared steps with the same label), `kappa` (Cohen's),
  `frames` (steps compared), `unknown_s` (time B could not tell, left out), `excluded_s`;
- per code: `sensitivity`, `specificity` (A is the reference), `precision`, `recall`, `f1` (onsets
  matched within the tolerance), `bias_s` (B's seconds - A's), `count_bias` (B's annotations -
  A's); pooled also `loa_low_s`, `loa_high_s`: Bland-Altman 95% limits of agreement of the
  per-clip `bias_s` (mean +- 1.96 SD over clips);
- per scale (a numeric clip attribute, e.g. a CARE-Index total): per clip `difference` (B - A);
  pooled `icc` (ICC(2,1), absolute agreement) and `within_2` (share of clips within 2 points).

The pooled row (clip `ALL`) sums the steps and events of every clip, so long clips weigh more.
Its interval resamples dyads with replacement (all clips of a drawn dyad together, never single
frames, whose neighbours are not independent) `reps` times with a fixed seed and takes the 2.5th
and 97.5th percentiles. A single clip's row has no interval: one dyad cannot be resampled.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from annotate.coding.reliability import icc
from annotate.coding.reliability_frames import CodeFigures, TierFigures

ALL = "ALL"
REPS = 2000
SEED = 13
WITHIN_POINTS = 2.0


@dataclass(frozen=True)
class AgreementRow:
    """One figure of the long table (NaN: undefined or not computed)."""

    clip: str
    tier: str
    code: str
    measure: str
    value: float
    ci_low: float = math.nan
    ci_high: float = math.nan


def kappa_of(matrices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Percent agreement and Cohen's kappa of confusion matrices (..., L, L)."""
    n = matrices.sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        observed = np.trace(matrices, axis1=-2, axis2=-1) / n
        expected = (matrices.sum(axis=-1) * matrices.sum(axis=-2)).sum(axis=-1) / (n * n)
        kappa = np.where(expected < 1.0 - 1e-12, (observed - expected) / (1.0 - expected), np.nan)
    return observed, kappa


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)


def _interval(samples: np.ndarray) -> tuple[float, float]:
    finite = samples[np.isfinite(samples)]
    if finite.size < max(10, samples.size // 2):
        return math.nan, math.nan
    low, high = np.percentile(finite, [2.5, 97.5])
    return float(low), float(high)


class _Bootstrap:
    """Clip weights of each bootstrap draw of dyads."""

    def __init__(self, clips: Sequence[str], dyads: Mapping[str, str], reps: int, seed: int):
        names = list(dict.fromkeys(dyads.get(c, c) for c in clips))
        self.active = len(names) >= 2 and reps > 0
        index = {name: k for k, name in enumerate(names)}
        rng = np.random.default_rng(seed)
        draws = rng.integers(0, len(names), size=(reps, len(names))) if self.active else None
        counts = (
            np.stack([np.bincount(row, minlength=len(names)) for row in draws])
            if draws is not None
            else np.ones((1, len(names)))
        )
        self.weights = counts[:, [index[dyads.get(c, c)] for c in clips]].astype(float)


def _column(per: Sequence[CodeFigures | None], name: str, *, events: bool = False) -> np.ndarray:
    """One figure of a code over the clips (0 where the clip lacks the code)."""
    return np.array(
        [float(getattr(c.events if events else c, name)) if c is not None else 0.0 for c in per]
    )


def _tier_rows(tier: str, figures: Sequence[TierFigures], boot: _Bootstrap) -> list[AgreementRow]:
    rows: list[AgreementRow] = []
    labels = sorted({label for f in figures for pair in f.confusion for label in pair})
    where = {label: k for k, label in enumerate(labels)}
    matrices = np.zeros((len(figures), len(labels), len(labels)))
    for k, f in enumerate(figures):
        for (la, lb), count in f.confusion.items():
            matrices[k, where[la], where[lb]] += count
    pooled = matrices.sum(axis=0)
    weights = boot.weights
    drawn = np.einsum("rc,cij->rij", weights, matrices)
    value_agreement, value_kappa = kappa_of(pooled)
    draw_agreement, draw_kappa = kappa_of(drawn)
    for name, figure, samples in (
        ("agreement", value_agreement, draw_agreement),
        ("kappa", value_kappa, draw_kappa),
    ):
        low, high = _interval(samples) if boot.active else (math.nan, math.nan)
        rows.append(AgreementRow(ALL, tier, "", name, float(figure), low, high))
    step = figures[0].step_s
    rows.append(AgreementRow(ALL, tier, "", "frames", float(pooled.sum())))
    rows.append(
        AgreementRow(ALL, tier, "", "unknown_s", sum(f.unknown_steps for f in figures) * step)
    )
    rows.append(
        AgreementRow(ALL, tier, "", "excluded_s", sum(f.excluded_steps for f in figures) * step)
    )
    codes = sorted({c.code for f in figures for c in f.codes})
    for code in codes:
        per = [next((c for c in f.codes if c.code == code), None) for f in figures]
        present = np.array([c is not None for c in per], dtype=float)
        both, only_a, only_b, neither = (
            _column(per, n) for n in ("both", "only_a", "only_b", "neither")
        )
        n_a, n_b, matched = (_column(per, n, events=True) for n in ("n_a", "n_b", "matched"))
        bias = _column(per, "seconds_b") - _column(per, "seconds_a")
        count_bias = _column(per, "count_b") - _column(per, "count_a")

        def pooled_and_draws(top: np.ndarray, bottom: np.ndarray) -> tuple[float, np.ndarray]:
            return float(_ratio(top.sum(), bottom.sum())), _ratio(weights @ top, weights @ bottom)

        measures = {
            "sensitivity": pooled_and_draws(both, both + only_a),
            "specificity": pooled_and_draws(neither, neither + only_b),
            "precision": pooled_and_draws(matched, n_b),
            "recall": pooled_and_draws(matched, n_a),
            "f1": pooled_and_draws(2 * matched, n_a + n_b),
            "bias_s": pooled_and_draws(bias * present, present),
            "count_bias": pooled_and_draws(count_bias * present, present),
        }
        for measure, (value, draws) in measures.items():
            low, high = _interval(draws) if boot.active else (math.nan, math.nan)
            rows.append(AgreementRow(ALL, tier, code, measure, value, low, high))
        differences = bias[present > 0]
        if differences.size >= 2:
            mean, sd = float(differences.mean()), float(differences.std(ddof=1))
            rows.append(AgreementRow(ALL, tier, code, "loa_low_s", mean - 1.96 * sd))
            rows.append(AgreementRow(ALL, tier, code, "loa_high_s", mean + 1.96 * sd))
    return rows


def clip_rows(f: TierFigures) -> list[AgreementRow]:
    """The rows of one tier of one clip (no intervals: see the module docstring)."""
    matrix_labels = sorted({label for pair in f.confusion for label in pair})
    where = {label: k for k, label in enumerate(matrix_labels)}
    matrix = np.zeros((len(matrix_labels), len(matrix_labels)))
    for (la, lb), count in f.confusion.items():
        matrix[where[la], where[lb]] += count
    agreement, kappa = kappa_of(matrix) if f.steps else (np.nan, np.nan)
    rows = [
        AgreementRow(f.clip, f.tier, "", "agreement", float(agreement)),
        AgreementRow(f.clip, f.tier, "", "kappa", float(kappa)),
        AgreementRow(f.clip, f.tier, "", "frames", float(f.steps)),
        AgreementRow(f.clip, f.tier, "", "unknown_s", f.unknown_steps * f.step_s),
        AgreementRow(f.clip, f.tier, "", "excluded_s", f.excluded_steps * f.step_s),
    ]
    for c in f.codes:
        for measure, value in (
            ("sensitivity", _ratio(np.array(c.both), np.array(c.both + c.only_a))),
            ("specificity", _ratio(np.array(c.neither), np.array(c.neither + c.only_b))),
            ("precision", c.events.precision),
            ("recall", c.events.recall),
            ("f1", c.events.f1),
            ("bias_s", c.seconds_b - c.seconds_a),
            ("count_bias", float(c.count_b - c.count_a)),
        ):
            rows.append(AgreementRow(f.clip, f.tier, c.code, measure, float(value)))
    return rows


def scale_rows(
    scales: Mapping[str, Mapping[str, tuple[float, float]]],
    dyads: Mapping[str, str],
    *,
    reps: int = REPS,
    seed: int = SEED,
    within_points: float = WITHIN_POINTS,
) -> list[AgreementRow]:
    """Rows for numeric scales: clip -> scale -> (A's score, B's score)."""
    rows: list[AgreementRow] = []
    names = sorted({s for per in scales.values() for s in per})
    for name in names:
        clips = [c for c in scales if name in scales[c]]
        pairs = np.array([scales[c][name] for c in clips], dtype=float)
        for clip, (score_a, score_b) in zip(clips, pairs, strict=True):
            rows.append(AgreementRow(clip, "scale", name, "difference", float(score_b - score_a)))
        boot = _Bootstrap(clips, dyads, reps, seed)
        close = (np.abs(pairs[:, 1] - pairs[:, 0]) <= within_points + 1e-9).astype(float)
        low, high = math.nan, math.nan
        if boot.active:
            low, high = _interval(_ratio(boot.weights @ close, boot.weights.sum(axis=1)))
        label = f"within_{within_points:g}"
        rows.append(AgreementRow(ALL, "scale", name, label, float(close.mean()), low, high))
        if len(clips) >= 2:
            value = icc(pairs.tolist())
            draws = []
            if boot.active:
                for weights in boot.weights:
                    drawn = np.repeat(pairs, weights.astype(int), axis=0)
                    draws.append(icc(drawn.tolist()) if len(drawn) >= 2 else math.nan)
            low, high = _interval(np.array(draws)) if draws else (math.nan, math.nan)
            rows.append(AgreementRow(ALL, "scale", name, "icc", value, low, high))
    return rows


def agreement_rows(
    figures: Sequence[TierFigures],
    dyads: Mapping[str, str] | None = None,
    *,
    reps: int = REPS,
    seed: int = SEED,
) -> list[AgreementRow]:
    """Every clip's rows, then the pooled rows (clip `ALL`) per tier.

    Args:
        figures: the compared tiers of every clip.
        dyads: clip -> dyad, for the bootstrap (a clip missing here is its own dyad).
        reps: bootstrap draws.
        seed: the random generator's seed (same seed, same intervals).
    """
    dyads = dyads or {}
    rows = [row for f in figures for row in clip_rows(f)]
    for tier in dict.fromkeys(f.tier for f in figures):
        own = [f for f in figures if f.tier == tier]
        boot = _Bootstrap([f.clip for f in own], dyads, reps, seed)
        rows += _tier_rows(tier, own, boot)
    return rows
