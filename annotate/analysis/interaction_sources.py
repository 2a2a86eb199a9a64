"""What the interaction analyses (contingency, lag sequences, synchrony) read: each clip's coded
annotations and automatic episodes, its frame rate and length, and its place in the study.

A *side* names one kind of event:

- `TIER:CODE`: a coder's annotations with that code on that tier (split at the first colon);
- `auto:KIND` or `auto:KIND:ROLE`: automatic episodes of that kind from the clip's extraction
  (episodes.csv), e.g. `auto:infant_gaze_aversion`, `auto:smile:mother`. A kind found for
  several roles needs the role.

Clips come from one of three places:

- one video (`--clip`): its annotations in the project store (annotate.sqlite beside it, or
  `--db`), its frame rate and length from the video, its episodes from `--features`;
- a study manifest (`--manifest`, annotate.analysis.study_manifest): each row a video as above
  (dyad and phase from the row), or an annotation file (.eaf, .boris, .csv, ... by suffix), read
  as with `--files`;
- a folder of annotation files (`--files`): every file a clip (a BORIS observation each its own
  clip, `file#observation`), at the frame rate `--fps`, as long as its media says (else up to
  the frame of its last annotation's end).

Without a coder, a tier coded by several coders is refused: counting two coders' events as one
stream would double them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from annotate.analysis.clip_features import read_episodes
from annotate.analysis.study_manifest import outputs_folder, read_study_manifest
from annotate.coding.clips import ClipRef, default_db_path
from annotate.coding.records import Annotation, CodingData
from annotate.coding.schemes import ATTRIBUTES_TIER
from annotate.coding.store import AnnotationStore
from annotate.errors import AnnotateError, ConfigError, InterchangeError, StoreError
from annotate.extract.folder import EPISODES_CSV
from annotate.interchange.convert import INPUT_FORMATS, file_format, parts, read_any, select_part
from annotate.study.manifest_rows import ManifestRow
from annotate.timeline.episodes import Episode

AUTO = "auto"


@dataclass(frozen=True)
class Side:
    """One kind of event (see the module docstring).

    Attributes:
        text: As the user wrote it (the name in tables).
        auto: Automatic episodes (True) or a coder's annotations.
        tier: The annotation tier, or the episode kind.
        code: The annotation code, or the episode role ("" = the one role there is).
    """

    text: str
    auto: bool
    tier: str
    code: str


def parse_side(text: str, *, auto: bool = False) -> Side:
    """A side from `TIER:CODE`, `auto:KIND` or `auto:KIND:ROLE` (with `auto`, every side is an
    episode kind: `KIND` or `KIND:ROLE`).

    Raises:
        ConfigError: an empty tier, code or kind.
    """
    body, is_auto = text.strip(), auto
    if body.lower().startswith(f"{AUTO}:"):
        body, is_auto = body[len(AUTO) + 1 :], True
    first, colon, second = body.partition(":")
    first, second = first.strip(), second.strip()
    if is_auto:
        if not first:
            raise ConfigError(f"{text!r}: give an episode kind, e.g. auto:infant_gaze_aversion")
        return Side(text.strip(), True, first, second)
    if not colon or not first or not second:
        raise ConfigError(f"{text!r}: give TIER:CODE (or auto:KIND for automatic episodes)")
    return Side(text.strip(), False, first, second)


@dataclass(frozen=True)
class ClipEvents:
    """One clip's events, as the analyses need them.

    Attributes:
        clip_id: Its name in tables.
        dyad, phase: Its place in the study ("" when unknown).
        fps: Frames per second of the frame grid (frame k spans [k/fps, (k+1)/fps)).
        duration_s: Its length, seconds.
        annotations: Coders' annotations (attributes left out).
        episodes: Automatic episodes (empty without an extraction).
        source: Where it came from, for messages.
        features: The extraction folder (None without one).
    """

    clip_id: str
    dyad: str
    phase: str
    fps: float
    duration_s: float
    annotations: tuple[Annotation, ...] = ()
    episodes: tuple[Episode, ...] = ()
    source: str = ""
    features: Path | None = field(default=None, compare=False)

    @property
    def frames(self) -> int:
        """How many frames the clip spans (at least one)."""
        return max(1, math.ceil(self.duration_s * self.fps - 1e-9))

    def intervals(self, side: Side) -> NDArray[np.float64]:
        """The side's events as an (n, 2) array of [start, end] seconds, sorted by start.

        Raises:
            AnnotateError: several coders coded the tier, or an episode kind has several roles
                and the side names none.
        """
        if side.auto:
            spans = self._episode_spans(side)
        else:
            chosen = [a for a in self.annotations if a.tier == side.tier and a.code == side.code]
            coders = sorted({a.coder for a in self.annotations if a.tier == side.tier})
            if len(coders) > 1:
                raise AnnotateError(
                    f"clip {self.clip_id}: tier {side.tier!r} is coded by {', '.join(coders)}; "
                    "choose one with --coder",
                    self.source or None,
                )
            spans = [(a.start_s, a.end_s) for a in chosen]
        array = np.array(sorted(spans), dtype=np.float64).reshape(-1, 2)
        return array

    def _episode_spans(self, side: Side) -> list[tuple[float, float]]:
        of_kind = [e for e in self.episodes if e.kind == side.tier]
        roles = sorted({e.role for e in of_kind})
        if not side.code and len(roles) > 1:
            raise AnnotateError(
                f"clip {self.clip_id}: episodes {side.tier} are found for roles "
                f"{', '.join(roles)}; write auto:{side.tier}:ROLE",
                self.source or None,
            )
        return [(e.start_s, e.end_s) for e in of_kind if not side.code or e.role == side.code]

    def onsets(self, side: Side) -> NDArray[np.float64]:
        """The side's onsets, seconds, sorted."""
        return self.intervals(side)[:, 0].copy()


