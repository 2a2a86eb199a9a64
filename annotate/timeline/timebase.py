"""Time-base mapping: from base A (e.g. a session log's clock) to base B (e.g. the video), and back.

A mapping is `t_b = offset_s + (1 + drift) * t_a`: a fixed offset in seconds, and a drift in
seconds of B per second of A beyond one (a camera clock running 0.01 % fast has drift 1e-4, i.e.
0.36 s per hour). It comes from a known offset (`TimeMap.fixed`) or from sync points, pairs of
times of the same moment in both bases, fitted by least squares (`fit_time_map`); every point's
residual is kept so that the fit can be judged and refused (`TimeMap.check`).

Times may be written as seconds (`754.2`) or as clock times (`12:34.2`, `1:02:03.5`); see
`parse_seconds`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from annotate.errors import AlignmentError

Seconds = TypeVar("Seconds", float, NDArray[np.float64])

_CLOCK = re.compile(r"^(-)?(?:(\d{1,9}):)?(\d{1,9}):(\d{1,9}(?:\.\d*)?)$")


def parse_seconds(text: str) -> float:
    """Seconds from `"754.2"`, `"-3.5"`, `"12:34.2"` (minutes:seconds) or `"1:02:03.5"`.

    Raises:
        AlignmentError: naming the text, when it is neither a number nor a clock time.
    """
    value = text.strip()
    clock = _CLOCK.match(value)
    if clock:
        sign, hours, minutes, seconds = clock.groups()
        if (hours is not None and int(minutes) >= 60) or float(seconds) >= 60:
            raise AlignmentError(f"time {text!r}: minutes and seconds must be below 60")
        total = int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
        return -total if sign else total
    try:
        number = float(value) if "_" not in value else math.nan  # float() takes '1_0' as 10
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise AlignmentError(
            f"time {text!r} is neither seconds (e.g. 754.2) nor a clock time (e.g. 12:34.2)"
        )
    return number


@dataclass(frozen=True)
class SyncPoint:
    """One moment seen in both time bases.

    Attributes:
        a_s: Its time in base A, seconds.
        b_s: Its time in base B, seconds.
        label: What the moment is (e.g. "clap", "line 4"), for reports.
    """

    a_s: float
    b_s: float
    label: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.a_s) and math.isfinite(self.b_s)):
            raise AlignmentError(f"sync point {self.name}: times must be finite seconds")

    @property
    def name(self) -> str:
        """The label, or the two times when there is none."""
        return self.label or f"{self.a_s:g} s = {self.b_s:g} s"


@dataclass(frozen=True)
class SyncResidual:
    """How far the mapping misses one sync point: observed minus mapped time in base B, seconds."""

    point: SyncPoint
    residual_s: float


@dataclass(frozen=True)
class TimeMap:
    """`t_b = offset_s + (1 + drift) * t_a`, with the residuals of the points it was fitted to.

    Attributes:
        offset_s: Time in base B of time 0 in base A, seconds.
        drift: Seconds of B per second of A, minus one (0 for a pure offset).
        residuals: One per sync point, in the order given; empty for a given offset.
    """

    offset_s: float
    drift: float = 0.0
    residuals: tuple[SyncResidual, ...] = ()

    def __post_init__(self) -> None:
        if not (math.isfinite(self.offset_s) and math.isfinite(self.drift)):
            raise AlignmentError(
                f"time map must have a finite offset and drift, got {self.offset_s}, {self.drift}"
            )
        if 1.0 + self.drift <= 0:
            raise AlignmentError(
                f"time map runs backwards (drift {self.drift:g}): check that the sync points "
                "pair times of the same moments, base A first"
            )

    @classmethod
    def fixed(cls, offset_s: float) -> TimeMap:
        """A pure offset: `t_b = t_a + offset_s`."""
        return cls(offset_s=offset_s)

    @property
    def drift_s_per_hour(self) -> float:
        """Drift as seconds gained in base B per hour of base A."""
        return self.drift * 3600.0

    @property
    def max_residual_s(self) -> float:
        """Largest absolute residual in seconds (0 without sync points)."""
        return max((abs(r.residual_s) for r in self.residuals), default=0.0)

    def a_to_b(self, t_a: Seconds) -> Seconds:
        """Map seconds (a float or an array) from base A to base B."""
        return self.offset_s + (1.0 + self.drift) * t_a

    def b_to_a(self, t_b: Seconds) -> Seconds:
        """Map seconds (a float or an array) from base B back to base A."""
        return (t_b - self.offset_s) / (1.0 + self.drift)

    def check(self, tolerance_s: float) -> TimeMap:
        """Return this map when every residual is within `tolerance_s` seconds.

        Raises:
            AlignmentError: naming the worst sync point, its residual and the tolerance.
        """
        if not (math.isfinite(tolerance_s) and tolerance_s >= 0):
            raise AlignmentError(f"tolerance must be 0 s or more, got {tolerance_s}")
        if self.max_residual_s <= tolerance_s:
            return self
        worst = max(self.residuals, key=lambda r: abs(r.residual_s))
        over = sum(abs(r.residual_s) > tolerance_s for r in self.residuals)
        raise AlignmentError(
            f"sync fit refused: {over} of {len(self.residuals)} points miss by more than the "
            f"tolerance {tolerance_s:g} s, worst {worst.point.name} by {worst.residual_s:+.3f} s; "
            "check that point or raise the tolerance"
        )

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready record of the mapping, to keep beside whatever was mapped with it."""
        return {
            "offset_s": self.offset_s,
            "drift": self.drift,
            "points": [
                {
                    "a_s": r.point.a_s,
                    "b_s": r.point.b_s,
                    "label": r.point.label,
                    "residual_s": r.residual_s,
                }
                for r in self.residuals
            ],
        }


def fit_time_map(points: Sequence[SyncPoint], drift: bool = True) -> TimeMap:
    """Least-squares mapping from base A to base B through the sync points.

    Args:
        points: Sync points; two or more at different times in A for a fit with drift, one or more
            for an offset only.
        drift: Fit offset and drift; with False, the offset alone (the mean difference B - A).

    Raises:
        AlignmentError: too few points, or all at the same time in A when drift is asked for.
    """
    if not points:
        raise AlignmentError("no sync points given: give two or more, or a fixed offset")
    a = np.array([p.a_s for p in points], dtype=np.float64)
    b = np.array([p.b_s for p in points], dtype=np.float64)
    if not drift:
        return _with_residuals(TimeMap(offset_s=float(np.mean(b - a))), points)
    if len(points) < 2:
        raise AlignmentError(
            f"a fit with drift needs two or more sync points, got {len(points)}; "
            "fit an offset only or give a fixed offset"
        )
    a_mean, b_mean = float(np.mean(a)), float(np.mean(b))
    spread = float(np.sum((a - a_mean) ** 2))
    if spread == 0.0:
        raise AlignmentError(
            f"all sync points are at the same time in base A ({a[0]:g} s): drift cannot be "
            "fitted; give points further apart or fit an offset only"
        )
    scale = float(np.sum((a - a_mean) * (b - b_mean))) / spread
    return _with_residuals(TimeMap(offset_s=b_mean - scale * a_mean, drift=scale - 1.0), points)


def _with_residuals(time_map: TimeMap, points: Sequence[SyncPoint]) -> TimeMap:
    residuals = tuple(SyncResidual(p, p.b_s - time_map.a_to_b(p.a_s)) for p in points)
    return TimeMap(time_map.offset_s, time_map.drift, residuals)
