"""Synchrony between partners: windowed, lagged cross-correlation of their feature series.

From a clip's features.parquet, one series per role on the clip's sample grid (a frame where the
face is not visible is missing):

- `yaw_velocity`: the head's yaw change per second (degrees/s), between consecutive samples;
- `smile`, `mouth_open`: the 0-1 scores.

For lags tau = -max_lag .. max_lag (in samples), r(tau) is Pearson's correlation of the first
partner at t with the second at t + tau, over the samples where both are there: a peak at a
positive lag means the second partner follows the first by that lag. Over the whole clip, and in
windows of `window_s` seconds every `step_s` seconds (Boker et al. 2002, "Windowed
cross-correlation and peak picking for the analysis of variability in the association between
behavioral time series"). A correlation needs at least half the window's samples in pairs, and
both sides varying. The peak is the lag of the largest |r|; its strength is that r (with its
sign).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from annotate import columns as C
from annotate.errors import ConfigError, InterchangeError

SERIES = ("yaw_velocity", "smile", "mouth_open")
_READ = [C.FRAME, C.T, C.ROLE, C.VISIBLE, C.YAW, C.SMILE, C.MOUTH_OPEN]
MIN_PAIRED = 0.5


@dataclass(frozen=True)
class PartnerSeries:
    """Two partners' series on one sample grid.

    Attributes:
        t_s: Sample times, seconds.
        step_s: The mean sampling step, seconds (lags are counted in samples).
        first, second: Per series name, an array of len(t_s) (NaN where missing).
    """

    t_s: NDArray[np.float64]
    step_s: float
    first: dict[str, NDArray[np.float64]]
    second: dict[str, NDArray[np.float64]]


def _role_series(
    table: pd.DataFrame, role: str, frames: NDArray[np.int64], t_s: NDArray[np.float64]
) -> dict[str, NDArray[np.float64]]:
    rows = table[(table[C.ROLE] == role) & table[C.VISIBLE].fillna(False).astype(bool)]
    rows = rows.drop_duplicates(C.FRAME).set_index(C.FRAME).reindex(frames)
    yaw = rows[C.YAW].to_numpy(dtype=np.float64)
    velocity = np.full(t_s.size, np.nan)
    if t_s.size > 1:
        with np.errstate(invalid="ignore", divide="ignore"):
            velocity[1:] = np.diff(yaw) / np.diff(t_s)
    return {
        "yaw_velocity": velocity,
        "smile": rows[C.SMILE].to_numpy(dtype=np.float64),
        "mouth_open": rows[C.MOUTH_OPEN].to_numpy(dtype=np.float64),
    }


def partner_series(table: pd.DataFrame, first: str, second: str) -> PartnerSeries:
    """The two roles' series from a feature table (columns frame, t, role, visible, yaw, smile,
    mouth_open).

    Raises:
        InterchangeError: a role is not in the table.
    """
    roles = set(table[C.ROLE].dropna().astype(str))
    for role in (first, second):
        if role not in roles:
            raise InterchangeError(
                f"no face with role {role!r} (roles: {', '.join(sorted(roles)) or 'none'})"
            )
    grid = table[[C.FRAME, C.T]].drop_duplicates(C.FRAME).sort_values(C.FRAME)
    frames = grid[C.FRAME].to_numpy(dtype=np.int64)
    t_s = grid[C.T].to_numpy(dtype=np.float64)
    # the mean step: a 10/s grid on a 25 fps video alternates 0.08 and 0.12 s, whose median
    # (0.12) would stretch every lag by a fifth
    step = float((t_s[-1] - t_s[0]) / (t_s.size - 1)) if t_s.size > 1 else math.nan
    return PartnerSeries(
        t_s, step, _role_series(table, first, frames, t_s), _role_series(table, second, frames, t_s)
    )


def read_partner_series(path: Path, first: str, second: str) -> PartnerSeries:
    """`partner_series` of a features.parquet file.

    Raises:
        InterchangeError: naming the file, when it cannot be read or lacks a column or a role.
    """
    try:
        table = pd.read_parquet(path, columns=_READ)
    except (OSError, ValueError, KeyError) as exc:
        raise InterchangeError(f"cannot be read as a feature table: {exc}", path) from None
    try:
        return partner_series(table, first, second)
    except InterchangeError as exc:
        raise InterchangeError(exc.message, path) from None


def _pearson(x: NDArray[np.float64], y: NDArray[np.float64], need: int) -> float:
    both = np.isfinite(x) & np.isfinite(y)
    if int(both.sum()) < max(need, 3):
        return math.nan
    x, y = x[both] - x[both].mean(), y[both] - y[both].mean()
    spread = math.sqrt(float((x * x).sum() * (y * y).sum()))
    return float((x * y).sum() / spread) if spread > 1e-12 else math.nan


def lagged_r(
    x: NDArray[np.float64], y: NDArray[np.float64], start: int, length: int, max_lag: int
) -> NDArray[np.float64]:
    """r of x[start : start+length] with y shifted by each lag -max_lag..max_lag (NaN where the
    shifted window leaves the series or too few pairs remain)."""
    need = math.ceil(MIN_PAIRED * length)
    found = np.full(2 * max_lag + 1, np.nan)
    for k, lag in enumerate(range(-max_lag, max_lag + 1)):
        lo, hi = start + lag, start + lag + length
        if lo < 0 or hi > y.size or start + length > x.size:
            continue
        found[k] = _pearson(x[start : start + length], y[lo:hi], need)
    return found


def whole_r(x: NDArray[np.float64], y: NDArray[np.float64], max_lag: int) -> NDArray[np.float64]:
    """r over the whole overlap of x and y shifted by each lag -max_lag..max_lag."""
    n = x.size
    found = np.full(2 * max_lag + 1, np.nan)
    for k, lag in enumerate(range(-max_lag, max_lag + 1)):
        if lag >= 0:
            a, b = x[: n - lag], y[lag:]
        else:
            a, b = x[-lag:], y[: n + lag]
        found[k] = _pearson(a, b, math.ceil(MIN_PAIRED * a.size))
    return found


def peak(r: NDArray[np.float64], step_s: float) -> tuple[float, float]:
    """(lag in seconds, r) of the largest |r|; NaNs when every r is missing."""
    if not np.isfinite(r).any():
        return math.nan, math.nan
    k = int(np.nanargmax(np.abs(r)))
    max_lag = (r.size - 1) // 2
    return round((k - max_lag) * step_s, 6), float(r[k])


@dataclass(frozen=True)
class SeriesSynchrony:
    """One series' synchrony on one clip.

    Attributes:
        name: The series (yaw_velocity, smile, mouth_open).
        lags_s: The lags, seconds.
        whole: r at each lag over the whole clip.
        window_starts_s: Each window's start, seconds.
        windows: (windows, lags) r in each window.
    """

    name: str
    lags_s: NDArray[np.float64]
    whole: NDArray[np.float64]
    window_starts_s: NDArray[np.float64]
    windows: NDArray[np.float64]

    def measures(self, step_s: float) -> dict[str, float]:
        """peak_lag_s, peak_r and zero_lag_r over the whole clip; windows (with a peak),
        mean_window_peak_r and median_window_peak_lag_s over the windows."""
        lag, r = peak(self.whole, step_s)
        peaks = [peak(row, step_s) for row in self.windows]
        found = [(lg, pr) for lg, pr in peaks if not math.isnan(pr)]
        middle = (self.whole.size - 1) // 2
        return {
            "peak_lag_s": lag,
            "peak_r": r,
            "zero_lag_r": float(self.whole[middle]),
            "windows": float(len(found)),
            "mean_window_peak_r": float(np.mean([p for _, p in found])) if found else math.nan,
            "median_window_peak_lag_s": float(np.median([lg for lg, _ in found]))
            if found
            else math.nan,
        }


def check_settings(window_s: float, step_s: float, max_lag_s: float) -> None:
    """Raises ConfigError unless 0 < max_lag < window and step > 0."""
    for name, value in (("--window", window_s), ("--step", step_s), ("--max-lag", max_lag_s)):
        if not math.isfinite(value) or value <= 0:
            raise ConfigError(f"{name} must be a positive number of seconds, got {value}")
    if max_lag_s >= window_s:
        raise ConfigError(
            f"--max-lag ({max_lag_s:g} s) must be shorter than --window ({window_s:g} s)"
        )


def synchrony(
    series: PartnerSeries, window_s: float, step_s: float, max_lag_s: float
) -> list[SeriesSynchrony]:
    """Every series' synchrony (see the module docstring)."""
    check_settings(window_s, step_s, max_lag_s)
    if not math.isfinite(series.step_s) or series.step_s <= 0:
        return []
    length = max(3, round(window_s / series.step_s))
    hop = max(1, round(step_s / series.step_s))
    max_lag = max(1, round(max_lag_s / series.step_s))
    starts = list(range(0, max(series.t_s.size - length + 1, 0), hop))
    found = []
    for name in SERIES:
        x, y = series.first[name], series.second[name]
        windows = np.array([lagged_r(x, y, s, length, max_lag) for s in starts]).reshape(
            len(starts), 2 * max_lag + 1
        )
        found.append(
            SeriesSynchrony(
                name,
                np.arange(-max_lag, max_lag + 1, dtype=np.float64) * np.float64(series.step_s),
                whole_r(x, y, max_lag),
                series.t_s[starts] if starts else np.zeros(0),
                windows,
            )
        )
    return found
