"""Pitch (F0) by YIN (de Cheveigne & Kawahara 2002), vectorised over frames with numpy.

For each frame: the cumulative mean normalised difference d'(tau) over lags from 1 kHz down to
70 Hz; the first lag whose d' dips under a threshold (else the lowest d') is the period, refined
by a parabola; `periodicity` = 1 - d' there (near 1 for a clean voice, near 0 for noise).
`cancel` removes a frame's periodic part at its period, so that YIN on the rest finds a second,
overlapping voice.
"""

from __future__ import annotations

import numpy as np

RATE = 16_000
FMIN_HZ, FMAX_HZ = 70.0, 1000.0
TAU_MIN = int(RATE / FMAX_HZ)
TAU_MAX = int(RATE / FMIN_HZ) + 1
WINDOW = 400  # samples integrated per lag (25 ms)
SPAN = WINDOW + TAU_MAX + 1  # samples a frame's analysis needs
_NFFT = 1024


def yin(segments: np.ndarray, threshold: float = 0.25) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """F0 (Hz), periodicity (0-1) and the integer period (samples) of each row of `segments`.

    Args:
        segments: (frames, SPAN) float samples, one analysis span per frame.
    """
    x = np.asarray(segments, dtype=np.float64)
    n = x.shape[0]
    head = np.fft.rfft(x[:, :WINDOW], _NFFT)
    whole = np.fft.rfft(x, _NFFT)
    cross = np.fft.irfft(np.conj(head) * whole, _NFFT)[:, : TAU_MAX + 1]
    sq = np.concatenate([np.zeros((n, 1)), np.cumsum(x * x, axis=1)], axis=1)
    lags = np.arange(TAU_MAX + 1)
    energy = sq[:, lags + WINDOW] - sq[:, lags]
    diff = np.maximum(energy[:, :1] + energy - 2 * cross, 0.0)
    running = np.cumsum(diff[:, 1:], axis=1)
    cmnd = np.ones_like(diff)
    cmnd[:, 1:] = diff[:, 1:] * lags[1:] / np.maximum(running, 1e-12)
    band = cmnd[:, TAU_MIN:TAU_MAX]
    below = band < threshold
    # first dip under the threshold, then walk down to its local minimum
    first = np.where(below.any(axis=1), below.argmax(axis=1), band.argmin(axis=1))
    rows = np.arange(n)
    for _ in range(8):
        nxt = np.minimum(first + 1, band.shape[1] - 1)
        step = band[rows, nxt] < band[rows, first]
        first = np.where(step, nxt, first)
    tau = first + TAU_MIN
    left = cmnd[rows, np.maximum(tau - 1, 1)]
    mid = cmnd[rows, tau]
    right = cmnd[rows, np.minimum(tau + 1, TAU_MAX)]
    denom = left - 2 * mid + right
    shift = np.where(np.abs(denom) > 1e-9, 0.5 * (left - right) / np.where(denom == 0, 1, denom), 0)
    refined = tau + np.clip(shift, -0.5, 0.5)
    periodicity = np.clip(1.0 - mid, 0.0, 1.0)
    silent = energy[:, 0] < 1e-10
    periodicity[silent] = 0.0
    return RATE / refined, periodicity, tau


def cancel(segments: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """Each row with its periodic part at lag `tau` removed: y[n] = x[n + tau] - x[n].

    The rows come back shorter by TAU_MAX."""
    keep = segments.shape[1] - TAU_MAX
    idx = np.arange(keep)[None, :] + tau[:, None]
    return np.take_along_axis(segments, idx, axis=1) - segments[:, :keep]
