"""The study's manifest, as far as the analysis commands need it: which file is which dyad,
phase, programme and session.

The same columns as the batch manifest of `pipelines` (path, id, kind, dyad, phase, programme,
session; other columns are kept as they are), read by this small reader so that the library does
not depend on the pipelines:

    path,dyad,phase,programme
    clips/d01_pre.mp4,d01,pre,A1
    clips/d01_post.mp4,d01,post,A1

A CSV (header names in any case) or a YAML list of such mappings (or a mapping with the list under
`clips`). Paths are relative to the manifest's folder. A clip's id is the `id` column, else its
file name without the extension; its extraction outputs are looked for in `DIR/<id>/` (see
`outputs_folder`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from annotate.errors import ConfigError
from annotate.manifest_rows import read_manifest_rows, safe_id

CLIP, SESSION = "clip", "session"
PHASES = ("pre", "post")
KNOWN_COLUMNS = ("path", "id", "kind", "dyad", "phase", "programme", "session")


@dataclass(frozen=True)
class StudyRow:
    """One row of the manifest.

    Attributes:
        path: The video file (absolute; it need not exist for every use).
        clip_id: The `id` column, else the file name without its extension.
        kind: `clip` (a three-minute home clip) or `session` (a group session); "" when not given.
        dyad: The dyad's id ("" when not given).
        phase: `pre`, `post` or "".
        programme: The programme, e.g. A1 ("" when not given).
        session: The session's number or name within the programme ("" when not given).
        line: Where the row is (`line 3`, or `entry 2` in YAML), for messages.
        extra: Other columns, (name, value) in the manifest's order.
    """

    path: Path
    clip_id: str
    kind: str = ""
    dyad: str = ""
    phase: str = ""
    programme: str = ""
    session: str = ""
    line: str = ""
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class StudyManifest:
    """The rows of a manifest and the file they came from."""

    source: Path
    rows: tuple[StudyRow, ...]

    def sessions(self) -> tuple[StudyRow, ...]:
        """The session recordings: rows of kind `session`, or every row when none names a kind."""
        if not any(row.kind for row in self.rows):
            return self.rows
        return tuple(row for row in self.rows if row.kind == SESSION)

    def clips(self) -> tuple[StudyRow, ...]:
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


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _row(raw: Mapping[str, object], base: Path, where: str, source: Path) -> StudyRow:
    path_text = _text(raw.get("path"))
    if not path_text:
        raise ConfigError(f"{where}: 'path' is empty", source)
    path = Path(path_text).expanduser()
    path = path if path.is_absolute() else (base / path)
    phase = _text(raw.get("phase")).lower()
    if phase not in ("", *PHASES):
        raise ConfigError(f"{where}: phase must be pre, post or empty, got {phase!r}", source)
    kind = _text(raw.get("kind")).lower()
    if kind not in ("", CLIP, SESSION):
        raise ConfigError(f"{where}: kind must be clip or session, got {kind!r}", source)
    return StudyRow(
        path=path.resolve(),
        clip_id=_text(raw.get("id")) or path.stem,
        kind=kind,
        dyad=_text(raw.get("dyad")),
        phase=phase,
        programme=_text(raw.get("programme")),
        session=_text(raw.get("session")),
        line=where,
        extra=tuple((str(k), _text(v)) for k, v in raw.items() if k not in KNOWN_COLUMNS),
    )


def read_study_manifest(path: Path) -> StudyManifest:
    """Read a manifest (CSV, or YAML by its .yaml / .yml suffix).

    Raises:
        ConfigError: naming the file and the line, when it cannot be read, lacks a 'path' column,
            has a malformed phase or kind, or gives one id to two rows.
    """
    raw_rows = read_manifest_rows(path)
    rows = [_row(raw, path.parent, where, path) for where, raw in raw_rows]
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
