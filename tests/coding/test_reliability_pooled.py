"""Frame comparison and pooled figures on small codings worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from annotate.coding.records import Annotation
from annotate.coding.reliability import icc
from annotate.coding.reliability_frames import FrameOptions, compare_codings
from annotate.coding.reliability_pooled import ALL, agreement_rows, kappa_of, scale_rows


def _a(tier: str, code: str, start: float, end: float, **attrs: str) -> Annotation:
    return Annotation("", "x", tier, code, start, end).with_attrs(**attrs)


def _find(rows: list, clip: str, tier: str, code: str, measure: str):  # type: ignore[no-untyped-def,type-arg]
    return next(
        r for r in rows if (r.clip, r.tier, r.code, r.measure) == (clip, tier, code, measure)
    )


def test_one_step_per_frame_and_exclusions() -> None:
    # 10 frames of 0.1 s; A looks 0-0.5 then away to 1.0; B switches one frame late; frames
    # 0.8-1.0 are out of frame for B.
    a = [_a("gaze", "left", 0.0, 0.5), _a("gaze", "away", 0.5, 1.0)]
    b = [_a("gaze", "left", 0.0, 0.6), _a("gaze", "away", 0.6, 1.0), _a("oof", "oof", 0.8, 1.0)]
    (figures,) = compare_codings("c", a, b, FrameOptions(step_s=0.1, exclude=("oof",)))
    assert figures.excluded_steps == 2 and figures.steps == 8
    assert figures.confusion == {("left", "left"): 5, ("away", "left"): 1, ("away", "away"): 2}
    rows = agreement_rows([figures], reps=0)
    assert _find(rows, "c", "gaze", "", "agreement").value == pytest.approx(7 / 8)
    # p_e = (5/8 * 6/8) + (3/8 * 2/8) = 36/64; kappa = (56/64 - 36/64) / (28/64) = 20/28
    assert _find(rows, "c", "gaze", "", "kappa").value == pytest.approx(20 / 28)
    assert _find(rows, "c", "gaze", "away", "sensitivity").value == pytest.approx(2 / 3)
    assert _find(rows, "c", "gaze", "left", "bias_s").value == pytest.approx(0.1)
    assert math.isnan(_find(rows, "c", "gaze", "", "kappa").ci_low)  # one dyad: no interval


def test_exhaustive_tier_leaves_out_what_neither_coded() -> None:
    a = [_a("gaze", "left", 0.0, 0.4)]
    b = [_a("gaze", "left", 0.0, 0.3)]
    wide = compare_codings("c", a, b, FrameOptions(step_s=0.1), duration_s=1.0)[0]
    trials = compare_codings(
        "c", a, b, FrameOptions(step_s=0.1, exhaustive=("gaze",)), duration_s=1.0
    )[0]
    assert (wide.steps, trials.steps) == (10, 4)


def test_points_only_tier_compares_events_not_frames() -> None:
    a = [_a("end", "end", 1.0, 1.0), _a("end", "end", 5.0, 5.0)]
    b = [_a("end", "end", 1.2, 1.2)]
    (figures,) = compare_codings("c", a, b, FrameOptions(step_s=0.1, tolerance_s=0.5))
    rows = agreement_rows([figures], reps=0)
    assert figures.steps == 0 and math.isnan(_find(rows, "c", "end", "", "kappa").value)
    assert _find(rows, "c", "end", "end", "recall").value == 0.5
    assert _find(rows, "c", "end", "end", "precision").value == 1.0


def test_bland_altman_limits_over_clips() -> None:
    figures = []
    for k, extra in enumerate((0.0, 0.2, 0.4, 0.6)):
        a = [_a("t", "smile", 0.0, 1.0)]
        b = [_a("t", "smile", 0.0, 1.0 + extra)]
        figures += compare_codings(f"c{k}", a, b, FrameOptions(step_s=0.1), duration_s=2.0)
    rows = agreement_rows(figures, reps=200)
    differences = np.array([0.0, 0.2, 0.4, 0.6])
    mean, sd = differences.mean(), differences.std(ddof=1)
    assert _find(rows, ALL, "t", "smile", "bias_s").value == pytest.approx(mean)
    assert _find(rows, ALL, "t", "smile", "loa_low_s").value == pytest.approx(mean - 1.96 * sd)
    assert _find(rows, ALL, "t", "smile", "loa_high_s").value == pytest.approx(mean + 1.96 * sd)
    bias = _find(rows, ALL, "t", "smile", "bias_s")
    assert 0.0 <= bias.ci_low < bias.value < bias.ci_high <= 0.6


def test_kappa_of_matches_the_formula() -> None:
    matrix = np.array([[20.0, 5.0], [10.0, 15.0]])
    agreement, kappa = kappa_of(matrix)
    expected = (25 * 30 + 25 * 20) / 50**2
    assert agreement == pytest.approx(0.7)
    assert kappa == pytest.approx((0.7 - expected) / (1 - expected))


def test_scales_icc_and_within_two_points() -> None:
    scores = {"c1": (10.0, 11.0), "c2": (4.0, 7.0), "c3": (8.0, 8.5), "c4": (2.0, 2.0)}
    rows = scale_rows({c: {"care.adult.sensitive": v} for c, v in scores.items()}, {}, reps=200)
    assert _find(rows, "c2", "scale", "care.adult.sensitive", "difference").value == 3.0
    assert _find(rows, ALL, "scale", "care.adult.sensitive", "within_2").value == 0.75
    value = _find(rows, ALL, "scale", "care.adult.sensitive", "icc").value
    assert value == pytest.approx(icc([list(v) for v in scores.values()]))
