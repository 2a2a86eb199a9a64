"""What a batch runs: a manifest (CSV or YAML) of clips with their metadata, or a folder of videos.

A manifest lists one clip per row; its columns are those of annotate.study.manifest_rows (path, id,
kind, dyad, phase, programme, session, fps, max_faces; anything else is carried through to
clips.csv as it is), read into its one row type, `ManifestRow` (here also called
`ManifestEntry`). The batch adds its own rules: a row without a kind takes the batch's; an id
(default: the file's name without extension, cleaned) holds only letters, digits, '.', '_' and
'-', as it names a folder; fps and max_faces are in range; no two rows share an id, nor a dyad
two clips of one phase.

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
from annotate.study.manifest_rows import (
    CLIP,
    KINDS,
    SESSION,
    ManifestRow,
    manifest_row,
    read_manifest_rows,
    safe_id,
)

__all__ = [
    "CLIP",
    "SESSION",
    "Manifest",
    "ManifestEntry",
    "load_manifest",
    "read_batch_input",
    "safe_id",
    "scan_folder",
]

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

ManifestEntry = ManifestRow
"""One clip of a batch: the library's one manifest row type (annotate.study.manifest_rows)."""


@dataclass(frozen=True)
class Manifest:
    """The clips of one batch, in order, and where they were listed."""

    source: Path
    entries: tuple[ManifestEntry, ...]
    extra_columns: tuple[str, ...] = field(default=())


def _parse_row(
    values: Mapping[str, object], base: Path, where: str, default_kind: str, source: Path
) -> ManifestEntry:
    row = manifest_row(values, base, where, source, default_kind, safe_default_id=True)
    if not ID_PATTERN.match(row.clip_id):
        raise ConfigError(
            f"{where}: id {row.clip_id!r} may hold only letters, digits, '.', '_' and '-'", source
        )
    try:
        if row.fps:
            FeatureConfig().with_overrides(fps=row.fps)
        if row.max_faces is not None:
            FeatureConfig().with_overrides(max_faces=row.max_faces)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc.message.replace('--', '')}", source) from None
    return row


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
    entries = [_parse_row(row, base, where, default_kind, path) for where, row in rows]
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
