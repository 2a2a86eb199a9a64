"""Episodes from per-frame flags: runs of True, gaps filled, short runs dropped.

A sampled frame at time t_i stands for [t_i, t_{i+1}): the time until the next sample (the last
sample stands for one median sampling step). A run of flagged samples is an episode from the
first sample's time to the end of the last one's interval; two episodes separated by a gap of at
most `max_gap_s` are merged; episodes shorter than `min_duration_s` (after merging) are dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Episode:
    """One episode of a kind (e.g. mutual_gaze) for a role (or 'dyad'), in seconds and frames.

    `end_frame` is the index of the last sampled frame inside the episode.
    """

    kind: str
    role: str
    start_s: float
    end_s: float
    start_frame: int
    end_frame: int
    value: float | None = None  # a number some kinds carry (a vocal response's latency, s)

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def sample_ends(times_s: np.ndarray) -> np.ndarray:
    """Where each sample's interval ends: the next sample's time; the last gets the median step."""
    times_s = np.asarray(times_s, dtype=np.float64)
    if times_s.size == 0:
        return times_s
    if times_s.size == 1:
        return times_s + 0.0
    step = float(np.median(np.diff(times_s)))
    return np.append(times_s[1:], times_s[-1] + step)


def episodes_from_flags(
    kind: str,
    role: str,
    times_s: Sequence[float] | np.ndarray,
    frames: Sequence[int] | np.ndarray,
    flags: Sequence[bool] | np.ndarray,
    min_duration_s: float,
    max_gap_s: float,
) -> list[Episode]:
    """Episodes of `kind` for `role` where `flags` is true.

    Args:
        kind: the episode's kind, e.g. "mutual_gaze".
        role: the role it belongs to, or "dyad".
        times_s: sample times in seconds, increasing.
        frames: each sample's frame index.
        flags: whether each sample shows the feature (NaN or None count as False).
        min_duration_s: shorter episodes (after gap filling) are dropped.
        max_gap_s: gaps up to this long between runs are filled.
    """
    times = np.asarray(times_s, dtype=np.float64)
    frame_ids = np.asarray(frames, dtype=np.int64)
    on = np.asarray([bool(f) if f == f and f is not None else False for f in flags], dtype=bool)
    if times.size != on.size or frame_ids.size != on.size:
        raise ValueError(
            f"times ({times.size}), frames ({frame_ids.size}) and flags ({on.size}) "
            "differ in length"
        )
    if not on.any():
        return []
    ends = sample_ends(times)
    edges = np.diff(np.concatenate(([0], on.astype(np.int8), [0])))
    starts_idx = np.flatnonzero(edges == 1)
    stops_idx = np.flatnonzero(edges == -1) - 1  # index of the last flagged sample of each run
    runs: list[list[int]] = []
    for first, last in zip(starts_idx.tolist(), stops_idx.tolist(), strict=True):
        if runs and times[first] - ends[runs[-1][1]] <= max_gap_s + 1e-9:
            runs[-1][1] = int(last)
        else:
            runs.append([int(first), int(last)])
    episodes = []
    for first, last in runs:
        start, end = float(times[first]), float(ends[last])
        if end - start + 1e-9 >= min_duration_s:
            episodes.append(
                Episode(kind, role, start, end, int(frame_ids[first]), int(frame_ids[last]))
            )
    return episodes
