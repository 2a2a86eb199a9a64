"""Reading a study manifest's rows (CSV or YAML), shared by the batch runner and the analyses.

A manifest lists clips, one per row, with at least a `path`; what the columns mean is up to its
reader (pipelines/manifest.py for batch runs, annotate/analysis/study_manifest.py for the
before/after tables). Here: the rows as dictionaries with lower-case keys, each with where it
stands in the file (`line N` of a CSV, `entry N` of a YAML list), and a clip id from a name.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from annotate.errors import ConfigError
from annotate.io.csv_errors import csv_problem
from annotate.io.yaml_files import load_yaml_lines

Row = tuple[str, dict[str, object]]
"""Where the row stands in the file, and its values by lower-case column name."""


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
