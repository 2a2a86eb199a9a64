"""Tables (pandas) as CSV or Parquet bytes, chosen by the file's suffix, for atomic writing.

CSV: UTF-8, comma-separated, `.` decimals, empty cells for missing values, floats in Python's
shortest exact form. Parquet: pyarrow, no pandas index.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from annotate.errors import OutputError

TABLE_SUFFIXES = (".csv", ".parquet")


def table_suffix(path: Path) -> str:
    """The table format of a path, '.csv' or '.parquet'.

    Raises:
        OutputError: naming the path, for another suffix.
    """
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise OutputError(f"a table must end in {' or '.join(TABLE_SUFFIXES)}", path)
    return suffix


def table_bytes(table: pd.DataFrame, path: Path) -> bytes:
    """The table encoded as `path`'s suffix says (see the module docstring)."""
    if table_suffix(path) == ".csv":
        return table.to_csv(index=False, lineterminator="\n").encode("utf-8")
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), sink)
    return sink.getvalue()


def beside(path: Path, tag: str) -> Path:
    """A companion file beside `path`: `align.csv` + `summary` -> `align_summary.csv`."""
    return path.with_name(f"{path.stem}_{tag}{path.suffix}")
