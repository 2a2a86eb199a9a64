"""Annotations as a long table (CSV or Parquet), one row per annotation (design.md).

Columns (annotate.coding.records.LONG_COLUMNS): clip (video sha256), media, coder, scheme, tier,
code, start, end, duration (seconds), start_frame, end_frame (the frame each time falls in, from
0, when the clip's frame rate is known), value, note, created, updated (UTC, from the store) and
attrs (format details as JSON). Times are written with Python's shortest exact float form, so a
round trip keeps them bit for bit. A Parquet file also carries the scheme and the media list in its
metadata, so reading it back gives the same CodingData; a CSV file brings a scheme made from its
tiers and codes (open tiers).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from annotate import budgets
from annotate.coding.records import (
    COL_ATTRS,
    COL_CLIP,
    COL_CODE,
    COL_CODER,
    COL_CREATED,
    COL_DURATION,
    COL_END,
    COL_END_FRAME,
    COL_MEDIA,
    COL_NOTE,
    COL_SCHEME,
    COL_START,
    COL_START_FRAME,
    COL_TIER,
    COL_UPDATED,
    COL_VALUE,
    LONG_COLUMNS,
    Annotation,
    CodingData,
    MediaRef,
    attrs_from_json,
    attrs_to_json,
    make_attrs,
)
from annotate.coding.schemes import POINT, STATE, Code, Scheme, Tier
from annotate.errors import InterchangeError, SchemeError
from annotate.interchange.times import seconds_value
from annotate.io.atomic import write_bytes, write_with
from annotate.io.csv_errors import csv_problem
from annotate.io.file_bytes import read_limited

_REQUIRED = (COL_TIER, COL_CODE, COL_START)
_STAMPS = ("created", "updated")
_META_SCHEME = b"annotate.scheme"
_META_MEDIA = b"annotate.media"


def frame_of(time_s: float, fps: float) -> int:
    """The index (from 0) of the frame showing time `time_s` at `fps` frames per second."""
    return max(0, math.floor(time_s * fps + 1e-6))


def table_rows(data: CodingData, fps: float | None = None) -> list[dict[str, Any]]:
    """The long table's rows as dicts (column -> value; None for an empty frame column)."""
    rows = []
    for a in data.annotations:
        attrs = dict(a.attrs)
        stamps = {k: attrs.pop(k, "") for k in _STAMPS}
        rows.append(
            {
                COL_CLIP: a.clip_sha256,
                COL_MEDIA: a.media,
                COL_CODER: a.coder,
                COL_SCHEME: a.scheme or data.scheme.id,
                COL_TIER: a.tier,
                COL_CODE: a.code,
                COL_START: a.start_s,
                COL_END: a.end_s,
                COL_DURATION: a.end_s - a.start_s,
                COL_START_FRAME: None if fps is None else frame_of(a.start_s, fps),
                COL_END_FRAME: None if fps is None else frame_of(a.end_s, fps),
                COL_VALUE: a.value,
                COL_NOTE: a.note,
                COL_CREATED: stamps["created"],
                COL_UPDATED: stamps["updated"],
                COL_ATTRS: attrs_to_json(make_attrs(attrs)),
            }
        )
    return rows


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def write_csv(
    data: CodingData, path: Path | str, *, fps: float | None = None, force: bool = False
) -> Path:
    """Write the long table as CSV (UTF-8, header row), atomically.

    Raises:
        OutputError: the file exists (without force) or cannot be written.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180; fields holding CR get quoted
    writer.writerow(LONG_COLUMNS)
    for row in table_rows(data, fps):
        writer.writerow([_cell(row[c]) for c in LONG_COLUMNS])
    return write_bytes(Path(path), buffer.getvalue().encode("utf-8"), force=force)


def _arrow_table(data: CodingData, fps: float | None) -> pa.Table:
    rows = table_rows(data, fps)
    types = {
        COL_START: pa.float64(),
        COL_END: pa.float64(),
        COL_DURATION: pa.float64(),
        COL_START_FRAME: pa.int64(),
        COL_END_FRAME: pa.int64(),
    }
    schema = pa.schema([(c, types.get(c, pa.string())) for c in LONG_COLUMNS])
    table = pa.Table.from_pylist(rows, schema=schema)
    media = [dataclasses.asdict(m) for m in data.media]
    return table.replace_schema_metadata(
        {
            _META_SCHEME: data.scheme.to_json().encode("utf-8"),
            _META_MEDIA: json.dumps(media, ensure_ascii=False).encode("utf-8"),
        }
    )


def write_parquet(
    data: CodingData, path: Path | str, *, fps: float | None = None, force: bool = False
) -> Path:
    """Write the long table as Parquet (scheme and media in its metadata), atomically.

    Raises:
        OutputError: the file exists (without force) or cannot be written.
    """
    table = _arrow_table(data, fps)
    return write_with(Path(path), lambda tmp: pq.write_table(table, tmp), force=force)


def _float(value: object, column: str, line: int, path: Path) -> float:
    return seconds_value(value, f"line {line}: column '{column}':", path)


def _annotation(row: dict[str, Any], line: int, path: Path) -> Annotation:
    if None in row:  # DictReader puts a row's extra cells under the key None
        raise InterchangeError(f"line {line}: more cells than the header has columns", path)
    text = {k: "" if v is None else str(v) for k, v in row.items()}
    if not text[COL_TIER]:
        raise InterchangeError(f"line {line}: column 'tier' is empty", path)
    start = _float(row[COL_START], COL_START, line, path)
    end = start if text.get(COL_END, "") == "" else _float(row[COL_END], COL_END, line, path)
    if end < start:
        raise InterchangeError(f"line {line}: end {end} is before start {start}", path)
    try:
        attrs = dict(attrs_from_json(text.get(COL_ATTRS, "")))
    except ValueError as exc:
        raise InterchangeError(
            f"line {line}: column 'attrs' is not a JSON object ({exc})", path
        ) from None
    attrs.update({k: text.get(k, "") for k in _STAMPS})
    return Annotation(
        clip_sha256=text.get(COL_CLIP, ""),
        coder=text.get(COL_CODER, ""),
        tier=text[COL_TIER],
        code=text[COL_CODE],
        start_s=start,
        end_s=end,
        value=text.get(COL_VALUE, ""),
        note=text.get(COL_NOTE, ""),
        scheme=text.get(COL_SCHEME, ""),
        media=text.get(COL_MEDIA, ""),
        attrs=make_attrs(attrs),
    )


def table_scheme(annotations: Sequence[Annotation], path: Path) -> Scheme:
    """A scheme made from a table's tiers and codes: open tiers, points where every use is one."""
    tiers: dict[str, dict[str, bool]] = {}
    for a in annotations:
        codes = tiers.setdefault(a.tier, {})
        codes[a.code] = codes.get(a.code, True) and a.is_point
    built = tuple(
        Tier(
            name=t,
            codes=tuple(Code(c, POINT if point else STATE) for c, point in codes.items() if c),
            exclusive=False,
            open=True,
        )
        for t, codes in tiers.items()
    )
    draft = Scheme(
        name=f"table:{path.stem}",
        version="0",
        tiers=built,
        description=f"brought by the table {path.name}",
        source=f"import:{path}",
    )
    return dataclasses.replace(draft, version=draft.digest()[:12])


