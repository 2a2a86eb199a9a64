"""Contingency of a TARGET on a GIVEN on a clip's frames: the 2x2 table and its measures.

Frame k spans [k/fps, (k+1)/fps). A frame is *in window* when its start lies within (0, W] s
after an onset of GIVEN; a frame *has target* when an onset of TARGET falls in it. Over all frames
of the clip:

                      has target   no target
    in window              a           b
    not in window          c           d

- `p_target_given` = a / (a + b): P(target | in window);
- `base_rate` = (a + c) / N: P(target) over all N frames;
- `yules_q` = (ad - bc) / (ad + bc), from -1 to 1, 0 for no association;
- `adjusted_residual` (Allison & Liker 1982): (P(T|G) - P(T)) / sqrt(P(T) (1 - P(T)) (1 - P(G))
  / n_G), with P(G) = (a + b) / N and n_G = a + b; the same number as Haberman's adjusted residual
  of cell a, (a - E) / sqrt(E (1 - P(G)) (1 - P(T))), E = (a + b)(a + c) / N;
- `p_permutation`: the share of tables, with GIVEN's onsets placed uniformly at random in the clip
  (as many as there were; `permutations` times, seeded), whose adjusted residual reaches the
  observed one: (1 + count) / (1 + permutations), one-sided (the target follows more than
  chance);
- `median_latency_s`: the median, over GIVEN onsets, of the time to the next TARGET onset after it
  (onsets with no later target are left out).

Tables of several clips add up (pooled over a dyad, a phase, a study): the permuted tables are
added permutation by permutation, so a pooled p keeps each clip's own shuffles.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

_EPS = 1e-9
_BLOCK_CELLS = 4_000_000  # frames x shuffles masked at once (about 40 MB)
MEASURES = (
    "a",
    "b",
    "c",
    "d",
    "p_target_given",
    "base_rate",
    "yules_q",
    "adjusted_residual",
    "p_permutation",
    "median_latency_s",
)


def onset_frames(onsets_s: NDArray[np.float64], fps: float, frames: int) -> NDArray[np.int64]:
    """The frame each onset falls in (onsets outside the clip are dropped)."""
    index = np.floor(np.asarray(onsets_s, dtype=np.float64) * fps + _EPS).astype(np.int64)
    return index[(index >= 0) & (index < frames)]


def window_mask(
    onsets_s: NDArray[np.float64], window_s: float, fps: float, frames: int
) -> NDArray[np.bool_]:
    """Which frames start within (0, window_s] after some onset: shape (frames,)."""
    return window_masks(np.asarray(onsets_s, dtype=np.float64)[None, :], window_s, fps, frames)[0]


def window_masks(
    onsets_s: NDArray[np.float64], window_s: float, fps: float, frames: int
) -> NDArray[np.bool_]:
    """`window_mask` for each row of an (r, n) array of onsets: shape (r, frames)."""
    rows = onsets_s.shape[0]
    first = np.floor(onsets_s * fps + _EPS).astype(np.int64) + 1
    last = np.floor((onsets_s + window_s) * fps + _EPS).astype(np.int64)
    first, last = np.clip(first, 0, frames), np.clip(last + 1, 0, frames)
    marks = np.zeros((rows, frames + 1), dtype=np.int64)
    row_index = np.repeat(np.arange(rows), onsets_s.shape[1])
    np.add.at(marks, (row_index, first.ravel()), 1)
    np.add.at(marks, (row_index, last.ravel()), -1)
    return np.cumsum(marks[:, :frames], axis=1) > 0


@dataclass(frozen=True)
class Table:
    """A 2x2 contingency table (see the module docstring), with what pooling needs.

    Attributes:
        a, b, c, d: The counts of frames.
        latencies_s: Each GIVEN onset's time to the next TARGET onset (seconds).
        permuted: (permutations, 4) counts a, b, c, d of the shuffled tables.
    """

    a: int
    b: int
    c: int
    d: int
    latencies_s: tuple[float, ...] = ()
    permuted: NDArray[np.int64] | None = None

    def __add__(self, other: Table) -> Table:
        permuted = None
        if self.permuted is not None and other.permuted is not None:
            permuted = self.permuted + other.permuted
        return Table(
            self.a + other.a,
            self.b + other.b,
            self.c + other.c,
            self.d + other.d,
            self.latencies_s + other.latencies_s,
            permuted,
        )

    def measures(self) -> dict[str, float]:
        """Every measure by name (NaN where undefined, e.g. Q of a table with ad + bc = 0)."""
        z = adjusted_residual(self.a, self.b, self.c, self.d)
        return {
            "a": float(self.a),
            "b": float(self.b),
            "c": float(self.c),
            "d": float(self.d),
            "p_target_given": _ratio(self.a, self.a + self.b),
            "base_rate": _ratio(self.a + self.c, self.a + self.b + self.c + self.d),
            "yules_q": yules_q(self.a, self.b, self.c, self.d),
            "adjusted_residual": z,
            "p_permutation": permutation_p(z, self.permuted),
            "median_latency_s": float(np.median(self.latencies_s))
            if self.latencies_s
            else math.nan,
        }


def _ratio(top: float, bottom: float) -> float:
    return top / bottom if bottom else math.nan


def yules_q(a: float, b: float, c: float, d: float) -> float:
    """Yule's Q = (ad - bc) / (ad + bc); NaN when ad + bc = 0."""
    return _ratio(a * d - b * c, a * d + b * c)


