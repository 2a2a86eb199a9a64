"""Syncing two time bases from the command line's inputs: sync points, a fixed offset, a report.

Sync points come as `A=B` texts (`--point 10:03:05=0.0`) or from a CSV with columns `a, b` and an
optional `label`; times are seconds or clock times (`annotate.timeline.timebase.parse_seconds`).
The fit itself is `annotate.timeline.timebase.fit_time_map`; this module reads, reports and
records it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path

from annotate.analysis.csv_reading import reading_csv
from annotate.errors import AlignmentError, AnnotateError, InterchangeError
from annotate.io.atomic import write_outputs
from annotate.timeline.timebase import SyncPoint, TimeMap, fit_time_map, parse_seconds


def parse_sync_point(text: str) -> SyncPoint:
    """A sync point from `A=B` (time in base A, `=`, time in base B), e.g. `"12.0=754.5"`.

    Raises:
        AlignmentError: naming the text, when it is not of that form.
    """
    a_text, sep, b_text = text.partition("=")
    if not sep:
        raise AlignmentError(f"sync point {text!r} must be A=B, e.g. 12.0=754.5 or 10:03:05=0")
    return SyncPoint(parse_seconds(a_text), parse_seconds(b_text), text.strip())


def read_sync_points(path: Path) -> list[SyncPoint]:
    """Sync points from a CSV with columns `a, b` (and optionally `label`), one per row.

    Raises:
        InterchangeError: naming the file and line, when it cannot be read or a time is malformed.
    """
    with reading_csv(path), path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip().lower() for c in reader.fieldnames or []]
        if "a" not in columns or "b" not in columns:
            raise InterchangeError(
                f"expected columns a and b (and optionally label), found {columns}", path
            )
        reader.fieldnames = columns
        return [_sync_point(row, reader.line_num, path) for row in reader if any(row.values())]


def _sync_point(row: dict[str, str | None], line: int, path: Path) -> SyncPoint:
    try:
        a_s, b_s = parse_seconds(row["a"] or ""), parse_seconds(row["b"] or "")
    except AnnotateError as exc:
        raise InterchangeError(f"line {line}: {exc.message}", path) from None
    return SyncPoint(a_s, b_s, (row.get("label") or "").strip() or f"line {line}")


def sync_time_bases(
    points: Sequence[SyncPoint], offset_s: float | None = None, drift: bool = True
) -> TimeMap:
    """The mapping from base A to base B: a fixed offset, or a fit through the sync points.

    The fit is not checked against a tolerance here (`TimeMap.check` does that), so that a caller
    can report the residuals of a fit it then refuses.

    Raises:
        AlignmentError: both or neither of an offset and points are given, or the fit fails.
    """
    if offset_s is not None and points:
        raise AlignmentError("give sync points or a fixed offset, not both")
    if offset_s is not None:
        return TimeMap.fixed(offset_s)
    if not points:
        raise AlignmentError("give two or more sync points (A=B, or a CSV of them) or an offset")
    return fit_time_map(points, drift=drift)


def describe_time_map(time_map: TimeMap, tolerance_s: float) -> list[str]:
    """Report lines: offset, drift, one line per sync point with its residual, and the verdict."""
    lines = [
        f"offset: {time_map.offset_s:+.3f} s (time in B = offset + (1 + drift) x time in A)",
        f"drift: {time_map.drift * 1e6:+.1f} ppm ({time_map.drift_s_per_hour:+.3f} s per hour)",
    ]
    if not time_map.residuals:
        return [*lines, "fixed offset: no sync points to check"]
    width = min(max(len("point"), *(len(r.point.name) for r in time_map.residuals)), 40)
    lines.append(f"{'point':<{width}} {'A (s)':>12} {'B (s)':>12} {'residual (s)':>13}")
    for r in time_map.residuals:
        flag = "  > tolerance" if abs(r.residual_s) > tolerance_s else ""
        lines.append(
            f"{r.point.name[:width]:<{width}} {r.point.a_s:>12.3f} {r.point.b_s:>12.3f} "
            f"{r.residual_s:>+13.4f}{flag}"
        )
    verdict = "accepted" if time_map.max_residual_s <= tolerance_s else "refused"
    lines.append(
        f"largest residual: {time_map.max_residual_s:.4f} s "
        f"(tolerance {tolerance_s:g} s): {verdict}"
    )
    return lines


def write_time_map(time_map: TimeMap, path: Path, tolerance_s: float, force: bool = False) -> Path:
    """Record the mapping as JSON (offset, drift, points with residuals, tolerance), atomically."""
    record = {**time_map.as_dict(), "tolerance_s": tolerance_s}
    return write_outputs({path: json.dumps(record, indent=2) + "\n"}, force)[0]
