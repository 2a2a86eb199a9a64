"""The library calls behind the analysis commands: align recordings (one, or a manifest's
sessions) with their mechanism events, export a timeline, the before-and-after table, and a
located clip's time map.

Each gathers its inputs (annotate.analysis.sources), computes, and writes its outputs whole or not
at all (annotate.io.atomic: an existing output is kept unless `force`). The CLI
(annotate.commands.analysis) only parses options and prints.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from annotate.analysis.alignment import SessionAlignment, align_session, long_table, summary_table
from annotate.analysis.events import read_time_map
from annotate.analysis.locate import Location
from annotate.analysis.prepost import PrepostResult, prepost_table
from annotate.analysis.sources import RecordingSources, SourceOptions, load_sources
from annotate.analysis.study_manifest import read_study_manifest
from annotate.analysis.table_files import beside, table_bytes, table_suffix
from annotate.analysis.timeline_elan import timeline_coding_data
from annotate.analysis.timeline_export import check_items, long_timeline, timeline_items
from annotate.analysis.timeline_plot import render_timeline
from annotate.analysis.timeline_wide import wide_timeline
from annotate.errors import AlignmentError, AnnotateError, OutputError
from annotate.interchange.eaf import eaf_from_data
from annotate.interchange.eaf_xml import eaf_to_bytes
from annotate.io.atomic import check_writable, write_outputs
from annotate.study.manifest_rows import ManifestRow
from annotate.study.mechanisms import MechanismCatalogue
from annotate.timeline.timebase import TimeMap, parse_seconds

TIMELINE_FORMATS = {
    "csv": ".csv",
    "parquet": ".parquet",
    "wide": ".csv",
    "eaf": ".eaf",
    "png": ".png",
    "svg": ".svg",
}
"""Formats of `export timeline` and the suffix each takes (wide: .csv or .parquet)."""
TIME_MAP_COLUMN, OFFSET_COLUMN = "time_map", "offset"


@dataclass(frozen=True)
class AlignmentRun:
    """The alignments of one or more recordings, and notes on what was missing."""

    alignments: tuple[SessionAlignment, ...]
    notes: tuple[str, ...]


def time_map_option(path: Path | None, offset: str | None) -> TimeMap | None:
    """The time map given by `--time-map FILE` or `--offset TIME` (not both), or None.

    Raises:
        AlignmentError: both are given, or the offset is malformed.
        InterchangeError: the file is not a time map.
    """
    if path is not None and offset is not None:
        raise AlignmentError("give --time-map or --offset, not both")
    if path is not None:
        return read_time_map(path)
    return None if offset is None else TimeMap.fixed(parse_seconds(offset))


def align_recording(
    recording: Path,
    catalogue: MechanismCatalogue,
    options: SourceOptions,
    *,
    programme: str = "",
    session: str = "",
    window_s: float = 5.0,
    tolerance_s: float = 0.5,
) -> AlignmentRun:
    """Align one recording's annotations and features with its mechanism events.

    Raises:
        AnnotateError: an input cannot be read, or an event lies outside the recording.
    """
    sources = load_sources(recording, catalogue, options, programme=programme, session=session)
    alignment = align_session(sources.session_input(), window_s, tolerance_s)
    return AlignmentRun((alignment,), sources.notes)


def _row_options(row: ManifestRow, base: Path, options: SourceOptions) -> SourceOptions:
    extra = dict(row.extra)
    map_path = extra.get(TIME_MAP_COLUMN, "")
    offset = extra.get(OFFSET_COLUMN, "")
    if not map_path and not offset:
        return options
    resolved = (base / map_path) if map_path else None
    return replace(options, time_map=time_map_option(resolved, offset or None))


def align_manifest(
    manifest_path: Path,
    catalogue: MechanismCatalogue,
    options: SourceOptions,
    *,
    window_s: float = 5.0,
    tolerance_s: float = 0.5,
) -> AlignmentRun:
    """Align every session of a manifest (rows of kind `session`, or every row when none names a
    kind). A row's `time_map` (a JSON file, relative to the manifest) or `offset` column maps
    its events CSV rows, in place of `--time-map`; the CSV's rows are chosen by the row's
    programme and session.

    Raises:
        AlignmentError: naming each refused session (manifest line and recording) and why;
            nothing is aligned then.
    """
    manifest = read_study_manifest(manifest_path)
    alignments, notes, refused = [], [], []
    for row in manifest.sessions():
        try:
            sources = load_sources(
                row.path,
                catalogue,
                _row_options(row, manifest_path.parent, options),
                clip_id=row.clip_id,
                programme=row.programme,
                session=row.session,
            )
            alignments.append(align_session(sources.session_input(), window_s, tolerance_s))
            notes += [f"{row.clip_id}: {note}" for note in sources.notes]
        except AnnotateError as exc:
            refused.append(f"{row.line} ({row.path.name}): {exc}")
    if refused:
        count = len(manifest.sessions())
        raise AlignmentError(
            f"{len(refused)} of {count} sessions refused: " + "; ".join(refused), manifest_path
        )
    return AlignmentRun(tuple(alignments), tuple(notes))


def alignment_paths(out: Path, summary: Path | None) -> tuple[Path, Path]:
    """The long table and the summary (default: `<out>_summary` beside it), both checked."""
    table_suffix(out)
    summary = summary or beside(out, "summary")
    table_suffix(summary)
    if summary == out:
        raise OutputError("the summary must not be the long table itself", out)
    return out, summary


def write_alignment(
    run: AlignmentRun,
    catalogue: MechanismCatalogue,
    out: Path,
    summary: Path | None = None,
    force: bool = False,
) -> list[Path]:
    """Write the long table and the summary (CSV or Parquet by suffix), both or neither."""
    long_path, summary_path = alignment_paths(out, summary)
    tables = {
        long_path: long_table(run.alignments),
        summary_path: summary_table(run.alignments, catalogue),
    }
    return write_outputs({p: table_bytes(t, p) for p, t in tables.items()}, force)


def timeline_format(out: Path, fmt: str | None) -> str:
    """The format of `export timeline`: the one given, else the one `out`'s suffix names.

    Raises:
        OutputError: an unknown format, or a suffix that does not fit it.
    """
    suffix = out.suffix.lower()
    if fmt is None:
        found = [f for f, s in TIMELINE_FORMATS.items() if s == suffix and f != "wide"]
        if not found:
            raise OutputError(
                f"give --format ({', '.join(TIMELINE_FORMATS)}) or a known suffix", out
            )
        return found[0]
    if fmt not in TIMELINE_FORMATS:
        raise OutputError(f"unknown format {fmt!r} (formats: {', '.join(TIMELINE_FORMATS)})")
    allowed = (".csv", ".parquet") if fmt == "wide" else (TIMELINE_FORMATS[fmt],)
    if suffix not in allowed:
        raise OutputError(f"--format {fmt} needs a file ending in {' or '.join(allowed)}", out)
    return fmt


def timeline_bytes(
    sources: RecordingSources,
    catalogue: MechanismCatalogue,
    out: Path,
    fmt: str,
    step_s: float = 1.0,
) -> bytes:
    """The timeline of a recording in one format (see annotate.analysis.timeline_export).

    Raises:
        AlignmentError: nothing to export, or a mechanism event outside the recording.
    """
    items = timeline_items(sources)
    check_items(items, sources.clip.name)
    if fmt in ("csv", "parquet"):
        return table_bytes(long_timeline(items, sources.clip_id, sources.dyad), out)
    if fmt == "wide":
        wide = wide_timeline(
            items, sources.features, sources.span, step_s, sources.clip_id, sources.dyad
        )
        return table_bytes(wide, out)
    if fmt == "eaf":
        data = timeline_coding_data(items, sources, catalogue, out.parent)
        return eaf_to_bytes(eaf_from_data(data))
    samples = sources.features.samples if sources.features is not None else None
    title = f"{sources.clip.name} ({sources.span.duration_s:.1f} s)"
    return render_timeline(items, sources.span, title, fmt, samples, sources.schemes)


def export_timeline(
    recording: Path,
    out: Path,
    catalogue: MechanismCatalogue,
    options: SourceOptions,
    *,
    fmt: str | None = None,
    dyad: str = "",
    programme: str = "",
    session: str = "",
    step_s: float = 1.0,
    force: bool = False,
) -> tuple[Path, RecordingSources]:
    """Write a recording's timeline (long CSV / Parquet, wide, ELAN, PNG or SVG) to `out`.

    Raises:
        OutputError: out exists (without force) or does not fit the format; AnnotateError: an
            input cannot be read or an event lies outside the recording.
    """
    fmt = timeline_format(out, fmt)
    check_writable([out], force)
    sources = load_sources(
        recording, catalogue, options, programme=programme, session=session, dyad=dyad
    )
    blob = timeline_bytes(sources, catalogue, out, fmt, step_s)
    return write_outputs({out: blob}, force)[0], sources


def write_location(location: Location, out: Path, force: bool = False) -> Path:
    """Record a clip's location as JSON (it reads as a time map: `--time-map`)."""
    return write_outputs({out: json.dumps(location.as_dict(), indent=2) + "\n"}, force)[0]


