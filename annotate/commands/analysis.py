"""`annotate mechanisms ...` and `annotate align ...`: thin calls into annotate.analysis.

Library errors (AnnotateError) pass through to cli.main, which prints `error: ...` and exits 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotate.analysis.mechanisms import load_mechanisms
from annotate.analysis.outputs import check_writable
from annotate.analysis.programme_table import build_programme_table
from annotate.analysis.sync import (
    describe_time_map,
    parse_sync_point,
    read_sync_points,
    sync_time_bases,
    write_time_map,
)
from annotate.analysis.table_outputs import table_output_paths, write_programme_table
from annotate.timeline.timebase import parse_seconds

mechanisms_app = typer.Typer(
    help="Mechanisms of change (M1-M15): the programme mechanism table.", no_args_is_help=True
)
align_app = typer.Typer(help="Aligning time bases and events.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the `mechanisms` and `align` command groups to the CLI."""
    app.add_typer(mechanisms_app, name="mechanisms")
    app.add_typer(align_app, name="align")


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
        Path | None, typer.Option("--markdown", help="Markdown version [default: beside --out].")
    ] = None,
    heatmap: Annotated[
        Path | None, typer.Option("--heatmap", help="Heat-map PNG [default: beside --out].")
    ] = None,
    mechanisms: Annotated[
        Path | None,
        typer.Option("--mechanisms", help="Mechanisms YAML [default: configs/mechanisms.yaml]."),
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
