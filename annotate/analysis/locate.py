"""Where a clip cut from a session recording sits in it: by its frames, and its sound if both
have one.

1. Both videos are sampled at `rate_hz` (default 5 per second) into frame signatures
   (annotate.analysis.signatures); the clip's slide along the recording's, and the lag with the
   highest normalised correlation is the coarse offset (to a sampling step).
2. The offset is refined to a frame of the recording: the clip's liveliest stretch (up to 10 s,
   where its frames change most) is decoded at its full frame rate and compared with the
   recording's frames nearest in time, for every offset within a sampling step of the coarse one.
3. When both files have sound, its band energies (50 per second) are slid the same way. When the
   two agree (within a quarter second), they confirm each other; when they disagree, the more
   confident wins, with a warning, and the confidence drops.

Confidence (0-1) compares the best match with the runner-up more than 2 s away:
(best - runner_up) / (1 - runner_up): near 1 when the clip fits one place only, near 0 when it
fits many (a static shot) or none (a clip from another recording). The offset is the recording's
time at the clip's time 0: recording time = clip time + offset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotate.analysis.signatures import (
    ProgressHook,
    Signatures,
    audio_signatures,
    ncc_curve,
    on_grid,
    video_signatures,
)
from annotate.errors import AlignmentError
from annotate.media.video import ClipInfo, probe
from annotate.timeline.timebase import TimeMap

EXCLUSION_S = 2.0
AGREEMENT_S = 0.25
REFINE_S = 10.0


@dataclass(frozen=True)
class Match:
    """What one kind of signature says.

    Attributes:
        method: `video` or `audio`.
        offset_s: Recording time at the clip's time 0, seconds.
        score: Normalised correlation at the best offset (1: identical).
        runner_up: The best correlation more than 2 s from it.
        confidence: (score - runner_up) / (1 - runner_up), in 0-1.
    """

    method: str
    offset_s: float
    score: float
    runner_up: float
    confidence: float


@dataclass(frozen=True)
class Location:
    """Where the clip sits in the recording.

    Attributes:
        clip: The clip's file name; recording: the recording's.
        offset_s: Recording time at the clip's time 0, seconds.
        confidence: 0-1 (see the module docstring).
        clip_duration_s: The clip's length, seconds.
        video: What the frames say; audio: what the sound says (None without sound).
        warnings: Disagreements worth a look.
    """

    clip: str
    recording: str
    offset_s: float
    confidence: float
    clip_duration_s: float
    video: Match
    audio: Match | None = None
    warnings: tuple[str, ...] = ()

    def time_map(self) -> TimeMap:
        """Clip time onto recording time: a fixed offset."""
        return TimeMap.fixed(self.offset_s)

    def check(self, min_confidence: float) -> Location:
        """This location when its confidence reaches `min_confidence`.

        Raises:
            AlignmentError: naming the clip, the confidence and the best guess.
        """
        if self.confidence >= min_confidence:
            return self
        raise AlignmentError(
            f"no confident match in {self.recording} (confidence {self.confidence:.2f} < "
            f"{min_confidence:g}; best guess {self.offset_s:.3f} s): is the clip cut from this "
            "recording?",
            self.clip,
        )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready record; it reads as a time map (offset_s, drift) for `--time-map`."""

        def match(m: Match | None) -> dict[str, Any] | None:
            return None if m is None else {k: getattr(m, k) for k in Match.__dataclass_fields__}

        return {
            "offset_s": self.offset_s,
            "drift": 0.0,
            "points": [],
            "from": f"clip {self.clip}",
            "to": f"recording {self.recording}",
            "confidence": self.confidence,
            "clip_duration_s": self.clip_duration_s,
            "video": match(self.video),
            "audio": match(self.audio),
            "warnings": list(self.warnings),
        }


def best_lag(curve: NDArray[np.float64], exclusion: int) -> tuple[int, float, float, float]:
    """(lag, score, runner-up, confidence) of a correlation curve; the runner-up is the best
    value more than `exclusion` lags from the peak (0 when there is none)."""
    lag = int(np.argmax(curve))
    score = float(curve[lag])
    far = np.abs(np.arange(curve.size) - lag) > exclusion
    runner_up = float(curve[far].max()) if far.any() else 0.0
    if score <= 0:
        return lag, score, runner_up, 0.0
    confidence = (score - runner_up) / max(1.0 - runner_up, 1e-9)
    return lag, score, runner_up, float(min(max(confidence, 0.0), 1.0))


def _match(method: str, clip: Signatures, recording: Signatures) -> Match:
    if clip.values.shape[0] > recording.values.shape[0]:
        raise AlignmentError(
            f"the clip ({clip.duration_s:.1f} s) is longer than the recording "
            f"({recording.duration_s:.1f} s)"
        )
    curve = ncc_curve(clip.values, recording.values)
    lag, score, runner_up, confidence = best_lag(curve, round(EXCLUSION_S * recording.rate_hz))
    offset = recording.start_s + lag / recording.rate_hz - clip.start_s
    return Match(method, offset, score, runner_up, confidence)


