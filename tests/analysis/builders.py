"""Builders for the analysis tests: feature tables with known intervals, extraction folders,
recordings as the analysis sees them, without video or landmarker."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from annotate import columns as C
from annotate.analysis.clip_features import ClipFeatures, read_clip_features
from annotate.analysis.events import MechanismEvent
from annotate.analysis.sources import RecordingSources
from annotate.cli import app
from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation
from annotate.config import EpisodeConfig, ExpressionConfig
from annotate.errors import AnnotateError
from annotate.faces.episodes import clip_episodes, episode_table

Spans = Sequence[tuple[float, float]]


def _within(t: np.ndarray, spans: Spans) -> np.ndarray:
    flag = np.zeros(t.size, dtype=bool)
    for a, b in spans:
        flag |= (t >= a - 1e-9) & (t < b - 1e-9)
    return flag


def feature_table(
    duration_s: float,
    fps: float = 10.0,
    *,
    mutual: Spans = (),
    smile: Mapping[str, Spans] | None = None,
    absent: Mapping[str, Spans] | None = None,
    roles: Sequence[str] = ("mother", "infant"),
    clip_id: str = "clip",
) -> pd.DataFrame:
    """A feature table: every role in every sample; the mother and the infant look at each other
    during `mutual`; `smile[role]` spans have smile 0.9 (else 0.1); `absent[role]` spans have
    the face not visible. Other roles look at no one."""
    t = np.round(np.arange(round(duration_s * fps)) / fps, 6)
    rows = []
    for role in roles:
        visible = ~_within(t, (absent or {}).get(role, ()))
        smiling = _within(t, (smile or {}).get(role, ()))
        partner = {"mother": "infant", "infant": "mother"}.get(role)
        looks = _within(t, mutual) & visible & (partner is not None)
        for k in range(t.size):
            row: dict[str, object] = {
                C.CLIP_ID: clip_id,
                C.FRAME: k,
                C.T: float(t[k]),
                C.TRACK: roles.index(role),
                C.ROLE: role,
                C.VISIBLE: bool(visible[k]),
            }
            for column in C.FACE_VALUE_COLUMNS:
                row[column] = (0.5 if column != C.SMILE else 0.1) if visible[k] else np.nan
            if visible[k]:
                row[C.SMILE] = 0.9 if smiling[k] else 0.1
                row[C.YAW] = 30.0 if looks[k] else 0.0
            row[C.LOOKING_AT] = partner if looks[k] else None
            row[C.MUTUAL_GAZE] = bool(looks[k])
            rows.append(row)
    return pd.DataFrame(rows)


def write_extraction(folder: Path, table: pd.DataFrame, clip_id: str = "clip") -> Path:
    """An extraction output folder: features.parquet and episodes.csv (from the table, with the
    project's own episode rules)."""
    folder.mkdir(parents=True, exist_ok=True)
    table.to_parquet(folder / "features.parquet", index=False)
    episodes = clip_episodes(table, EpisodeConfig(), ExpressionConfig())
    episode_table(clip_id, episodes).to_csv(folder / "episodes.csv", index=False)
    return folder


def extraction(folder: Path, table: pd.DataFrame) -> ClipFeatures:
    """Write an extraction folder and read it back as the analysis does."""
    return read_clip_features(write_extraction(folder, table))


def note(
    tier: str,
    code: str,
    start: float,
    end: float | None = None,
    coder: str = "ana",
    value: str = "",
) -> Annotation:
    """A manual annotation (a point when no end is given)."""
    return Annotation("", coder, tier, code, start, start if end is None else end, value)


def event(
    mechanism: str, start: float, end: float | None, who: str = "ana", label: str = ""
) -> MechanismEvent:
    """A mechanism event (end None: open; end = start: a point)."""
    return MechanismEvent(mechanism, start, end, who, f"test event {mechanism} at {start}", label)


def recording(
    duration_s: float,
    *,
    annotations: Sequence[Annotation] = (),
    events: Sequence[MechanismEvent] = (),
    features: ClipFeatures | None = None,
    path: str = "/data/session.mp4",
) -> RecordingSources:
    """A recording as the analysis sees it (no video file needed)."""
    clip = ClipRef("ab" * 32, Path(path).name, duration_s, 25.0, path)
    return RecordingSources(
        clip,
        Path(path).stem,
        programme="A1",
        session="2",
        annotations=tuple(annotations),
        events=tuple(events),
        features=features,
    )


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    error: str  # the one-line `error: ...` that cli.main prints, or ""


def run(*args: str | Path) -> Outcome:
    """Invoke `annotate`, turning AnnotateError into `error: ...` and exit 1 as cli.main does."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    if isinstance(result.exception, AnnotateError):
        return Outcome(1, result.stdout, f"error: {result.exception}")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Outcome(result.exit_code, result.stdout, result.stderr.strip())
