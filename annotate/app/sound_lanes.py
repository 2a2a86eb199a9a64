"""A clip's sound as the page draws it: the energy lane and the vocal episode lanes.

The energy lane is one level (dB of full scale, RMS) per step of `step_s` seconds, sent
compactly: bytes 0-255 for DB_MIN..0 dB, base64 coded. It comes from the extraction's
audio.parquet when the clip has been extracted, otherwise from the sound track itself (read with
annotate.sound.reader, 16 kHz mono, block by block). A clip without sound says so
(`{"sound": "none"}`), one whose sound does not decode says why (`"unreadable"`).

The vocal lanes come from episodes.csv beside the face lanes: each role's vocalisations, the
infant's cries, overlaps and singing hints. A vocal role is heard, not seen, so a coder's swap
of the faces' roles leaves these lanes as they are.
"""

from __future__ import annotations

import base64
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from annotate import columns as C
from annotate.errors import SoundError
from annotate.extract.folder import AUDIO_PARQUET
from annotate.sound.reader import RATE, sound_blocks, sound_track
from annotate.sound.summary import NONE, READ, UNREADABLE

DB_MIN = -90.0
STEP_S = 0.05
MAX_STEPS = 20_000  # a 90-minute recording gets a step of 0.27 s
SOUND_SOURCE = "sound"
_VOCAL_LANES = (
    (C.VOCALISATION, ("mother", "infant", "other_adult", "unknown"), "voice"),
    (C.CRY, ("infant",), "cry"),
    (C.OVERLAP, ("dyad",), "voices overlap"),
    (C.SINGING_HINT, ("mother", "infant", "other_adult", "unknown"), "singing"),
)


def step_for(duration_s: float) -> float:
    """The energy lane's step: STEP_S, longer for recordings that would need over MAX_STEPS."""
    return max(STEP_S, math.ceil(duration_s / MAX_STEPS * 1000) / 1000)


def _packed(level_db: np.ndarray) -> str:
    scaled = np.round((np.clip(level_db, DB_MIN, 0.0) - DB_MIN) / -DB_MIN * 255)
    return base64.b64encode(scaled.astype(np.uint8).tobytes()).decode("ascii")


def _document(level_db: np.ndarray, step_s: float, source: str) -> dict[str, Any]:
    return {
        "sound": READ,
        "source": source,
        "step_s": step_s,
        "db_min": DB_MIN,
        "count": int(level_db.size),
        "levels": _packed(level_db),
    }


def levels_from_table(t: np.ndarray, level_db: np.ndarray, step_s: float) -> np.ndarray:
    """audio.parquet's frame levels as one level per step (the mean power of its frames)."""
    if t.size == 0:
        return np.zeros(0)
    bins = np.floor(t / step_s + 1e-9).astype(np.int64)
    n = int(bins.max()) + 1
    power = np.bincount(bins, weights=10 ** (level_db.astype(np.float64) / 10), minlength=n)
    counts = np.bincount(bins, minlength=n)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(counts > 0, power / np.maximum(counts, 1), 0.0)
        return np.where(mean > 0, 10 * np.log10(np.maximum(mean, 1e-12)), DB_MIN)


def levels_from_sound(path: Path, step_s: float) -> np.ndarray:
    """The sound track's RMS level (dBFS) per step, read block by block.

    Raises:
        SoundError: no sound track, or it does not decode.
    """
    window = max(1, round(step_s * RATE))
    out: list[np.ndarray] = []
    rest = np.zeros(0, dtype=np.float32)
    for block in sound_blocks(path):
        samples = np.concatenate([rest, block])
        whole = samples.size // window * window
        frames = samples[:whole].astype(np.float64).reshape(-1, window)
        out.append(10 * np.log10(np.mean(frames * frames, axis=1) + 1e-12))
        rest = samples[whole:]
    if rest.size:
        out.append(np.array([10 * np.log10(np.mean(rest.astype(np.float64) ** 2) + 1e-12)]))
    return np.concatenate(out) if out else np.zeros(0)


def sound_document(clip: Path, folder: Path | None, duration_s: float) -> dict[str, Any]:
    """The page's energy lane of a clip (see the module docstring); `folder`: its extraction
    outputs, if any."""
    step = step_for(duration_s)
    audio = folder / AUDIO_PARQUET if folder is not None else None
    if audio is not None and audio.is_file():
        try:
            table = pd.read_parquet(audio, columns=[C.T, "level_db"])
            levels = levels_from_table(
                table[C.T].to_numpy(np.float64), table["level_db"].to_numpy(np.float64), step
            )
            return _document(levels, step, AUDIO_PARQUET)
        except (OSError, ValueError, KeyError):
            pass  # a damaged table: read the sound itself
    try:
        if sound_track(clip) is None:
            return {"sound": NONE, "message": "no sound"}
        return _document(levels_from_sound(clip, step), step, "sound track")
    except SoundError as exc:
        return {"sound": UNREADABLE, "message": f"sound not readable: {exc}"}


def vocal_lanes(episodes: pd.DataFrame) -> list[dict[str, Any]]:
    """The vocal episode lanes, in the order of _VOCAL_LANES (only those with episodes)."""
    lanes = []
    for kind, roles, label in _VOCAL_LANES:
        for role in roles:
            rows = episodes[(episodes["kind"] == kind) & (episodes[C.ROLE] == role)]
            if rows.empty:
                continue
            lanes.append(
                {
                    "id": f"{kind}/{role}",
                    "label": label if role == "dyad" else f"{role} {label}",
                    "kind": kind,
                    "role": role,
                    "source": SOUND_SOURCE,
                    "intervals": [
                        [round(float(s), 4), round(float(e), 4)]
                        for s, e in zip(rows.start, rows.end, strict=True)
                    ],
                }
            )
    return lanes