def _check_columns(columns: Sequence[str], path: Path) -> None:
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        raise InterchangeError(
            f"line 1: missing column(s) {', '.join(missing)} (needs at least tier, code, start)",
            path,
        )


def read_csv(path: Path | str) -> CodingData:
    """Read a long-form CSV of annotations.

    Raises:
        InterchangeError: a missing column, a bad number or an end before its start (naming the
            line).
    """
    path = Path(path)
    try:  # no newline translation: csv does it
        text = read_limited(path, budgets.TEXT_MAX_BYTES).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InterchangeError("not UTF-8 text", path) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        _check_columns(reader.fieldnames or [], path)
        annotations = [_annotation(row, reader.line_num, path) for row in reader]
    except csv.Error as exc:
        raise InterchangeError(f"line {reader.line_num + 1}: {csv_problem(exc)}", path) from None
    return CodingData(table_scheme(annotations, path), tuple(annotations), (), str(path))


def _check_parquet_size(path: Path) -> None:
    """Refuse, from its footer alone, a Parquet file that inflates past budgets.TEXT_MAX_BYTES."""
    try:
        meta = pq.ParquetFile(path).metadata
    except FileNotFoundError:
        raise InterchangeError("file not found", path) from None
    except (pa.ArrowInvalid, OSError) as exc:
        raise InterchangeError(f"not a readable Parquet file ({exc})", path) from None
    size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if size > budgets.TEXT_MAX_BYTES:
        limit = budgets.TEXT_MAX_BYTES // budgets.MiB
        raise InterchangeError(
            f"inflates to more than {limit} MiB, the most this reader takes", path
        )


def read_parquet(path: Path | str) -> CodingData:
    """Read a long-form Parquet file of annotations (with its scheme, when we wrote it).

    Raises:
        InterchangeError: not a Parquet file, a missing column, or bad values (naming the row).
    """
    path = Path(path)
    _check_parquet_size(path)
    try:
        table = pq.read_table(path)
    except FileNotFoundError:
        raise InterchangeError("file not found", path) from None
    except (pa.ArrowInvalid, OSError) as exc:
        raise InterchangeError(f"not a readable Parquet file ({exc})", path) from None
    _check_columns(table.column_names, path)
    annotations = [_annotation(row, index + 1, path) for index, row in enumerate(table.to_pylist())]
    meta = table.schema.metadata or {}
    try:
        scheme = (
            Scheme.from_json(meta[_META_SCHEME].decode("utf-8"))
            if _META_SCHEME in meta
            else table_scheme(annotations, path)
        )
        media = tuple(MediaRef(**m) for m in json.loads(meta.get(_META_MEDIA, b"[]")))
    except (SchemeError, TypeError, ValueError) as exc:
        raise InterchangeError(f"metadata is damaged ({exc})", path) from None
    return CodingData(scheme, tuple(annotations), media, str(path))