def _liveliest(clip: Signatures, length_s: float) -> float:
    """Start (seconds) of the clip's stretch of `length_s` where its frames change most."""
    n = min(max(round(length_s * clip.rate_hz), 1), clip.values.shape[0])
    change = np.r_[0.0, np.abs(np.diff(clip.values.astype(np.float64), axis=0)).sum(axis=1)]
    running = np.r_[0.0, np.cumsum(change)]
    start = int(np.argmax(running[n:] - running[:-n]))
    return clip.start_s + start / clip.rate_hz


def refine(
    clip: ClipInfo, recording: ClipInfo, coarse: Match, clip_signatures: Signatures
) -> Match:
    """The offset to a frame of the recording, within one sampling step of the coarse one.

    Args:
        clip: The clip; recording: the recording.
        coarse: The first pass's match.
        clip_signatures: The clip's signatures of the first pass (to find its liveliest part).
    """
    step_s = 1.0 / clip_signatures.rate_hz
    start = _liveliest(clip_signatures, REFINE_S)
    end = min(start + REFINE_S, clip.duration_s)
    clip_t, clip_rows = video_signatures(clip, None, start_s=start, end_s=end)
    lo, hi = start + coarse.offset_s - step_s - 0.5, end + coarse.offset_s + step_s + 0.5
    rec_t, rec_rows = video_signatures(recording, None, start_s=max(lo, 0.0), end_s=hi)
    frame_s = 1.0 / recording.fps
    candidates = coarse.offset_s + frame_s * np.arange(
        -math.ceil(step_s / frame_s), math.ceil(step_s / frame_s) + 1
    )
    centred_clip = clip_rows - clip_rows.mean(axis=0)
    scores = []
    for offset in candidates:
        nearest = np.clip(np.searchsorted(rec_t, clip_t + offset), 1, rec_t.size - 1)
        nearest -= (clip_t + offset - rec_t[nearest - 1]) < (rec_t[nearest] - clip_t - offset)
        chosen = rec_rows[nearest].astype(np.float64)
        chosen -= chosen.mean(axis=0)
        denominator = math.sqrt(float((centred_clip**2).sum() * (chosen**2).sum())) or 1.0
        scores.append(float((centred_clip * chosen).sum()) / denominator)
    best = int(np.argmax(scores))
    return Match(
        "video", float(candidates[best]), scores[best], coarse.runner_up, coarse.confidence
    )


def _combine(video: Match, audio: Match | None) -> tuple[float, float, tuple[str, ...]]:
    if audio is None:
        return video.offset_s, video.confidence, ()
    if abs(video.offset_s - audio.offset_s) <= AGREEMENT_S:
        confidence = 1.0 - (1.0 - video.confidence) * (1.0 - audio.confidence)
        return video.offset_s, confidence, ()
    warning = (
        f"frames and sound disagree: frames say {video.offset_s:.3f} s (confidence "
        f"{video.confidence:.2f}), sound says {audio.offset_s:.3f} s ({audio.confidence:.2f})"
    )
    winner, loser = (video, audio) if video.confidence >= audio.confidence else (audio, video)
    return winner.offset_s, winner.confidence * (1.0 - loser.confidence), (warning,)


def locate_clip(
    clip_path: Path,
    recording_path: Path,
    *,
    rate_hz: float = 5.0,
    use_audio: bool = True,
    progress: ProgressHook | None = None,
) -> Location:
    """Find where `clip_path` sits in `recording_path` (see the module docstring).

    Args:
        clip_path: The clip cut from the recording.
        recording_path: The session recording.
        rate_hz: Frames per second compared in the first pass.
        use_audio: Compare the sound too, when both files have it.
        progress: Called with (frames decoded, frames expected) while the recording is read.

    Raises:
        VideoError: a file cannot be read; AlignmentError: the clip is longer than the
            recording, or a rate that is not positive.
    """
    if not (math.isfinite(rate_hz) and rate_hz > 0):
        raise AlignmentError(f"--fps must be a positive number, got {rate_hz}")
    clip, recording = probe(clip_path, with_hash=False), probe(recording_path, with_hash=False)
    if clip.duration_s > recording.duration_s + 1.0 / recording.fps:
        raise AlignmentError(
            f"the clip ({clip.duration_s:.1f} s) is longer than the recording "
            f"{recording_path.name} ({recording.duration_s:.1f} s)",
            clip_path,
        )
    clip_sigs = on_grid(*video_signatures(clip, rate_hz), rate_hz)
    rec_sigs = on_grid(*video_signatures(recording, rate_hz, progress), rate_hz)
    coarse = _match("video", clip_sigs, rec_sigs)
    video = refine(clip, recording, coarse, clip_sigs)
    audio = None
    if use_audio:
        clip_audio, rec_audio = audio_signatures(clip_path), audio_signatures(recording_path)
        if clip_audio is not None and rec_audio is not None:
            audio = _match("audio", clip_audio, rec_audio)
    offset, confidence, warnings = _combine(video, audio)
    return Location(
        clip_path.name,
        recording_path.name,
        offset,
        confidence,
        clip.duration_s,
        video,
        audio,
        warnings,
    )
