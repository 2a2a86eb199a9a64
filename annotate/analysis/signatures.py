"""Compact signatures of a video's frames and of its sound, and sliding normalised correlation.

Video: each sampled frame, in grey, shrunk to 32 x 18 pixels (area averaging), one row per sample
on a grid of `rate_hz` samples per second from the clip's time 0. Audio (PyAV): the first audio
stream, mixed to mono at 8 kHz, as the log energy of 16 bands (50 Hz - 4 kHz, spaced evenly on a
log scale) in 40 ms windows every 20 ms (50 rows per second), computed in chunks so that memory
does not grow with the recording's length.

`ncc_curve` slides a clip's signatures along a recording's and gives, at every lag, the
correlation between the two stretches with each dimension's mean over the stretch removed (so a
static background, the same at every lag, does not count; what moves does): 1 is a perfect
match.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
import cv2
import numpy as np
from numpy.typing import NDArray
from scipy.signal import fftconvolve

from annotate.errors import VideoError
from annotate.media.video import ClipInfo, iter_frames

ProgressHook = Callable[[int, int], None]
FRAME_SIZE = (32, 18)
AUDIO_RATE_HZ, AUDIO_SAMPLE_RATE, AUDIO_BANDS = 50, 8000, 16
_BLOCK = 64  # dimensions correlated at once (bounds memory on long recordings)
_POWER_FLOOR = 1e-3  # band power (float samples, 40 ms window) below which all is quiet


@dataclass(frozen=True, eq=False)
class Signatures:
    """Rows of signatures on a regular grid.

    Attributes:
        start_s: Time of the first row, seconds on the file's time base.
        rate_hz: Rows per second.
        values: Shape (n, d), float32.
    """

    start_s: float
    rate_hz: float
    values: NDArray[np.float32]

    @property
    def duration_s(self) -> float:
        """Seconds the rows cover."""
        return self.values.shape[0] / self.rate_hz


def frame_signature(rgb: NDArray[np.uint8]) -> NDArray[np.float32]:
    """One frame's signature: grey, shrunk to FRAME_SIZE, flattened (576 values, 0-255)."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    small = cv2.resize(grey, FRAME_SIZE, interpolation=cv2.INTER_AREA)
    return small.astype(np.float32).reshape(-1)


def video_signatures(
    info: ClipInfo,
    rate_hz: float | None,
    progress: ProgressHook | None = None,
    start_s: float = 0.0,
    end_s: float | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float32]]:
    """Frame signatures sampled at `rate_hz` (None: every frame): sample times and rows.

    Raises:
        VideoError: the file holds no frames in the stretch asked for.
    """
    times, rows = [], []
    for frame in iter_frames(info, rate_hz, progress, start_s=start_s, end_s=end_s):
        times.append(frame.t)
        rows.append(frame_signature(frame.rgb))
    if not rows:
        end = info.duration_s if end_s is None else end_s
        raise VideoError(f"no frames between {start_s:g} s and {end:g} s", info.path)
    return np.array(times, dtype=np.float64), np.stack(rows)


def on_grid(times_s: NDArray[np.float64], rows: NDArray[np.float32], rate_hz: float) -> Signatures:
    """Rows placed on the grid k / rate_hz (nearest grid point; gaps take the row before)."""
    k = np.round(times_s * rate_hz).astype(np.int64)
    k -= k.min()
    grid = np.full(int(k.max()) + 1, -1, dtype=np.int64)
    grid[k] = np.arange(k.size)
    filled = np.maximum.accumulate(grid)
    start = float(np.round(times_s.min() * rate_hz) / rate_hz)
    return Signatures(start, rate_hz, rows[np.maximum(filled, 0)])


def _band_matrix(window: int) -> NDArray[np.float64]:
    freqs = np.fft.rfftfreq(window, 1.0 / AUDIO_SAMPLE_RATE)
    edges = np.geomspace(50.0, AUDIO_SAMPLE_RATE / 2, AUDIO_BANDS + 1)
    matrix = np.zeros((freqs.size, AUDIO_BANDS))
    for band in range(AUDIO_BANDS):
        inside = (freqs >= edges[band]) & (freqs < edges[band + 1])
        if not inside.any():  # a narrow low band takes the nearest bin
            inside = np.abs(freqs - edges[band]) == np.abs(freqs - edges[band]).min()
        matrix[inside, band] = 1.0
    return matrix


