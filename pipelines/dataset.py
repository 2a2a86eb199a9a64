"""The batch's dataset: every clip's results gathered into tables ready for R, SPSS or pandas.

Written into the batch's output folder after each run, from the finished clip folders:

    features/clip_id=<id>/part-<key>.parquet  all feature rows, a Parquet dataset partitioned
                                              by clip (`pd.read_parquet(OUT / "features")`)
    clips.csv          one row per clip and role: the manifest's metadata and summary figures
                       (a `dyad` row for mutual gaze and aversion; a `group` row for sessions)
    prepost.csv        one row per dyad: each figure before, after, and the change (post - pre)
    sessions.csv       group sessions second by second (pipelines.sessions)
    session_pairs.csv  pairs of faces in mutual gaze, per second of each session
    errors.csv         one row per clip that failed: where, and why
    report.txt         one line per clip: computed, cached or error, frames, time
    batch.json         the run: options, counts, versions, time

Each file is written whole or not at all (a temporary file renamed). A clip's partition is
rewritten only when its result changed (the partition's file name holds the result's key);
partitions of clips that are not finished results of this manifest are removed, so the
dataset is always this manifest's finished clips.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from annotate import columns as C
from annotate.extract import folder as O
from annotate.extract.summary import ClipSummary
from annotate.faces.frame_table import empty_feature_table
from annotate.io.atomic import write_bytes
from pipelines.cache import CLIPS_DIR, result_key
from pipelines.manifest import SESSION, Manifest, ManifestEntry
from pipelines.records import BatchOptions, ClipOutcome
from pipelines.sessions import (
    PAIR_COLUMNS,
    SECOND_COLUMNS,
    TABLE_COLUMNS,
    session_figures,
    session_pairs,
    session_seconds,
)
from pipelines.tables import (
    batch_document,
    clip_rows,
    clips_table,
    errors_table,
    prepost_table,
    read_json,
    report_lines,
    write_csv,
)

FEATURES_DIR = "features"
CLIPS_CSV, PREPOST_CSV, ERRORS_CSV = "clips.csv", "prepost.csv", "errors.csv"
SESSIONS_CSV, PAIRS_CSV = "sessions.csv", "session_pairs.csv"
REPORT_TXT, BATCH_JSON = "report.txt", "batch.json"


# -- features ------------------------------------------------------------------------------------
def partition_schema(extra_blendshapes: Sequence[str] = ()) -> pa.Schema:
    """The schema of every partition file: the feature table's columns (clip_id aside: the
    partition names it) and every blendshape column."""
    template = empty_feature_table().drop(columns=[C.CLIP_ID])  # every bs_ column included
    schema = pa.Schema.from_pandas(template, preserve_index=False)
    for name in (b for b in extra_blendshapes if b not in C.BLENDSHAPE_NAMES):
        schema = schema.append(pa.field(C.BLENDSHAPE_PREFIX + name, pa.float64()))
    return schema.remove_metadata()


def _conformed(table: pa.Table) -> pa.Table:
    if C.CLIP_ID in table.column_names:
        table = table.drop_columns([C.CLIP_ID])
    prefix = C.BLENDSHAPE_PREFIX
    extra = [c[len(prefix) :] for c in table.column_names if c.startswith(prefix)]
    schema = partition_schema(extra)
    columns = []
    for field in schema:
        if field.name in table.column_names:
            columns.append(table.column(field.name).cast(field.type))
        else:
            columns.append(pa.nulls(table.num_rows, field.type))
    return pa.Table.from_arrays(columns, schema=schema)


def write_partition(features_dir: Path, clip_id: str, key: str, source: Path) -> Path:
    """The clip's partition from its features.parquet, unless the same result is there already."""
    folder = features_dir / f"{C.CLIP_ID}={clip_id}"
    target = folder / f"part-{key}.parquet"
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    buffer = pa.BufferOutputStream()
    pq.write_table(_conformed(pq.read_table(source)), buffer)
    write_bytes(target, buffer.getvalue().to_pybytes(), force=True)
    for old in folder.glob("part-*.parquet"):
        if old != target:
            old.unlink()
    return target