@dataclass(frozen=True)
class ClipSource:
    """Where the clips come from: exactly one of clip, manifest and files.

    Attributes:
        clip: One video.
        manifest: A study manifest (videos or annotation files).
        files: A folder of annotation files.
        db: The project database (default: annotate.sqlite beside each video).
        features: An extraction folder (one clip), or a folder of them, one per clip id.
        coder: Only this coder's annotations (None: everyone's; see the module docstring).
        fps: The frame rate of annotation files (required for them).
    """

    clip: Path | None = None
    manifest: Path | None = None
    files: Path | None = None
    db: Path | None = None
    features: Path | None = None
    coder: str | None = None
    fps: float | None = None


def _episodes_of(
    features: Path | None, clip_id: str, stem: str, itself: bool
) -> tuple[tuple[Episode, ...], Path | None]:
    if features is None:
        return (), None
    folder = outputs_folder(features, clip_id, stem, itself=itself)
    if folder is None or not (folder / EPISODES_CSV).is_file():
        return (), None
    return read_episodes(folder / EPISODES_CSV), folder


def _stored(clip: ClipRef, db: Path, coder: str | None, given: bool) -> tuple[Annotation, ...]:
    if not db.exists():
        if given:
            raise StoreError("no such project database (--db)", db)
        return ()
    with AnnotationStore(db, create=False) as store:
        stored = store.annotations(clip_sha256=clip.sha256, coder=coder)
    return tuple(s.annotation for s in stored if s.annotation.tier != ATTRIBUTES_TIER)


def video_clip(
    path: Path, source: ClipSource, *, clip_id: str = "", dyad: str = "", phase: str = ""
) -> ClipEvents:
    """A video's events: its stored annotations and its extraction's episodes.

    Raises:
        VideoError: the video cannot be read; StoreError: the database given is not there or
            cannot be opened.
    """
    clip = ClipRef.from_video(path)
    if not clip.fps or not clip.duration_s:
        raise InterchangeError("the video gives no frame rate or length", path)
    db = source.db if source.db is not None else default_db_path(path)
    episodes, folder = _episodes_of(source.features, clip_id or path.stem, path.stem, not clip_id)
    return ClipEvents(
        clip_id=clip_id or path.stem,
        dyad=dyad,
        phase=phase,
        fps=float(clip.fps),
        duration_s=float(clip.duration_s),
        annotations=_stored(clip, db, source.coder, source.db is not None),
        episodes=episodes,
        source=str(path),
        features=folder,
    )


