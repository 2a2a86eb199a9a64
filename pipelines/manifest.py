"""What a batch runs: a manifest (CSV or YAML) of clips with their metadata, or a folder of videos.

A manifest lists one clip per row. Columns (names are case-insensitive):

    path        the video file, relative to the manifest's folder or absolute (required)
    id          the clip's name in the dataset (default: the file's name without extension);
                letters, digits, '.', '_' and '-'
    kind        clip (a three-minute home clip, two faces) or session (a group session)
    dyad        the dyad's id (pairs a dyad's pre and post clips in prepost.csv)
    phase       pre or post
    programme   e.g. A1
    session     the session number
    fps         samples per second for this row ('all' or a number; default by kind)
    max_faces   faces per frame for this row (default by kind)
    anything else is carried through to clips.csv as it is.

A YAML manifest is a list of such mappings, or a mapping with the list under `clips`.
A folder is searched (with its sub-folders) for video files; each becomes a row of the given kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotate.config import FeatureConfig
from annotate.errors import ConfigError
from annotate.extract.job import VIDEO_SUFFIXES
from annotate.manifest_rows import read_manifest_rows, safe_id

CLIP, SESSION = "clip", "session"
KINDS = (CLIP, SESSION)
PHASES = ("pre", "post")
KNOWN_COLUMNS = ("path", "id", "kind", "dyad", "phase", "programme", "session", "fps", "max_faces")
METADATA_COLUMNS = ("dyad", "phase", "programme", "session")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class ManifestEntry:
    """One clip of a batch and what the manifest says about it.

    Attributes:
        clip_id: its name in the dataset and the name of its output folder.
        path: the video file (absolute).
        kind: "clip" or "session".
        dyad, phase, programme, session: the study's metadata ("" where not given).
        fps: samples per second from the manifest ("all", a number as text, or "" for the
            kind's default).
        max_faces: faces per frame from the manifest (None: the kind's default).
        extra: further manifest columns, (name, value) in the manifest's order.
        line: where the row is (manifest line, or the file's place in a folder), for messages.
    """

    clip_id: str
    path: Path
    kind: str = CLIP
    dyad: str = ""
    phase: str = ""
    programme: str = ""
    session: str = ""
    fps: str = ""
    max_faces: int | None = None
    extra: tuple[tuple[str, str], ...] = ()
    line: str = ""

    def metadata(self) -> dict[str, str]:
        """The metadata carried into clips.csv: the study's columns, then the extra ones."""
        return {
            "dyad": self.dyad,
            "phase": self.phase,
            "programme": self.programme,
            "session": self.session,
            **dict(self.extra),
        }


@dataclass(frozen=True)
class Manifest:
    """The clips of one batch, in order, and where they were listed."""

    source: Path
    entries: tuple[ManifestEntry, ...]
    extra_columns: tuple[str, ...] = field(default=())


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _parse_row(
    row: Mapping[str, object], base: Path, where: str, default_kind: str
) -> ManifestEntry:
    path_text = _text(row.get("path"))
    if not path_text:
        raise ConfigError(f"{where}: 'path' is empty")
    path = Path(path_text).expanduser()
    path = (path if path.is_absolute() else base / path).resolve()
    clip_id = _text(row.get("id")) or safe_id(path.stem)
    if not ID_PATTERN.match(clip_id):
        raise ConfigError(
            f"{where}: id {clip_id!r} may hold only letters, digits, '.', '_' and '-'"
        )
    kind = _text(row.get("kind")).lower() or default_kind
    if kind not in KINDS:
        raise ConfigError(f"{where}: kind must be clip or session, got {kind!r}")
    phase = _text(row.get("phase")).lower()
    if phase and phase not in PHASES:
        raise ConfigError(f"{where}: phase must be pre, post or empty, got {phase!r}")
    fps = _text(row.get("fps"))
    max_faces_text = _text(row.get("max_faces"))
    max_faces = None
    try:
        if fps:
            FeatureConfig().with_overrides(fps=fps)
        if max_faces_text:
            max_faces = int(max_faces_text)
            FeatureConfig().with_overrides(max_faces=max_faces)
    except ValueError:
        raise ConfigError(
            f"{where}: max_faces must be a whole number, got {max_faces_text!r}"
        ) from None
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc.message.replace('--', '')}") from None
    extra = tuple((k, _text(v)) for k, v in row.items() if k not in KNOWN_COLUMNS)
    return ManifestEntry(
        clip_id=clip_id,
        path=path,
        kind=kind,
        dyad=_text(row.get("dyad")),
        phase=phase,
        programme=_text(row.get("programme")),
        session=_text(row.get("session")),
        fps=fps,
        max_faces=max_faces,
        extra=extra,
        line=where,
    )


def _check_unique(entries: Sequence[ManifestEntry], source: Path) -> None:
    seen: dict[str, ManifestEntry] = {}
    phases: dict[tuple[str, str], ManifestEntry] = {}
    for entry in entries:
        if entry.clip_id in seen:
            raise ConfigError(
                f"{entry.line}: clip id {entry.clip_id!r} is used by {seen[entry.clip_id].line} "
                "too; give each row its own 'id'",
                source,
            )
        seen[entry.clip_id] = entry
        if entry.kind == CLIP and entry.dyad and entry.phase:
            key = (entry.dyad, entry.phase)
            if key in phases:
                raise ConfigError(
                    f"{entry.line}: dyad {entry.dyad!r} has a {entry.phase} clip at "
                    f"{phases[key].line} already",
                    source,
                )
            phases[key] = entry


def load_manifest(path: Path, default_kind: str = CLIP) -> Manifest:
    """Read a CSV or YAML manifest (see the module docstring).

    Args:
        path: the manifest (.csv, .yaml or .yml).
        default_kind: the kind of rows that do not say.

    Raises:
        ConfigError: the file is missing or malformed, a value is out of range, two rows share
            an id, or a dyad has two clips of one phase; the message names the file and row.
    """
    rows = read_manifest_rows(path)
    base = path.resolve().parent
    try:
        entries = [_parse_row(row, base, where, default_kind) for where, row in rows]
    except ConfigError as exc:
        raise ConfigError(exc.message, path) from None
    if not entries:
        raise ConfigError("the manifest lists no clips", path)
    _check_unique(entries, path)
    extra = _ordered_union(k for e in entries for k, _ in e.extra)
    return Manifest(path, tuple(entries), extra)


def _ordered_union(names: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def scan_folder(folder: Path, kind: str = CLIP, skip: Path | None = None) -> Manifest:
    """Every video file under `folder` (sub-folders too; hidden ones skipped), as a manifest.

    Clip ids are the files' names without extension; where two files share a name, their
    paths relative to the folder (with '__' for '/') tell them apart.

    Args:
        folder: where to look.
        kind: the kind of every clip found.
        skip: a folder not to look in (the batch's output folder, if it lies inside).

    Raises:
        ConfigError: no such folder, or no video in it.
    """
    if not folder.is_dir():
        raise ConfigError("folder not found", folder)
    if kind not in KINDS:
        raise ConfigError(f"--kind must be clip or session, got {kind!r}")
    root = folder.resolve()
    skipped = skip.resolve() if skip is not None else None
    videos = sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix.lower() in VIDEO_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
        and (skipped is None or not p.is_relative_to(skipped))
    )
    if not videos:
        raise ConfigError(f"no video files ({', '.join(VIDEO_SUFFIXES)}) in it", folder)
    stems: dict[str, int] = {}
    for video in videos:
        stems[safe_id(video.stem)] = stems.get(safe_id(video.stem), 0) + 1
    entries = []
    for number, video in enumerate(videos, start=1):
        clip_id = safe_id(video.stem)
        if stems[clip_id] > 1:
            clip_id = safe_id("__".join(video.relative_to(root).with_suffix("").parts))
        entries.append(ManifestEntry(clip_id, video, kind, line=f"file {number} ({video.name})"))
    _check_unique(entries, folder)
    return Manifest(folder, tuple(entries))


def read_batch_input(source: Path, kind: str = CLIP, skip: Path | None = None) -> Manifest:
    """A manifest file or a folder of videos, whichever `source` is."""
    if source.is_dir():
        return scan_folder(source, kind, skip)
    return load_manifest(source, kind)
