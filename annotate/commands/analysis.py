"""`annotate mechanisms ...`, `annotate align ...` and (through annotate.commands.analysis_export)
`annotate export ...`: thin calls into annotate.analysis.

`annotate align --session RECORDING` (or `--manifest`) aligns annotations and features with
mechanism events; `align sync` maps time bases; `align locate` finds a clip in a recording.
Library errors (AnnotateError) are printed by annotate.commands.command_errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotate.analysis.alignment import summary_table
from annotate.analysis.command_calls import (
    align_manifest,
    align_recording,
    alignment_paths,
    summary_lines,
    time_map_option,
    write_alignment,
    write_location,
)
from annotate.analysis.locate import locate_clip
from annotate.analysis.programme_table import build_programme_table
from annotate.analysis.sources import SourceOptions
from annotate.analysis.sync import (
    describe_time_map,
    parse_sync_point,
    read_sync_points,
    sync_time_bases,
    write_time_map,
)
from annotate.analysis.table_outputs import table_output_paths, write_programme_table
from annotate.commands import analysis_export
from annotate.commands.analysis_options import (
    CoderOption,
    DbOption,
    EventsOption,
    FeaturesOption,
    ForceOption,
    MechanismsOption,
    OffsetOption,
    ProgrammeOption,
    SessionNoOption,
    TimeMapOption,
)
from annotate.commands.command_errors import CommandGroup
from annotate.errors import AlignmentError
from annotate.io.atomic import check_writable
from annotate.progress import frame_bar
from annotate.study.mechanisms import load_mechanisms
from annotate.timeline.timebase import parse_seconds

mechanisms_app = CommandGroup(
    help="Mechanisms of change (M1-M15): the programme mechanism table.", no_args_is_help=True
)
align_app = CommandGroup(
    help="Aligning annotations and features with mechanism events (--session, --manifest), "
    "time bases (sync) and clips cut from recordings (locate).",
    no_args_is_help=True,
    invoke_without_command=True,
)


def register(app: typer.Typer) -> None:
    """Add the `mechanisms`, `align` and `export` command groups to the CLI."""
    app.add_typer(mechanisms_app, name="mechanisms")
    app.add_typer(align_app, name="align")
    analysis_export.register(app)


@mechanisms_app.command("table")
def mechanisms_table(
    source: Annotated[
        Path,
        typer.Argument(
            help="CSV of programme, session, mechanism and present (1/0) or start, end; "
            "or a folder of such CSVs."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="The table as CSV (TABLE.csv).")],
    markdown: Annotated[
        Path | None, typer.Option("--markdown", help="Markdown version (default: beside --out).")
    ] = None,
    heatmap: Annotated[
        Path | None, typer.Option("--heatmap", help="Heat-map PNG (default: beside --out).")
    ] = None,
    mechanisms: Annotated[
        Path | None,
        typer.Option("--mechanisms", help="Mechanisms YAML (default: configs/mechanisms.yaml)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite existing outputs.")] = False,
) -> None:
    """Rate each mechanism per programme (Y every session, V some, N none) and count the Y."""
    outputs = table_output_paths(out, markdown, heatmap)
    check_writable(outputs, force)
    table = build_programme_table(source, load_mechanisms(mechanisms), exclude=outputs)
    for line in table.rows():
        typer.echo("  ".join(f"{cell:>8}" if i else f"{cell:<9}" for i, cell in enumerate(line)))
    for path in write_programme_table(table, out, markdown, heatmap, force=force):
        typer.echo(f"wrote {path}")


@align_app.command("sync")
def align_sync(
    point: Annotated[
        list[str] | None,
        typer.Option(
            "--point",
            help="A sync point A=B: the same moment in base A and base B, in seconds or clock "
            "time (10:03:05.5). Repeat for more points.",
        ),
    ] = None,
    points: Annotated[
        Path | None,
        typer.Option("--points", help="CSV of sync points with columns a, b (and label)."),
    ] = None,
    offset: Annotated[
        str | None,
        typer.Option(
            "--offset", help="A fixed offset, seconds or clock time (-10:03:05): B = A + OFFSET."
        ),
    ] = None,
    tolerance: Annotated[
        float,
        typer.Option("--tolerance", min=0.0, help="Largest residual accepted, in seconds."),
    ] = 0.1,
    drift: Annotated[
        bool, typer.Option("--drift/--no-drift", help="Fit a drift, or an offset only.")
    ] = True,
    out: Annotated[
        Path | None, typer.Option("--out", help="Record the mapping as JSON here.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing --out.")] = False,
) -> None:
    """Map time base A to base B by a fixed offset or a fit through sync points; refuse a fit
    whose residuals exceed the tolerance."""
    if out is not None:
        check_writable([out], force)
    sync_points = [parse_sync_point(text) for text in point or []]
    if points is not None:
        sync_points += read_sync_points(points)
    offset_s = None if offset is None else parse_seconds(offset)
    time_map = sync_time_bases(sync_points, offset_s=offset_s, drift=drift)
    for line in describe_time_map(time_map, tolerance):
        typer.echo(line)
    time_map.check(tolerance)
    if out is not None:
        typer.echo(f"wrote {write_time_map(time_map, out, tolerance, force=force)}")


@align_app.callback()
def align(
    ctx: typer.Context,
    session: Annotated[
        Path | None,
        typer.Option("--session", help="A session recording (video) to align.", dir_okay=False),
    ] = None,
    manifest: Annotated[
        Path | None,
        typer.Option(
            "--manifest",
            help="A manifest (CSV: path, programme, session, ...) of session recordings.",
            dir_okay=False,
        ),
    ] = None,
    db: DbOption = None,
    features: FeaturesOption = None,
    events: EventsOption = None,
    time_map: TimeMapOption = None,
    offset: OffsetOption = None,
    programme: ProgrammeOption = "",
    session_no: SessionNoOption = "",
    coder: CoderOption = None,
    window: Annotated[
        float,
        typer.Option("--window", min=0.0, help="Seconds analysed on each side of a point event."),
    ] = 5.0,
    tolerance: Annotated[
        float,
        typer.Option("--tolerance", min=0.0, help="Seconds an event may pass the recording's end."),
    ] = 0.5,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="The long table (.csv or .parquet), one row per event x measure."
        ),
    ] = None,
    summary: Annotated[
        Path | None,
        typer.Option("--summary", help="The summary table (default: OUT_summary beside --out)."),
    ] = None,
    mechanisms: MechanismsOption = None,
    force: ForceOption = False,
) -> None:
    """Align annotations and features with mechanism events: per event, and outside them all."""
    if ctx.invoked_subcommand is not None:
        if session is not None or manifest is not None:
            raise AlignmentError("--session and --manifest go without a subcommand")
        return
    if session is not None and manifest is not None:
        raise AlignmentError("give --session RECORDING or --manifest MANIFEST, not both")
    if out is not None:
        check_writable(alignment_paths(out, summary), force)
    catalogue = load_mechanisms(mechanisms)
    options = SourceOptions(db, features, events, time_map_option(time_map, offset), coder)
    if session is not None:
        run = align_recording(
            session,
            catalogue,
            options,
            programme=programme,
            session=session_no,
            window_s=window,
            tolerance_s=tolerance,
        )
    elif manifest is not None:
        run = align_manifest(manifest, catalogue, options, window_s=window, tolerance_s=tolerance)
    else:
        raise AlignmentError("give --session RECORDING or --manifest MANIFEST")
    for note in run.notes:
        typer.echo(f"note: {note}")
    for line in summary_lines(summary_table(run.alignments, catalogue)):
        typer.echo(line)
    if out is not None:
        for path in write_alignment(run, catalogue, out, summary, force=force):
            typer.echo(f"wrote {path}")


@align_app.command("locate")
def align_locate(
    clip: Annotated[Path, typer.Argument(help="The clip cut from the recording.", dir_okay=False)],
    recording: Annotated[Path, typer.Argument(help="The session recording.", dir_okay=False)],
    fps: Annotated[
        float, typer.Option("--fps", help="Frames per second compared in the first pass.")
    ] = 5.0,
    audio: Annotated[
        bool, typer.Option("--audio/--no-audio", help="Compare the sound too, when both have it.")
    ] = True,
    min_confidence: Annotated[
        float,
        typer.Option(
            "--min-confidence", min=0.0, max=1.0, help="Refuse a match less confident than this."
        ),
    ] = 0.5,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Record the offset as JSON (a time map for --time-map)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar.")] = False,
    force: ForceOption = False,
) -> None:
    """Find where a clip cut from a session recording sits in it (offset and confidence)."""
    if out is not None:
        check_writable([out], force)
    with frame_bar(f"{recording.name}: frames", 0, quiet) as progress:
        location = locate_clip(clip, recording, rate_hz=fps, use_audio=audio, progress=progress)
    typer.echo(
        f"{clip.name} starts at {location.offset_s:.3f} s of {recording.name} "
        f"({_clock(location.offset_s)}), confidence {location.confidence:.2f}"
    )
    for match in (location.video, location.audio):
        if match is not None:
            typer.echo(
                f"  {match.method}: {match.offset_s:.3f} s, correlation {match.score:.3f} "
                f"(runner-up {match.runner_up:.3f}), confidence {match.confidence:.2f}"
            )
    for warning in location.warnings:
        typer.echo(f"warning: {warning}")
    location.check(min_confidence)
    if out is not None:
        typer.echo(f"wrote {write_location(location, out, force=force)}")


def _clock(seconds: float) -> str:
    sign = "-" if seconds < 0 else ""
    minutes, rest = divmod(abs(seconds), 60.0)
    hours, minutes = divmod(int(minutes), 60)
    return f"{sign}{hours}:{minutes:02d}:{rest:06.3f}"
