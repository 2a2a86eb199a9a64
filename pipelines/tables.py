"""The dataset's tables, built from the clips' summaries and the batch's outcomes: clips.csv,
prepost.csv, errors.csv, report.txt and batch.json (pipelines.dataset writes them)."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from annotate.analysis.prepost import PHASES, ClipFigures, dyad_row, summary_figures
from annotate.errors import OutputError
from annotate.extract import folder as O
from annotate.extract.summary import DYAD_FIGURES, ROLE_FIGURES, ClipSummary
from annotate.faces.roles import DYAD
from annotate.install_lock import lock_record
from annotate.io.atomic import write_bytes
from pipelines.manifest import SESSION, Manifest, ManifestEntry
from pipelines.records import BatchOptions, ClipOutcome
from pipelines.sessions import SESSION_FIGURES

GROUP = "group"
CLIP_FACTS = (
    "video_sha256",
    "duration_s",
    "sample_fps",
    "frames_analysed",
    "analysed_s",
    "role",
    "track",
    "role_confidence",
    "role_source",
)
INTEGER_COLUMNS = (
    "frames_analysed",
    "track",
    "face_absent_episodes",
    "mutual_gaze_episodes",
    "infant_gaze_aversion_episodes",
    "seconds",
)
ERROR_COLUMNS = ("clip_id", "path", "kind", "stage", "error", "message")


def read_json(path: Path) -> dict[str, Any]:
    """A JSON object from a file this project wrote.

    Raises:
        OutputError: missing or not a JSON object.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise OutputError(f"cannot be read ({exc})", path) from None
    if not isinstance(data, dict):
        raise OutputError("does not hold a JSON object", path)
    return data


