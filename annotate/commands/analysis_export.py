"""`annotate export timeline` and `annotate export prepost`: thin calls into annotate.analysis.

Library errors (AnnotateError) are printed by annotate.commands.command_errors.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotate.analysis.command_calls import (
    TIMELINE_FORMATS,
    export_prepost,
    export_timeline,
    time_map_option,
)
from annotate.analysis.sources import SourceOptions
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
from annotate.study.mechanisms import load_mechanisms

export_app = CommandGroup(
    help="Tables and files for analysis: a recording's timeline, dyads before and after.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the `export` command group to the CLI."""
    app.add_typer(export_app, name="export")


@export_app.command("timeline")
def timeline(
    recording: Annotated[
        Path, typer.Argument(help="A clip or session recording (video).", dir_okay=False)
    ],
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format",
            help=f"{', '.join(TIMELINE_FORMATS)} (default: by the suffix of --out).",
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
    dyad: Annotated[str, typer.Option("--dyad", help="The dyad's id, for the dyad column.")] = "",
    step: Annotated[
        float, typer.Option("--step", help="Grid step of the wide form, seconds.")
    ] = 1.0,
    mechanisms: MechanismsOption = None,
    force: ForceOption = False,
) -> None:
    """Export a recording's timeline: long (csv, parquet), wide grid, ELAN (eaf), picture."""
    options = SourceOptions(db, features, events, time_map_option(time_map, offset), coder)
    path, sources = export_timeline(
        recording,
        out,
        load_mechanisms(mechanisms),
        options,
        fmt=fmt,
        dyad=dyad,
        programme=programme,
        session=session_no,
        step_s=step,
        force=force,
    )
    for note in sources.notes:
        typer.echo(f"note: {note}")
    typer.echo(f"wrote {path}")


@export_app.command("prepost")
def prepost(
    manifest: Annotated[
        Path,
        typer.Argument(
            help="CSV of clips: path, dyad, phase (pre/post), programme.", dir_okay=False
        ),
    ],
    features: Annotated[
        Path,
        typer.Option(
            "--features",
            help="Folder with one extraction folder per clip (summary.json inside).",
            file_okay=False,
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="The table (.csv or .parquet).")],
    db: DbOption = None,
    covariates: Annotated[
        list[Path] | None,
        typer.Option(
            "--covariates", help="CSV with a dyad column (e.g. EPDS, PSI); repeat for more."
        ),
    ] = None,
    coder: Annotated[
        str | None,
        typer.Option("--coder", help="This coder's CARE-Index sheets (default: the mean of all)."),
    ] = None,
    force: ForceOption = False,
) -> None:
    """Per dyad: features and CARE-Index totals before and after, the change, covariates."""
    path, result = export_prepost(
        manifest, features, out, db=db, covariates=covariates or [], coder=coder, force=force
    )
    for note in result.notes:
        typer.echo(f"note: {note}")
    typer.echo(f"{len(result.table)} dyads")
    typer.echo(f"wrote {path}")


@export_app.command("rttm")
def rttm(
    folder: Annotated[
        Path,
        typer.Argument(help="The folder `annotate extract` wrote for a clip.", file_okay=False),
    ],
    out: Annotated[Path, typer.Option("--out", help="The RTTM file to write.")],
    file_id: Annotated[
        str, typer.Option("--file-id", help="RTTM's file field (default: the clip id).")
    ] = "",
    force: ForceOption = False,
) -> None:
    """The clip's automatic voices as RTTM with VTC's labels (FEM mother, KCHI infant, MAL
    other adult, SPEECH anyone)."""
    from annotate.analysis.rttm_export import export_vocal_rttm

    done = export_vocal_rttm(folder, out, file_id=file_id, force=force)
    counts = ", ".join(f"{label} {n}" for label, n in sorted(done.lines.items())) or "no voices"
    typer.echo(f"{done.file_id}: {counts}")
    typer.echo(f"wrote {done.path}")
