"""A study manifest's rows (CSV or YAML) and the one row type, shared by the batch runner and
the analyses.

A manifest lists clips, one per row, with at least a `path`. Columns (names are
case-insensitive):

    path        the video file, relative to the manifest's folder or absolute (required)
    id          the clip's name (default: the file's name without extension)
    kind        clip (a three-minute home clip, two faces) or session (a group session)
    dyad        the dyad's id (pairs a dyad's pre and post clips)
    phase       pre or post
    programme   e.g. A1
    session     the session number
    fps         samples per second for this row ('all' or a number; default by kind)
    max_faces   faces per frame for this row (a whole number; default by kind)
    anything else is carried through as it is (`extra`).

`read_manifest_rows` gives the rows as dictionaries with lower-case keys, each with where it
stands in the file (`line N` of a CSV, `entry N` of a YAML list); `manifest_row` makes one
`ManifestRow` of them. Its readers add their own rules: pipelines/manifest.py (batch runs: clip
ids safe for folder names, settings in range, one clip per dyad and phase) and
annotate/analysis/study_manifest.py (the analyses).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotate.errors import ConfigError
from annotate.io.csv_errors import csv_problem
from annotate.io.yaml_files import load_yaml_lines

Row = tuple[str, dict[str, object]]
"""Where the row stands in the file, and its values by lower-case column name."""

CLIP, SESSION = "clip", "session"
KINDS = (CLIP, SESSION)
PHASES = ("pre", "post")
KNOWN_COLUMNS = ("path", "id", "kind", "dyad", "phase", "programme", "session", "fps", "max_faces")


@dataclass(frozen=True)
class ManifestRow:
    """One clip of a manifest and what the manifest says about it.

    Attributes:
        clip_id: its name (the `id` column, else the file's name without extension; the batch
            makes the latter safe for folder names).
        path: the video file (absolute; it need not exist for every use).
        kind: "clip" or "session"; "" where the manifest does not say and its reader gives no
            default (the analyses: every row is then a session).
        dyad, phase, programme, session: the study's metadata ("" where not given).
        fps: samples per second from the manifest ("all", a number as text, or "" for the
            kind's default).
        max_faces: faces per frame from the manifest (None: the kind's default).
        extra: further manifest columns, (name, value) in the manifest's order.
        line: where the row is (`line 3` of a CSV, `entry 2` of a YAML list, or a file's place
            in a folder), for messages.
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
        """The study's columns, then the extra ones (what the batch carries into clips.csv)."""
        return {
            "dyad": self.dyad,
            "phase": self.phase,
            "programme": self.programme,
            "session": self.session,
            **dict(self.extra),
        }


def text_value(value: object) -> str:
    """A manifest value as text: stripped, "" for an empty one."""
    return "" if value is None else str(value).strip()


def manifest_row(
    values: Mapping[str, object],
    base: Path,
    where: str,
    source: Path,
    default_kind: str = "",
    *,
    safe_default_id: bool = False,
) -> ManifestRow:
    """One row of `read_manifest_rows` as a ManifestRow.

    Args:
        values: the row's values by lower-case column name.
        base: the folder relative paths start from (the manifest's).
        where: the row's place in the file, for messages.
        source: the manifest, for messages.
        default_kind: the kind of a row that names none ("": left empty).
        safe_default_id: a row without an `id` takes its file's name made safe for a folder
            name (safe_id), not the name as it is.

    Raises:
        ConfigError: naming the file and the row, when the path is empty, the kind or phase is
            not one of the known ones, or max_faces is not a whole number.
    """
    path_text = text_value(values.get("path"))
    if not path_text:
        raise ConfigError(f"{where}: 'path' is empty", source)
    path = Path(path_text).expanduser()
    path = (path if path.is_absolute() else base / path).resolve()
    kind = text_value(values.get("kind")).lower() or default_kind
    if kind not in ("", *KINDS):
        raise ConfigError(f"{where}: kind must be clip or session, got {kind!r}", source)
    phase = text_value(values.get("phase")).lower()
    if phase not in ("", *PHASES):
        raise ConfigError(f"{where}: phase must be pre, post or empty, got {phase!r}", source)
    max_faces_text = text_value(values.get("max_faces"))
    try:
        max_faces = int(max_faces_text) if max_faces_text else None
    except ValueError:
        raise ConfigError(
            f"{where}: max_faces must be a whole number, got {max_faces_text!r}", source
        ) from None
    return ManifestRow(
        clip_id=text_value(values.get("id"))
        or (safe_id(path.stem) if safe_default_id else path.stem),
        path=path,
        kind=kind,
        dyad=text_value(values.get("dyad")),
        phase=phase,
        programme=text_value(values.get("programme")),
        session=text_value(values.get("session")),
        fps=text_value(values.get("fps")),
        max_faces=max_faces,
        extra=tuple((k, text_value(v)) for k, v in values.items() if k not in KNOWN_COLUMNS),
        line=where,
    )


def safe_id(text: str) -> str:
    """A clip id from a file name: characters other than letters, digits, '.', '_' and '-'
    become '_' (the id names a folder and a Parquet partition)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._-") or "clip"


def read_manifest_rows(path: Path) -> list[Row]:
    """The rows of a manifest: a CSV file, or YAML (.yaml/.yml) holding a list of mappings
    (or a mapping with a `clips` list).

    Raises:
        ConfigError: naming the file (and line), when it is missing, not a .csv/.yaml/.yml,
            unreadable, empty, without a `path` column, or a row has more values than columns.
    """
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".yaml", ".yml"):
        raise ConfigError("a manifest is a .csv, .yaml or .yml file", path)
    try:
        rows = _csv_rows(path) if suffix == ".csv" else _yaml_rows(path)
    except FileNotFoundError:
        raise ConfigError("manifest not found", path) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not a readable UTF-8 CSV file: {exc}", path) from None
    except csv.Error as exc:
        raise ConfigError(csv_problem(exc), path) from None
    except IsADirectoryError:
        raise ConfigError("is a folder, not a manifest file", path) from None
    except OSError as exc:
        raise ConfigError(f"cannot be read: {exc.strerror}", path) from None
    for where, values in rows:
        _check_values(where, values, path)
    return rows


def _check_values(where: str, values: dict[str, object], path: Path) -> None:
    """Refuse a NUL character (no file name holds one) and a list or mapping as a value."""
    for column, value in values.items():
        if isinstance(value, dict | list):
            raise ConfigError(f"{where}: '{column}' must be a value, not a list or mapping", path)
        if isinstance(value, str) and "\0" in value:
            raise ConfigError(f"{where}: '{column}' holds a NUL character", path)


def _csv_rows(path: Path) -> list[Row]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise ConfigError(
                "the manifest is empty (expected a header with a 'path' column)", path
            )
        names = [h.strip().lower() for h in header]
        if "path" not in names:
            raise ConfigError(f"no 'path' column (columns: {', '.join(names)})", path)
        rows: list[Row] = []
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(names):
                raise ConfigError(
                    f"line {number}: {len(values)} values for {len(names)} columns", path
                )
            rows.append((f"line {number}", dict(zip(names, values, strict=False))))
    return rows


def _yaml_rows(path: Path) -> list[Row]:
    data: Any = load_yaml_lines(path, ConfigError)
    if isinstance(data, dict):
        data = data.get("clips")
    if not isinstance(data, list):
        raise ConfigError("expected a list of clips (or a mapping with a 'clips' list)", path)
    rows: list[Row] = []
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise ConfigError(f"entry {number}: expected a mapping with a 'path'", path)
        rows.append((f"entry {number}", {str(k).strip().lower(): v for k, v in item.items()}))
    return rows
