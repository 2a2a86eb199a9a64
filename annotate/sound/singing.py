"""Singing hints (mechanism M14): sustained pitched voicing, held notes, a regular rhythm.

Pitched frames are cut into notes where the pitch jumps (more than 0.7 semitone from the mean
of the note's last eight frames) or stops; a note is held when it lasts 0.12 s or more with a
pitch spread under 0.35 semitone. A stretch of `min_s` seconds is singing when half of it or
more is pitched, most pitched time lies in held notes, it holds at least five held notes, and
their onsets come at a regular pace (coefficient of variation of the onset intervals at most
0.4). Speech glides: its syllables rarely hold a pitch.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

import numpy as np

from annotate.sound.frames import FRAME_S

_JUMP_ST = 0.7
_HELD_SPREAD_ST = 0.35
_HELD_MIN_S = 0.12


@dataclass(frozen=True)
class Note:
    start: int  # first frame
    end: int  # one past the last frame
    held: bool


def notes(pitched: np.ndarray, f0_hz: np.ndarray) -> list[Note]:
    """Notes of the pitched frames (see the module's description)."""
    semitones = 12 * np.log2(np.where(pitched, f0_hz, 100.0) / 100.0)
    running = np.concatenate([[0.0], np.cumsum(semitones)])
    flags = pitched.tolist()
    found: list[Note] = []
    start = -1
    for i in range(pitched.size + 1):
        on = i < pitched.size and flags[i]
        if start >= 0:
            recent = max(start, i - 8)
            level = (running[i] - running[recent]) / (i - recent)
        if start >= 0 and (not on or abs(semitones[i] - level) > _JUMP_ST):
            part = semitones[start:i]
            long_enough = (i - start) * FRAME_S >= _HELD_MIN_S
            found.append(Note(start, i, long_enough and float(np.std(part)) < _HELD_SPREAD_ST))
            start = -1
        if on and start < 0:
            start = i
    return found


def singing_spans(pitched: np.ndarray, f0_hz: np.ndarray, min_s: float) -> list[tuple[int, int]]:
    """(first frame, one past the last) of each stretch that sounds like singing."""
    n = pitched.size
    width = max(1, round(min_s / FRAME_S))
    step = max(1, round(0.5 / FRAME_S))
    all_notes = notes(pitched, f0_hz)
    held = [nt for nt in all_notes if nt.held]
    starts = [nt.start for nt in held]
    pitched_before = np.concatenate([[0], np.cumsum(pitched)])
    hits: list[tuple[int, int]] = []
    for a in range(0, max(n - width, 0) + 1, step):
        b = a + width
        pitched_frames = int(pitched_before[min(b, n)] - pitched_before[a])
        if pitched_frames < 0.5 * width:
            continue
        inside = [nt for nt in held[bisect_left(starts, a) : bisect_left(starts, b)] if nt.end <= b]
        held_frames = sum(nt.end - nt.start for nt in inside)
        if len(inside) < 5 or held_frames < 0.6 * pitched_frames:
            continue
        onsets = np.array([nt.start for nt in inside], dtype=np.float64)
        gaps = np.diff(onsets)
        if gaps.mean() <= 0 or gaps.std() / gaps.mean() > 0.4:
            continue
        first, last = inside[0].start, inside[-1].end
        if hits and first <= hits[-1][1]:
            hits[-1] = (hits[-1][0], max(hits[-1][1], last))
        else:
            hits.append((first, last))
    return hits