def _duration(data: CodingData, path: Path, fps: float) -> float:
    """The media's length, else up to the frame of the last annotation's end (inclusive)."""
    durations = [m.duration_s for m in data.media if m.duration_s and "#player" not in m.part]
    last = max((a.end_s for a in data.annotations if a.tier != ATTRIBUTES_TIER), default=0.0)
    length = max([*durations, last + 1.0 / fps])
    if last <= 0 and not durations:
        raise InterchangeError("holds no timed annotations", path)
    return float(length)


def file_clips(
    path: Path, source: ClipSource, *, clip_id: str = "", dyad: str = "", phase: str = ""
) -> list[ClipEvents]:
    """An annotation file's clips (one per BORIS observation that holds timed annotations).

    Raises:
        ConfigError: no --fps; InterchangeError: the file cannot be read.
    """
    if not source.fps or source.fps <= 0:
        raise ConfigError(f"{path}: annotation files need the frame rate: give --fps")
    data = read_any(path, source.coder or "")  # a file that names no coder: the one asked for
    timed = [a for a in data.annotations if a.tier != ATTRIBUTES_TIER]
    found = [p for p in parts(data) if any(a.attr("part") == p for a in timed)]
    clips = []
    for part in found or [""]:
        chosen = select_part(data, part) if len(found) > 1 else data
        annotations = tuple(
            a
            for a in chosen.annotations
            if a.tier != ATTRIBUTES_TIER and (source.coder is None or a.coder == source.coder)
        )
        name = clip_id or path.name.removesuffix(file_format(path))
        clips.append(
            ClipEvents(
                clip_id=f"{name}#{part}" if part and len(found) > 1 else name,
                dyad=dyad,
                phase=phase,
                fps=float(source.fps),
                duration_s=_duration(chosen, path, float(source.fps)),
                annotations=annotations,
                source=str(path),
            )
        )
    return clips


def _row_clips(row: ManifestRow, source: ClipSource) -> list[ClipEvents]:
    if file_format(row.path) in INPUT_FORMATS:
        return file_clips(row.path, source, clip_id=row.clip_id, dyad=row.dyad, phase=row.phase)
    return [video_clip(row.path, source, clip_id=row.clip_id, dyad=row.dyad, phase=row.phase)]


def load_clips(source: ClipSource) -> list[ClipEvents]:
    """Every clip the source names, in order.

    Raises:
        ConfigError: not exactly one of clip, manifest and files, or an empty folder;
        AnnotateError subclasses from the readers, naming the file.
    """
    given = [x for x in (source.clip, source.manifest, source.files) if x is not None]
    if len(given) != 1:
        raise ConfigError("give exactly one of --clip, --manifest and --files")
    if source.clip is not None:
        return [video_clip(source.clip, source)]
    if source.manifest is not None:
        manifest = read_study_manifest(source.manifest)
        return [clip for row in manifest.rows for clip in _row_clips(row, source)]
    folder = Path(given[0])
    if not folder.is_dir():
        raise ConfigError(f"{folder}: not a folder (--files takes a folder of annotation files)")
    paths = sorted(p for p in folder.iterdir() if p.is_file() and file_format(p) in INPUT_FORMATS)
    if not paths:
        raise ConfigError(
            f"{folder}: holds no annotation files ({', '.join(INPUT_FORMATS)})",
        )
    return [clip for p in paths for clip in file_clips(p, source)]


def check_episodes(source: ClipSource, sides: Sequence[Side]) -> None:
    """Raises ConfigError when a side is automatic and no extraction folder is given."""
    auto = [side.text for side in sides if side.auto]
    if auto and source.features is None:
        raise ConfigError(
            f"{auto[0]} is an automatic episode kind: give --features, the extraction folder "
            "(or a folder of them, one per clip id)"
        )


def sides_found(clips: Sequence[ClipEvents], sides: Sequence[Side]) -> list[str]:
    """Notes on sides that no clip holds (a misspelt tier or code gives empty tables), and on
    clips without episodes when a side is automatic."""
    notes = []
    if any(side.auto for side in sides):
        notes += [f"clip {c.clip_id}: no episodes.csv found" for c in clips if c.features is None]
    for side in sides:
        if not any(clip.intervals(side).size for clip in clips):
            notes.append(f"no clip holds an event {side.text}")
    return notes