def _prune_partitions(features_dir: Path, keep: set[str]) -> None:
    if not features_dir.is_dir():
        return
    for folder in features_dir.glob(f"{C.CLIP_ID}=*"):
        if folder.name.split("=", 1)[1] not in keep:
            shutil.rmtree(folder)


# -- the whole dataset ---------------------------------------------------------------------------
def _session_tables(
    clip_dir: Path, clip_id: str
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    table = pd.read_parquet(clip_dir / O.FEATURES_PARQUET, columns=list(TABLE_COLUMNS))
    seconds, pairs = session_seconds(table, clip_id), session_pairs(table, clip_id)
    return seconds, pairs, session_figures(seconds, pairs)


def build_dataset(
    out: Path,
    manifest: Manifest,
    outcomes: Sequence[ClipOutcome],
    options: BatchOptions,
    wall_s: float,
    pool: str,
) -> dict[str, Path]:
    """Write the dataset files (see the module docstring) from the finished clip folders.

    Returns:
        Each file written, by name.
    """
    features_dir = out / FEATURES_DIR
    rows: list[dict[str, Any]] = []
    summaries: list[tuple[ManifestEntry, ClipSummary]] = []
    seconds_parts, pairs_parts = [], []
    keep: set[str] = set()
    for outcome in outcomes:
        if outcome.status not in ("computed", "cached"):
            continue
        entry = outcome.entry
        clip_dir = out / CLIPS_DIR / entry.clip_id
        summary = ClipSummary.from_json(clip_dir / O.SUMMARY_JSON)
        provenance = read_json(clip_dir / O.PROVENANCE_JSON)
        key = _key_of(provenance)
        write_partition(features_dir, entry.clip_id, key, clip_dir / O.FEATURES_PARQUET)
        keep.add(entry.clip_id)
        group = None
        if entry.kind == SESSION:
            seconds, pairs, group = _session_tables(clip_dir, entry.clip_id)
            seconds_parts.append(seconds)
            pairs_parts.append(pairs)
        rows.extend(clip_rows(entry, summary, manifest.extra_columns, group))
        summaries.append((entry, summary))
    _prune_partitions(features_dir, keep)
    clips = clips_table(rows, manifest.extra_columns)
    files = {
        FEATURES_DIR: features_dir,
        CLIPS_CSV: write_csv(out / CLIPS_CSV, clips),
        PREPOST_CSV: write_csv(out / PREPOST_CSV, prepost_table(summaries)),
        SESSIONS_CSV: write_csv(out / SESSIONS_CSV, _concat(seconds_parts, SECOND_COLUMNS)),
        PAIRS_CSV: write_csv(out / PAIRS_CSV, _concat(pairs_parts, PAIR_COLUMNS)),
        ERRORS_CSV: write_csv(out / ERRORS_CSV, errors_table(outcomes)),
    }
    lines = report_lines(manifest, out, outcomes, wall_s, pool)
    write_bytes(out / REPORT_TXT, "\n".join(lines) + "\n", force=True)
    document = batch_document(manifest, outcomes, options, wall_s, pool)
    write_bytes(out / BATCH_JSON, json.dumps(document, indent=2) + "\n", force=True)
    files[REPORT_TXT], files[BATCH_JSON] = out / REPORT_TXT, out / BATCH_JSON
    return files


def _key_of(provenance: dict[str, Any]) -> str:
    return result_key(
        provenance["video"]["sha256"], provenance["config_hash"], provenance["models"]
    )


def _concat(parts: list[pd.DataFrame], columns: Sequence[str]) -> pd.DataFrame:
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=list(columns))
    return pd.concat(parts, ignore_index=True)[list(columns)]


def read_features(out: Path) -> pd.DataFrame:
    """The batch's feature rows, every clip (clip_id from the partitions), in a stable order."""
    table = pd.read_parquet(out / FEATURES_DIR)
    table[C.CLIP_ID] = table[C.CLIP_ID].astype("string")
    return table.sort_values([C.CLIP_ID, C.FRAME, C.TRACK], ignore_index=True)
