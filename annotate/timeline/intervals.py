"""Interval algebra in seconds: overlap, intersection, union, gaps, total duration, grid coverage.

One record, `Interval(start_s, end_s)`, on one time base (seconds, usually the video's own).
A point event is an interval of zero length (`end_s == start_s`). Conventions, the same everywhere:

- Containment is closed: `Interval(2, 5).contains(5)` is true.
- Two intervals overlap when they share time, or when one is a point lying inside the other
  (its ends included). Two intervals that only touch (`[0, 1]` and `[1, 2]`) do not overlap, so an
  annotation that ends as a mechanism event starts is not counted in it.
- `union` merges intervals that overlap or touch; an isolated point stays in the result as a point.
- `gaps` and `grid_coverage` measure time, so points cover nothing there.

Open-ended segments (no end yet: "singing until the end of the recording") are `Event`s with
`end_s=None`, resolved against the recording's span by `Event.resolve`, which also refuses an event
that lies outside the recording (AlignmentError naming the event).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from annotate.errors import AlignmentError

# Grid bins are counted with this slack so that 10.0 s at 0.1 s steps gives 100 bins, not 101.
_GRID_SLACK = 1e-9


@dataclass(frozen=True, order=True)
class Interval:
    """A closed stretch of time `[start_s, end_s]` in seconds; `end_s == start_s` is a point.

    Raises:
        AlignmentError: a bound is not a finite number, or the end is before the start.
    """

    start_s: float
    end_s: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.start_s) and math.isfinite(self.end_s)):
            raise AlignmentError(
                f"interval bounds must be finite seconds, got {self.start_s}-{self.end_s}"
            )
        if self.end_s < self.start_s:
            raise AlignmentError(
                f"interval end {self.end_s} s is before its start {self.start_s} s"
            )

    @classmethod
    def point(cls, t_s: float) -> Interval:
        """A point event at `t_s` seconds (an interval of zero length)."""
        return cls(t_s, t_s)

    @property
    def duration_s(self) -> float:
        """Length in seconds (0 for a point)."""
        return self.end_s - self.start_s

    @property
    def is_point(self) -> bool:
        """True for a zero-length interval."""
        return self.end_s == self.start_s

    def contains(self, t_s: float) -> bool:
        """Whether the time `t_s` (seconds) lies in the interval, its ends included."""
        return self.start_s <= t_s <= self.end_s

    def overlaps(self, other: Interval) -> bool:
        """Whether the two share time, or one is a point inside the other (ends included).

        Intervals that only touch at one end do not overlap.
        """
        if self.is_point or other.is_point:
            return self.start_s <= other.end_s and other.start_s <= self.end_s
        return max(self.start_s, other.start_s) < min(self.end_s, other.end_s)

    def intersection(self, other: Interval) -> Interval | None:
        """The time both cover, or None when they do not overlap (see `overlaps`)."""
        if not self.overlaps(other):
            return None
        return Interval(max(self.start_s, other.start_s), min(self.end_s, other.end_s))

    def expand(self, before_s: float, after_s: float | None = None) -> Interval:
        """A window around this interval: `before_s` earlier, `after_s` (default: the same) later.

        Turns a point event into a window, e.g. `Interval.point(61.0).expand(5.0)` is 56-66 s.
        """
        after_s = before_s if after_s is None else after_s
        if before_s < 0 or after_s < 0:
            raise AlignmentError(
                f"a window must not be negative, got before {before_s} s, after {after_s} s"
            )
        return Interval(self.start_s - before_s, self.end_s + after_s)


@dataclass(frozen=True)
class Event:
    """A named event as it comes from a source, possibly open-ended (`end_s=None`).

    Attributes:
        name: What the event is, used in error messages (e.g. "M14 segment 3, session A1/2").
        start_s: Start in seconds on the recording's time base.
        end_s: End in seconds; None means "until the recording's end"; equal to `start_s` for a
            point event.
    """

    name: str
    start_s: float
    end_s: float | None = None

    def resolve(
        self, recording: Interval, tolerance_s: float = 0.0, clip: bool = False
    ) -> Interval:
        """The event as an `Interval` inside the recording's span.

        An open end becomes the recording's end. An event reaching past the recording by at most
        `tolerance_s` seconds is trimmed to it; with `clip=True`, any event that overlaps the
        recording is trimmed to it.

        Raises:
            AlignmentError: naming the event, when it ends before its start, lies outside the
                recording, or (without `clip`) reaches past the recording by more than the
                tolerance.
        """
        if not (math.isfinite(tolerance_s) and tolerance_s >= 0):
            raise AlignmentError(f"tolerance must be 0 s or more, got {tolerance_s}")
        where = f"event '{self.name}' ({_span_text(self.start_s, self.end_s)})"
        end_s = recording.end_s if self.end_s is None else self.end_s
        if not math.isfinite(self.start_s):
            raise AlignmentError(f"{where}: the start must be a finite number of seconds")
        if self.end_s is not None and not (math.isfinite(end_s) and end_s >= self.start_s):
            raise AlignmentError(f"{where}: the end must be a number at or after the start")
        rec = f"the recording ({_span_text(recording.start_s, recording.end_s)})"
        if end_s < recording.start_s - tolerance_s or self.start_s > recording.end_s + tolerance_s:
            raise AlignmentError(f"{where} lies outside {rec}; check its time base and offset")
        if not clip:
            early_s = recording.start_s - self.start_s
            late_s = end_s - recording.end_s
            if early_s > tolerance_s:
                raise AlignmentError(f"{where} starts {early_s:g} s before {rec}")
            if late_s > tolerance_s:
                raise AlignmentError(f"{where} ends {late_s:g} s after {rec}")
        start_s = min(max(self.start_s, recording.start_s), recording.end_s)
        return Interval(start_s, max(min(end_s, recording.end_s), start_s))


def _span_text(start_s: float, end_s: float | None) -> str:
    end = "open end" if end_s is None else f"{end_s:g} s"
    return f"{start_s:g} s to {end}"


def union(intervals: Iterable[Interval]) -> list[Interval]:
    """Merge intervals that overlap or touch into sorted, disjoint intervals.

    Points inside or at the edge of another interval are absorbed; isolated points are kept.
    Every time covered by an input is covered by the result and no other time is.
    """
    merged: list[Interval] = []
    for item in sorted(intervals):
        if merged and item.start_s <= merged[-1].end_s:
            if item.end_s > merged[-1].end_s:
                merged[-1] = Interval(merged[-1].start_s, item.end_s)
        else:
            merged.append(item)
    return merged


def intersect(first: Iterable[Interval], second: Iterable[Interval]) -> list[Interval]:
    """The time covered by both collections, as sorted, disjoint intervals.

    Equals the union of `a.intersection(b)` over all pairs, so touching ends contribute nothing.
    """
    a, b = union(first), union(second)
    found: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        common = a[i].intersection(b[j])
        if common is not None:
            found.append(common)
        if a[i].end_s <= b[j].end_s:  # a[i] cannot reach b[j + 1], which starts after b[j] ends
            i += 1
        else:
            j += 1
    return union(found)


def total_duration_s(intervals: Iterable[Interval]) -> float:
    """Seconds covered by the intervals, overlapping time counted once."""
    return sum(item.duration_s for item in union(intervals))


def gaps(intervals: Iterable[Interval], span: Interval) -> list[Interval]:
    """The complement within `span`: the stretches (of positive length) no interval covers."""
    found: list[Interval] = []
    cursor = span.start_s
    for item in union(i for i in intervals if not i.is_point):
        if item.end_s <= cursor:
            continue
        if item.start_s >= span.end_s:
            break
        if item.start_s > cursor:
            found.append(Interval(cursor, item.start_s))
        cursor = item.end_s
    if cursor < span.end_s:
        found.append(Interval(cursor, span.end_s))
    return found


def covered_share(intervals: Iterable[Interval], span: Interval) -> float:
    """Share (0-1) of `span` covered by the intervals; 0 for a zero-length span."""
    if span.is_point:
        return 0.0
    return total_duration_s(intersect(intervals, [span])) / span.duration_s


@dataclass(frozen=True, eq=False)
class GridCoverage:
    """How much of each bin of a regular grid the intervals cover.

    Attributes:
        start_s: Bin starts in seconds, shape (n,).
        end_s: Bin ends in seconds, shape (n,); the last bin is cut at the span's end.
        share: Share (0-1) of each bin's length that the intervals cover, shape (n,).
    """

    start_s: NDArray[np.float64]
    end_s: NDArray[np.float64]
    share: NDArray[np.float64]


def grid_coverage(intervals: Iterable[Interval], span: Interval, step_s: float) -> GridCoverage:
    """Resample intervals to a grid of `step_s`-second bins from `span.start_s` to `span.end_s`.

    Bin k is `[start + k*step, start + (k+1)*step)`, the last one cut at the span's end; its share
    is the covered time inside it divided by its length. Points cover nothing.

    Raises:
        AlignmentError: `step_s` is not a positive number of seconds.
    """
    if not (math.isfinite(step_s) and step_s > 0):
        raise AlignmentError(f"grid step must be a positive number of seconds, got {step_s}")
    n_bins = max(0, math.ceil(span.duration_s / step_s - _GRID_SLACK))
    starts = span.start_s + step_s * np.arange(n_bins, dtype=np.float64)
    ends = np.minimum(starts + step_s, span.end_s)
    merged = [i for i in intersect(intervals, [span]) if not i.is_point]
    covered = _cumulative_cover(merged, ends) - _cumulative_cover(merged, starts)
    share = np.clip(covered / (ends - starts), 0.0, 1.0)
    return GridCoverage(start_s=starts, end_s=ends, share=share)


def _cumulative_cover(merged: Sequence[Interval], t_s: NDArray[np.float64]) -> NDArray[np.float64]:
    """Seconds of the sorted, disjoint `merged` intervals lying before each time in `t_s`."""
    if not merged:
        return np.zeros_like(t_s)
    starts = np.array([i.start_s for i in merged])
    lengths = np.array([i.duration_s for i in merged])
    done_before = np.concatenate(([0.0], np.cumsum(lengths)))
    k = np.searchsorted(starts, t_s, side="right")  # intervals starting at or before t
    last = np.maximum(k - 1, 0)
    partial = np.clip(t_s - starts[last], 0.0, lengths[last])
    return np.where(k > 0, done_before[last] + partial, 0.0)