def _csv_bytes(table: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    table.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def write_csv(path: Path, table: pd.DataFrame) -> Path:
    """Write a table as CSV (UTF-8, header, no index), atomically."""
    write_bytes(path, _csv_bytes(table), force=True)
    return path


# -- clips.csv -----------------------------------------------------------------------------------
def _head(entry: ManifestEntry, extra_columns: Sequence[str]) -> dict[str, Any]:
    metadata = entry.metadata()
    head: dict[str, Any] = {"clip_id": entry.clip_id, "path": str(entry.path), "kind": entry.kind}
    for name in ("dyad", "phase", "programme", "session", *extra_columns):
        head[name] = metadata.get(name, "")
    return head


def clip_rows(
    entry: ManifestEntry,
    summary: ClipSummary,
    extra_columns: Sequence[str] = (),
    group: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """clips.csv's rows for one clip: one per role, a `dyad` row, a `group` row for sessions
    (one row with no role when no face was found)."""
    facts = {
        **_head(entry, extra_columns),
        "video_sha256": summary.video_sha256,
        "duration_s": summary.duration_s,
        "sample_fps": summary.sample_fps,
        "frames_analysed": summary.frames_analysed,
        "analysed_s": summary.analysed_s,
    }
    rows = []
    for role, figures in summary.roles.items():
        rows.append(
            {
                **facts,
                "role": role,
                "track": figures.track,
                "role_confidence": figures.role_confidence,
                "role_source": figures.role_source,
                **figures.figures(),
            }
        )
    if summary.dyad:
        rows.append({**facts, "role": DYAD, **summary.dyad_figures()})
    if group is not None:
        rows.append({**facts, "role": GROUP, **group})
    return rows or [{**facts, "role": ""}]


def clips_table(rows: list[dict[str, Any]], extra_columns: Sequence[str]) -> pd.DataFrame:
    """clips.csv as a table, its columns in a fixed order."""
    columns = [
        "clip_id",
        "path",
        "kind",
        "dyad",
        "phase",
        "programme",
        "session",
        *extra_columns,
        *CLIP_FACTS,
        *ROLE_FIGURES,
        *DYAD_FIGURES,
        *SESSION_FIGURES,
    ]
    table = pd.DataFrame(rows, columns=list(dict.fromkeys(columns)))
    for name in INTEGER_COLUMNS:
        table[name] = pd.to_numeric(table[name]).astype("Int64")
    return table


def prepost_table(clips: Sequence[tuple[ManifestEntry, ClipSummary]]) -> pd.DataFrame:
    """prepost.csv: `annotate export prepost`'s table (annotate.analysis.prepost.dyad_row) for
    the batch's clips with a dyad and a pre or post phase, from (entry, summary.json) pairs;
    sessions are left out, and the CARE-Index columns are empty (a batch has no store)."""
    by_dyad: dict[str, dict[str, ClipFigures]] = {}
    for entry, summary in clips:
        if entry.kind == SESSION or not entry.dyad or entry.phase not in PHASES:
            continue
        figures = ClipFigures(entry.clip_id, entry.programme, summary_figures(summary))
        by_dyad.setdefault(entry.dyad, {}).setdefault(entry.phase, figures)
    rows = [dyad_row(dyad, phases) for dyad, phases in by_dyad.items()]
    if rows:
        return pd.DataFrame(rows)
    empty = dyad_row("", {"pre": ClipFigures("", "", summary_figures(ClipSummary()))})
    return pd.DataFrame(columns=list(empty))


# -- errors, report, batch.json --------------------------------------------------------------------
def errors_table(outcomes: Sequence[ClipOutcome]) -> pd.DataFrame:
    """errors.csv: the clips that failed in this run."""
    rows = [
        {
            "clip_id": o.clip_id,
            "path": str(o.entry.path),
            "kind": o.entry.kind,
            "stage": o.stage,
            "error": o.error_kind,
            "message": o.message,
        }
        for o in outcomes
        if o.status == "error"
    ]
    return pd.DataFrame(rows, columns=list(ERROR_COLUMNS))


def report_lines(
    manifest: Manifest, out: Path, outcomes: Sequence[ClipOutcome], wall_s: float, pool: str
) -> list[str]:
    """report.txt: a header, then one line per clip."""
    counts = {s: sum(1 for o in outcomes if o.status == s) for s in ("computed", "cached", "error")}
    width = max([len(o.clip_id) for o in outcomes] + [4])
    lines = [
        f"annotate batch {manifest.source} -> {out}",
        f"{datetime.now(UTC).isoformat(timespec='seconds')}: {len(outcomes)} clips "
        f"({counts['computed']} computed, {counts['cached']} cached, {counts['error']} errors) "
        f"in {wall_s:.1f} s on {pool}",
        "",
        f"{'clip':<{width}}  {'kind':<7}  {'status':<8}  {'frames':>7}  {'time_s':>8}  note",
    ]
    for o in outcomes:
        if o.status == "error":
            note = f"{o.stage}: {o.error_kind}: {o.message}"
        else:
            note = "; ".join(o.warnings)
        time_s = f"{o.compute_s:8.1f}" if o.status == "computed" else f"{'-':>8}"
        lines.append(
            f"{o.clip_id:<{width}}  {o.entry.kind:<7}  {o.status:<8}  {o.frames_analysed:>7}  "
            f"{time_s}  {note}".rstrip()
        )
    return lines


def batch_document(
    manifest: Manifest,
    outcomes: Sequence[ClipOutcome],
    options: BatchOptions,
    wall_s: float,
    pool: str,
) -> dict[str, Any]:
    settings = dataclasses.asdict(options)
    settings["config_path"] = str(options.config_path) if options.config_path else None
    return {
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": str(manifest.source),
        "options": settings,
        "pool": pool,
        "wall_s": wall_s,
        "clips": len(outcomes),
        "computed": sum(1 for o in outcomes if o.status == "computed"),
        "cached": sum(1 for o in outcomes if o.status == "cached"),
        "errors": sum(1 for o in outcomes if o.status == "error"),
        "frames_decoded": sum(o.frames_decoded for o in outcomes),
        "versions": O.versions(),
        "install": lock_record(),
    }