def adjusted_residuals(
    a: NDArray[np.float64], b: NDArray[np.float64], c: NDArray[np.float64], d: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Allison-Liker z of each table (arrays of counts); NaN where a margin is empty."""
    n = a + b + c + d
    with np.errstate(divide="ignore", invalid="ignore"):
        p_given, p_target = (a + b) / n, (a + c) / n
        expected = (a + b) * (a + c) / n
        spread = np.sqrt(expected * (1.0 - p_given) * (1.0 - p_target))
        z = (a - expected) / spread
    return np.where(spread > 0, z, np.nan)


def adjusted_residual(a: float, b: float, c: float, d: float) -> float:
    """Allison-Liker z of one table (see the module docstring); NaN where a margin is empty."""
    arrays = [np.array([x], dtype=np.float64) for x in (a, b, c, d)]
    return float(adjusted_residuals(*arrays)[0])


def permutation_p(observed_z: float, permuted: NDArray[np.int64] | None) -> float:
    """(1 + shuffled tables with z >= observed) / (1 + shuffles); NaN without shuffles or z."""
    if permuted is None or not len(permuted) or math.isnan(observed_z):
        return math.nan
    counts = permuted.astype(np.float64)
    z = adjusted_residuals(counts[:, 0], counts[:, 1], counts[:, 2], counts[:, 3])
    reached = int(np.count_nonzero(z >= observed_z - 1e-12))
    return (1 + reached) / (1 + len(permuted))


def latencies(given_s: NDArray[np.float64], target_s: NDArray[np.float64]) -> tuple[float, ...]:
    """Each GIVEN onset's time to the first TARGET onset after it (seconds)."""
    targets = np.sort(np.asarray(target_s, dtype=np.float64))
    after = np.searchsorted(targets, given_s, side="right")
    found = after < targets.size
    return tuple(float(x) for x in targets[after[found]] - np.asarray(given_s)[found])


def _counts(in_window: NDArray[np.bool_], has_target: NDArray[np.bool_]) -> NDArray[np.int64]:
    """(..., 4) counts a, b, c, d of frame masks (in_window may have a leading axis)."""
    a = np.count_nonzero(in_window & has_target, axis=-1)
    b = np.count_nonzero(in_window & ~has_target, axis=-1)
    c = np.count_nonzero(~in_window & has_target, axis=-1)
    d = np.count_nonzero(~in_window & ~has_target, axis=-1)
    return np.stack([a, b, c, d], axis=-1).astype(np.int64)


def contingency_table(
    given_s: NDArray[np.float64],
    target_s: NDArray[np.float64],
    *,
    window_s: float,
    fps: float,
    duration_s: float,
    permutations: int = 1000,
    rng: np.random.Generator | None = None,
) -> Table:
    """One clip's table (see the module docstring).

    Args:
        given_s: GIVEN onsets, seconds.
        target_s: TARGET onsets, seconds.
        window_s: W, seconds (> 0).
        fps: Frames per second.
        duration_s: The clip's length, seconds (frames: ceil(duration x fps)).
        permutations: How many shuffles of GIVEN's onsets (0: none).
        rng: The generator for the shuffles (default: seeded with 0).
    """
    frames = max(1, math.ceil(duration_s * fps - 1e-9))
    given = np.asarray(given_s, dtype=np.float64)
    has_target = np.zeros(frames, dtype=bool)
    has_target[onset_frames(target_s, fps, frames)] = True
    a, b, c, d = (int(x) for x in _counts(window_mask(given, window_s, fps, frames), has_target))
    permuted = None
    if permutations > 0:
        generator = rng if rng is not None else np.random.default_rng(0)
        shuffled = generator.uniform(0.0, duration_s, size=(permutations, given.size))
        block = max(1, _BLOCK_CELLS // frames)  # bounds memory on long recordings
        permuted = np.concatenate(
            [
                _counts(window_masks(part, window_s, fps, frames), has_target[None, :])
                for part in np.split(shuffled, range(block, permutations, block))
            ]
        )
    return Table(a, b, c, d, latencies(given, target_s), permuted)
