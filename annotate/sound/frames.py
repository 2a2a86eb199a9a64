"""Per-frame measures of a sound stream, block by block: level, pitch, a second voice, and the
voice activity model's probability. Frames are 16 ms (256 samples at 16 kHz); frame i starts at
i * 0.016 s. Only a frame's analysis span is kept between blocks, so memory stays flat in length.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from annotate.sound import pitch as P
from annotate.sound.vad import WINDOW as VAD_WINDOW
from annotate.sound.vad import VoiceActivity

RATE = P.RATE
HOP = 256
FRAME_S = HOP / RATE
LENGTH = P.SPAN + P.TAU_MAX  # samples around a frame's centre that its measures read
_HALF = LENGTH // 2
_LEVEL = 512  # samples (32 ms) around the centre for the level


@dataclass
class FrameMeasures:
    """Arrays, one value per frame."""

    t: np.ndarray
    level_db: np.ndarray
    speech_prob: np.ndarray  # the voice activity model's probability
    f0_hz: np.ndarray
    periodicity: np.ndarray
    f0_2_hz: np.ndarray  # a second voice's pitch under the first (NaN: none found)
    periodicity_2: np.ndarray
    level_2_db: np.ndarray  # level of what remains once the first voice is removed

    def __len__(self) -> int:
        return int(self.t.size)


def _measure(segments: np.ndarray) -> dict[str, np.ndarray]:
    mid = segments.shape[1] // 2
    core = segments[:, mid - _LEVEL // 2 : mid + _LEVEL // 2]
    power = np.mean(core.astype(np.float64) ** 2, axis=1)
    level = 10 * np.log10(power + 1e-12)
    first = segments[:, P.TAU_MAX // 2 : P.TAU_MAX // 2 + P.SPAN]
    f0, periodicity, tau = P.yin(first)
    rest = P.cancel(segments, tau)
    f0_2, periodicity_2, _ = P.yin(rest)
    rest_power = np.mean(rest[:, mid - _LEVEL // 2 : mid + _LEVEL // 2] ** 2, axis=1) / 2
    return {
        "level_db": level,
        "f0_hz": f0,
        "periodicity": periodicity,
        "f0_2_hz": f0_2,
        "periodicity_2": periodicity_2,
        "level_2_db": 10 * np.log10(rest_power + 1e-12),
    }


class FrameAnalyser:
    """Feed 16 kHz mono blocks in order, then `finish()` for the frame measures."""

    def __init__(self, vad: VoiceActivity | None = None) -> None:
        self._vad = vad if vad is not None else VoiceActivity()
        self._buf = np.zeros(_HALF, dtype=np.float32)  # silence before the first sample
        self._buf_start = -_HALF  # absolute sample index of _buf[0]
        self._next = 0  # next frame to measure
        self._total = 0
        self._parts: list[dict[str, np.ndarray]] = []
        self._speech: list[np.ndarray] = []

    def feed(self, block: np.ndarray) -> None:
        block = np.asarray(block, dtype=np.float32)
        self._total += block.size
        self._speech.append(self._vad.feed(block))
        self._buf = np.concatenate([self._buf, block])
        self._run(final=False)

    def _run(self, final: bool) -> None:
        end = self._buf_start + self._buf.size
        frames_total = -(-self._total // HOP)
        # frame i's span is centre - HALF .. centre - HALF + LENGTH, centre = i * HOP + HOP / 2
        last = (end - LENGTH + _HALF - HOP // 2) // HOP
        last = min(last, frames_total - 1) if final else last
        if last < self._next:
            return
        first_start = self._next * HOP + HOP // 2 - _HALF - self._buf_start
        views = sliding_window_view(self._buf, LENGTH)[first_start::HOP][: last - self._next + 1]
        self._parts.append(_measure(np.asarray(views, dtype=np.float64)))
        self._next = last + 1
        keep_from = self._next * HOP + HOP // 2 - _HALF - self._buf_start
        self._buf = self._buf[keep_from:]
        self._buf_start += keep_from

    def finish(self) -> FrameMeasures:
        self._buf = np.concatenate([self._buf, np.zeros(LENGTH, dtype=np.float32)])
        self._run(final=True)
        n = self._next
        keys = ("level_db", "f0_hz", "periodicity", "f0_2_hz", "periodicity_2", "level_2_db")
        joined = {
            k: np.concatenate([p[k] for p in self._parts]) if self._parts else np.zeros(0)
            for k in keys
        }
        windows = np.concatenate(self._speech) if self._speech else np.zeros(0, np.float32)
        per_frame = np.repeat(windows, VAD_WINDOW // HOP)
        speech = np.zeros(n, dtype=np.float64)
        speech[: min(n, per_frame.size)] = per_frame[:n]
        if per_frame.size and per_frame.size < n:  # the tail shorter than one model window
            speech[per_frame.size :] = per_frame[-1]
        return FrameMeasures(t=np.arange(n) * FRAME_S, speech_prob=speech, **joined)
