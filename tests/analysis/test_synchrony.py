"""Synchrony: a partner who follows the other by a known lag."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from annotate import columns as C
from annotate.analysis.synchrony import partner_series, peak, synchrony, whole_r
from annotate.errors import ConfigError, InterchangeError


def following_table(lag_s: float, seconds: float = 60.0, fps: float = 10.0) -> pd.DataFrame:
    """The infant's smile, mouth and yaw follow the mother's by lag_s (plus a little noise)."""
    rng = np.random.default_rng(3)
    n = round(seconds * fps)
    shift = round(lag_s * fps)
    drive = np.convolve(rng.normal(size=n + shift + 20), np.ones(8) / 8, mode="same")
    mother = drive[shift + 10 : shift + 10 + n]
    infant = drive[10 : 10 + n] + rng.normal(scale=0.02, size=n)
    rows = []
    for role, values in (("mother", mother), ("infant", infant)):
        for k in range(n):
            rows.append(
                {
                    C.FRAME: k,
                    C.T: k / fps,
                    C.ROLE: role,
                    C.VISIBLE: True,
                    C.YAW: float(np.cumsum(values)[k]),
                    C.SMILE: float(values[k]),
                    C.MOUTH_OPEN: float(values[k]),
                }
            )
    return pd.DataFrame(rows)


def test_peak_lag_and_strength_of_a_follower() -> None:
    series = partner_series(following_table(1.0), "mother", "infant")
    found = {s.name: s for s in synchrony(series, 10.0, 5.0, 3.0)}
    for name in ("smile", "mouth_open", "yaw_velocity"):
        m = found[name].measures(series.step_s)
        assert m["peak_lag_s"] == pytest.approx(1.0)
        assert m["peak_r"] > 0.9
        assert m["median_window_peak_lag_s"] == pytest.approx(1.0)
        assert m["windows"] == 11  # starts 0, 5, ..., 50 s


def test_whole_r_at_zero_lag_is_pearson() -> None:
    x = np.array([1.0, 2.0, 4.0, 3.0, 5.0])
    y = np.array([2.0, 1.0, 5.0, 3.0, 4.0])
    r = whole_r(x, y, 1)
    assert r[1] == pytest.approx(float(np.corrcoef(x, y)[0, 1]))
    assert peak(np.array([np.nan, np.nan]), 0.1) == (pytest.approx(math.nan, nan_ok=True),) * 2


def test_missing_faces_leave_windows_empty() -> None:
    table = following_table(0.5)
    table.loc[table[C.ROLE] == "infant", C.VISIBLE] = False
    series = partner_series(table, "mother", "infant")
    m = synchrony(series, 10.0, 5.0, 2.0)[1].measures(series.step_s)
    assert m["windows"] == 0 and math.isnan(m["peak_r"])


def test_refusals() -> None:
    with pytest.raises(InterchangeError, match="no face with role 'father'"):
        partner_series(following_table(0.5), "mother", "father")
    series = partner_series(following_table(0.5), "mother", "infant")
    with pytest.raises(ConfigError, match="--max-lag"):
        synchrony(series, 2.0, 1.0, 3.0)


def test_a_jittered_grid_keeps_lags_in_seconds() -> None:
    # 10 samples/s on a 25 fps video: steps of 0.08 and 0.12 s (as extraction gives them)
    table = following_table(1.0)
    jitter = {k: round(round(k / 10 * 25) / 25, 6) for k in range(table[C.FRAME].max() + 1)}
    table[C.T] = table[C.FRAME].map(jitter)
    series = partner_series(table, "mother", "infant")
    assert series.step_s == pytest.approx(0.1, abs=1e-3)
    smile = synchrony(series, 10.0, 5.0, 3.0)[1]
    assert smile.measures(series.step_s)["peak_lag_s"] == pytest.approx(1.0, abs=0.01)
