"""`annotate backup`, `annotate convert` and `annotate reliability`: the coding project's files
(the database backed up, annotation files converted between formats, two coders' annotations,
from the store or from their files, compared into a reliability table and report). Thin calls into
annotate.coding, annotate.interchange and annotate.analysis.agreement_files (registered by
annotate.commands.coding).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from annotate.analysis.agreement_files import compare_files, read_dyads
from annotate.coding.backup import DEFAULT_KEEP, backup, rotating_backup
from annotate.coding.care_index import load_care_index
from annotate.coding.clips import ClipRef
from annotate.coding.reliability_long import write_agreement
from annotate.coding.reliability_output import markdown, write_reliability
from annotate.coding.reliability_report import compare_coders
from annotate.commands.coding_common import (
    DbOption,
    ForceOption,
    MaybeClip,
    database,
    open_store,
)
from annotate.errors import StoreError
from annotate.interchange.convert import convert as convert_file
from annotate.interchange.vcode import VcodeOptions


def register(app: typer.Typer) -> None:
    """Add `backup`, `convert` and `reliability` to the CLI."""
    app.command("backup")(backup_command)
    app.command("convert")(convert_command)
    app.command("reliability")(reliability_command)


def backup_command(
    db: DbOption = None,
    clip: MaybeClip = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Back up to this file (default: rotating backups/ beside the database)."
        ),
    ] = None,
    keep: Annotated[int, typer.Option("--keep", help="Rotating backups to keep.")] = DEFAULT_KEEP,
    force: ForceOption = False,
) -> None:
    """Back up a project database with SQLite's online backup API (safe while in use)."""
    source = database(db, clip)
    made = backup(source, out, force=force) if out else rotating_backup(source, keep=keep)
    if made is None:
        raise StoreError("no project database to back up", source)
    typer.echo(f"backed up {source} to {made}")


def convert_command(
    source: Annotated[
        Path,
        typer.Argument(
            help="Input: .eaf, .eaf.gz, .boris, .csv, .tsv, .parquet, .opf or .txt (VCode).",
            exists=True,
            dir_okay=False,
        ),
    ],
    target: Annotated[Path, typer.Argument(help="Output: .eaf, .eaf.gz, .csv, .parquet or .opf.")],
    observation: Annotated[
        str | None, typer.Option("--observation", help="The BORIS observation (ELAN holds one).")
    ] = None,
    coder: Annotated[
        str, typer.Option("--coder", help="Coder for annotations whose file names none.")
    ] = "",
    force: ForceOption = False,
) -> None:
    """Convert annotations between formats, by extension; no database or media needed."""
    result = convert_file(source, target, part=observation, coder=coder, force=force)
    for warning in result.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"wrote {result.count} annotations to {result.path}")


def reliability_command(
    out: Annotated[
        Path,
        typer.Option("--out", help="The table (FILE.csv); the report goes beside it as FILE.md."),
    ],
    coders: Annotated[
        str, typer.Option("--coders", help="Two coders of the store, A,B (A is the reference).")
    ] = "",
    files: Annotated[
        tuple[Path, Path] | None,
        typer.Option(
            "--files",
            help="Two folders of coding files (A then B), paired by name; no store or video.",
        ),
    ] = None,
    fps: Annotated[
        float,
        typer.Option("--fps", help="With --files: frame rate; the grid step is 1/fps.", min=0.1),
    ] = 30.0,
    states: Annotated[
        str, typer.Option("--states", help="With --files: VCode tracks that are states, a,b,c.")
    ] = "",
    exclude: Annotated[
        str, typer.Option("--exclude", help="With --files: tracks whose time is left out.")
    ] = "",
    seed: Annotated[int, typer.Option("--seed", help="With --files: bootstrap seed.")] = 13,
    dyads: Annotated[
        Path | None,
        typer.Option(
            "--dyads",
            help="With --files: CSV clip,dyad; the bootstrap resamples dyads (default: clips).",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    clip: MaybeClip = None,
    bin_s: Annotated[
        float | None,
        typer.Option(
            "--bin", help="Store: bin width for kappa, seconds (default: one frame).", min=0.001
        ),
    ] = None,
    tolerance_s: Annotated[
        float | None,
        typer.Option(
            "--tolerance",
            help="Window for matching onsets, seconds (store: 1.0; files: 0.5).",
            min=0.0,
        ),
    ] = None,
    force: ForceOption = False,
    db: DbOption = None,
) -> None:
    """Agreement of two coders: from the store (--coders) or straight from files (--files)."""
    if files is not None:
        groups = read_dyads(dyads) if dyads else None
        _reliability_files(files, out, fps, states, exclude, tolerance_s, seed, groups, force)
        return
    names = list(_names(coders))
    if len(names) != 2:
        raise typer.BadParameter(f"give two coders as A,B, got '{coders}'", param_hint="--coders")
    config = load_care_index()
    with open_store(db, clip, create=False) as store:
        clips = None
        if clip is not None:
            row = store.clip(ClipRef.from_video(clip).sha256)
            if row is None:
                raise StoreError("this clip has no annotations in the project", clip)
            clips = [row]
        report = compare_coders(
            store,
            names[0],
            names[1],
            config,
            clips=clips,
            bin_s=bin_s,
            tolerance_s=1.0 if tolerance_s is None else tolerance_s,
        )
    table, text = write_reliability(report, out, force=force)
    typer.echo(markdown(report))
    typer.echo(f"wrote {table} and {text}")


def _names(text: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in text.split(",") if n.strip())


def _reliability_files(
    files: tuple[Path, Path],
    out: Path,
    fps: float,
    states: str,
    exclude: str,
    tolerance_s: float | None,
    seed: int,
    dyads: dict[str, str] | None,
    force: bool,
) -> None:
    options = VcodeOptions(states=_names(states), exclude=_names(exclude))
    table = compare_files(
        files[0],
        files[1],
        fps=fps,
        tolerance_s=0.5 if tolerance_s is None else tolerance_s,
        vcode=options,
        dyads=dyads,
        seed=seed,
    )
    written = write_agreement(
        table.rows,
        table.figures,
        out,
        title=f"Reliability: {table.coder_a} (A) and {table.coder_b} (B)",
        notes=table.notes,
        force=force,
    )
    for note in table.notes:
        typer.echo(f"note: {note}", err=True)
    pooled = [r for r in table.rows if r.clip == "ALL" and r.code == "" and r.measure == "kappa"]
    for row in pooled:
        clips = len({f.clip for f in table.figures if f.tier == row.tier})
        if math.isnan(row.value):
            typer.echo(
                f"{row.tier}: no frames to compare (points or one label only), {clips} clip(s)"
            )
            continue
        interval = "" if math.isnan(row.ci_low) else f" [{row.ci_low:.3f}, {row.ci_high:.3f}]"
        typer.echo(f"{row.tier}: kappa {row.value:.3f}{interval} over {clips} clip(s)")
    typer.echo("wrote " + ", ".join(str(p) for p in written))
