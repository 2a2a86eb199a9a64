"""The study's manifest, as far as the analysis commands need it: which file is which dyad,
phase, programme and session.

The same columns and the same row type as the batch manifest of `pipelines`
(annotate.study.manifest_rows: path, id, kind, dyad, phase, programme, session, fps,
max_faces; other columns are kept as they are), read here so that the library does not depend on
the pipelines:

    path,dyad,phase,programme
    clips/d01_pre.mp4,d01,pre,A1
    clips/d01_post.mp4,d01,post,A1

A CSV (header names in any case) or a YAML list of such mappings (or a mapping with the list under
`clips`). Paths are relative to the manifest's folder. A row's kind stays "" when not given. A
clip's id is the `id` column, else its file name without the extension; its extraction outputs
are looked for in `DIR/<id>/` (see `outputs_folder`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from annotate.errors import ConfigError
from annotate.study.manifest_rows import (
    SESSION,
    ManifestRow,
    manifest_row,
    read_manifest_rows,
    safe_id,
)


@dataclass(frozen=True)
class StudyManifest:
    """The rows of a manifest and the file they came from."""

    source: Path
    rows: tuple[ManifestRow, ...]

    def sessions(self) -> tuple[ManifestRow, ...]:
        """The session recordings: rows of kind `session`, or every row when none names a kind."""
        if not any(row.kind for row in self.rows):
            return self.rows
        return tuple(row for row in self.rows if row.kind == SESSION)

    def clips(self) -> tuple[ManifestRow, ...]:
        """The home clips: rows with a phase (pre or post) that are not sessions."""
        return tuple(row for row in self.rows if row.phase and row.kind != SESSION)


def outputs_folder(
    features_dir: Path, clip_id: str, stem: str = "", *, itself: bool = False
) -> Path | None:
    """Where a clip's extraction outputs are: `features_dir/<clip_id>` (or `<stem>`, or the
    batch runner's cleaned stem), or with `itself` (one recording, not a manifest's many),
    `features_dir` when it holds them directly; None when there are none."""
    holds = (features_dir / "summary.json").is_file() or (
        features_dir / "features.parquet"
    ).is_file()
    if itself and holds:
        return features_dir
    for name in dict.fromkeys(n for n in (clip_id, stem, safe_id(stem)) if n):
        if (features_dir / name).is_dir():
            return features_dir / name
    return None


def read_study_manifest(path: Path) -> StudyManifest:
    """Read a manifest (CSV, or YAML by its .yaml / .yml suffix).

    Raises:
        ConfigError: naming the file and the line, when it cannot be read, lacks a 'path' column,
            has a malformed phase, kind or max_faces, or gives one id to two rows.
    """
    raw_rows = read_manifest_rows(path)
    rows = [manifest_row(raw, path.parent, where, path) for where, raw in raw_rows]
    seen: dict[str, str] = {}
    for row in rows:
        if row.clip_id in seen:
            raise ConfigError(
                f"{row.line}: id {row.clip_id!r} is used by {seen[row.clip_id]} too; give each "
                "row its own 'id'",
                path,
            )
        seen[row.clip_id] = row.line
    if not rows:
        raise ConfigError("the manifest lists no files", path)
    return StudyManifest(path, tuple(rows))