def export_prepost(
    manifest_path: Path,
    features_dir: Path,
    out: Path,
    *,
    db: Path | None = None,
    covariates: Sequence[Path] = (),
    coder: str | None = None,
    force: bool = False,
) -> tuple[Path, PrepostResult]:
    """Write the per-dyad before/after table (annotate.analysis.prepost) as CSV or Parquet."""
    table_suffix(out)
    check_writable([out], force)
    result = prepost_table(
        read_study_manifest(manifest_path), features_dir, db=db, covariates=covariates, coder=coder
    )
    return write_outputs({out: table_bytes(result.table, out)}, force)[0], result


def summary_lines(table: pd.DataFrame) -> list[str]:
    """A few lines of an alignment summary for the terminal: rates, shares and means, inside
    and outside each mechanism's events."""
    shown = table[table["measure"].isin(["rate_per_min", "share", "mean"])]
    shown = shown[
        ~(
            (shown["source"] == "automatic")
            & (shown["tier"] == "episodes")
            & (shown["measure"] == "share")
        )
    ]
    lines = []
    for (programme, mechanism), part in shown.groupby(["programme", "mechanism"], sort=False):
        first = part.iloc[0]
        lines.append(
            f"{programme or '-'} {mechanism} {first['name']}: {first['events']} events in "
            f"{first['sessions']} sessions, {first['inside_s']:.0f} s inside, "
            f"{first['outside_s']:.0f} s outside"
        )
        for _, r in part.iterrows():
            what = f"{r['tier']}/{r['label']} ({r['who']})"
            lines.append(
                f"  {what:<44} {r['measure']:<12} inside {r['inside']:8.3f}  "
                f"outside {r['outside']:8.3f}"
            )
    return lines