class _BandEnergies:
    """Streams mono samples into rows of log band energies (see the module docstring)."""

    def __init__(self) -> None:
        self.hop = AUDIO_SAMPLE_RATE // AUDIO_RATE_HZ
        self.window = 2 * self.hop
        self.taper = np.hanning(self.window)
        self.bands = _band_matrix(self.window)
        self.pending = np.zeros(0, dtype=np.float64)
        self.rows: list[NDArray[np.float32]] = []

    def feed(self, samples: NDArray[np.float64]) -> None:
        self.pending = np.concatenate([self.pending, samples])
        count = (self.pending.size - self.window) // self.hop + 1
        if count <= 0:
            return
        frames = np.lib.stride_tricks.sliding_window_view(self.pending, self.window)[
            : count * self.hop : self.hop
        ]
        power = np.abs(np.fft.rfft(frames * self.taper, axis=1)) ** 2
        self.rows.append(np.log(power @ self.bands + _POWER_FLOOR).astype(np.float32))
        self.pending = self.pending[count * self.hop :]


def audio_signatures(path: Path) -> Signatures | None:
    """Band-energy rows of the first audio stream, 50 per second; None without audio.

    Raises:
        VideoError: the file cannot be opened or its audio cannot be decoded.
    """
    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                return None
            stream = container.streams.audio[0]
            resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_SAMPLE_RATE)
            energies = _BandEnergies()
            start_s: float | None = None
            for frame in container.decode(stream):
                if start_s is None:
                    start_s = float(frame.time or 0.0)
                for out in resampler.resample(frame):
                    energies.feed(out.to_ndarray().reshape(-1).astype(np.float64))
            for out in resampler.resample(None):
                energies.feed(out.to_ndarray().reshape(-1).astype(np.float64))
    except (av.error.FFmpegError, ValueError) as exc:
        raise VideoError(f"its audio cannot be decoded ({exc})", path) from None
    if not energies.rows:
        return None
    rows = np.concatenate(energies.rows)
    # each row's window is centred half a window after its first sample
    return Signatures(
        (start_s or 0.0) + energies.window / 2 / AUDIO_SAMPLE_RATE, AUDIO_RATE_HZ, rows
    )


def ncc_curve(clip: NDArray[np.float32], recording: NDArray[np.float32]) -> NDArray[np.float64]:
    """Normalised correlation of `clip` (m, d) with every stretch of m rows of `recording`
    (n, d), n >= m: shape (n - m + 1,), each in [-1, 1] (0 where a stretch does not vary)."""
    m, n = clip.shape[0], recording.shape[0]
    centred = clip.astype(np.float64) - clip.mean(axis=0)
    clip_norm = math.sqrt(float(np.sum(centred**2)))
    numerator = np.zeros(n - m + 1)
    sums_squared = np.zeros(n - m + 1)
    squares = np.zeros(n - m + 1)
    for first in range(0, clip.shape[1], _BLOCK):
        part = recording[:, first : first + _BLOCK].astype(np.float64)
        part -= part.mean(axis=0)  # the correlation ignores it; the sums stay small
        kernel = centred[::-1, first : first + _BLOCK]
        numerator += fftconvolve(part, kernel, mode="valid", axes=0).sum(axis=1)
        running = np.vstack([np.zeros((1, part.shape[1])), np.cumsum(part, axis=0)])
        sums_squared += ((running[m:] - running[:-m]) ** 2).sum(axis=1)
        running_sq = np.concatenate([[0.0], np.cumsum((part**2).sum(axis=1))])
        squares += running_sq[m:] - running_sq[:-m]
    variation = np.maximum(squares - sums_squared / m, 0.0)
    denominator = clip_norm * np.sqrt(variation)
    floor = 1e-9 * max(float(denominator.max(initial=0.0)), 1e-12)
    return np.where(denominator > floor, numerator / np.maximum(denominator, floor), 0.0)
