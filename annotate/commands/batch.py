"""`annotate batch`: many clips and group recordings, cached, resumable, on one machine or a
dask cluster (pipelines.runner does the work; this module parses and draws)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from annotate.commands.command_errors import fail
from annotate.errors import AnnotateError, ConfigError

if TYPE_CHECKING:
    from pipelines.records import BatchResult, ClipOutcome


def status_line(outcome: ClipOutcome) -> str:
    """One clip's outcome as a line of rich markup (what the user gave is escaped)."""
    from rich.markup import escape

    name = escape(outcome.clip_id)
    if outcome.status == "error":
        return f"[red]error[/red]    {name}: {outcome.stage}: {escape(outcome.message)}"
    if outcome.status == "cached":
        return f"[dim]cached[/dim]   {name} ({outcome.frames_analysed} frames)"
    return (
        f"[green]computed[/green] {name}: {outcome.frames_analysed} frames in "
        f"{outcome.compute_s:.1f} s of worker time"
        + (f" ({outcome.chunks} chunks)" if outcome.chunks > 1 else "")
    )


def run_batch_command(
    source: Path,
    out: Path,
    *,
    workers: int | None = None,
    chunk_s: float = 300.0,
    scheduler: str | None = None,
    fps: str | None = None,
    max_faces: int | None = None,
    force: bool = False,
    quiet: bool = False,
    kind: str = "clip",
    config: Path | None = None,
    device: str = "cpu",
) -> BatchResult:
    """`annotate batch` without the argument parsing: read the input, run with a bar."""
    from rich.markup import escape

    from annotate.progress import frame_progress
    from pipelines.manifest import read_batch_input
    from pipelines.records import BatchHooks, BatchOptions, default_workers
    from pipelines.runner import run_batch

    if device not in ("cpu", "gpu"):
        raise ConfigError(f"--device must be cpu or gpu, got {device!r}")
    manifest = read_batch_input(source, kind, skip=out)
    options = BatchOptions(
        workers=workers if workers is not None else default_workers(),
        chunk_s=chunk_s,
        scheduler=scheduler,
        fps=fps,
        max_faces=max_faces,
        force=force,
        config_path=config,
        device="gpu" if device == "gpu" else "cpu",
    )
    with frame_progress("batch", quiet=quiet) as (progress, task):

        def frames(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total or None)

        def clip(outcome: ClipOutcome) -> None:
            progress.console.print(status_line(outcome))

        def note(text: str) -> None:
            progress.console.print(f"[yellow]note[/yellow] {escape(text)}")

        return run_batch(
            manifest, out, options, hooks=BatchHooks(frames=frames, clip=clip, note=note)
        )


def batch(
    source: Annotated[Path, typer.Argument(help="A manifest (.csv, .yaml) or a folder of videos.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The batch's output folder.")],
    workers: Annotated[
        int | None, typer.Option(help="Local worker processes (default: the machine's cores).")
    ] = None,
    chunk_s: Annotated[
        float, typer.Option("--chunk-s", help="Cut long recordings into chunks of S seconds.")
    ] = 300.0,
    scheduler: Annotated[
        str | None,
        typer.Option(help="Run on a dask.distributed cluster: its scheduler, tcp://HOST:PORT."),
    ] = None,
    fps: Annotated[
        str | None,
        typer.Option(
            "--fps",
            help="Samples per second, or 'all' (default: clip 10 from the config, session 2).",
        ),
    ] = None,
    max_faces: Annotated[
        int | None, typer.Option(help="Faces per frame (default: clip 2, session 40).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Compute finished clips again.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress or clip lines.")
    ] = False,
    kind: Annotated[
        str, typer.Option(help="clip or session: for a folder, and rows that give no kind.")
    ] = "clip",
    config: Annotated[Path | None, typer.Option(help="A features.yaml to use.")] = None,
    device: Annotated[str, typer.Option(help="cpu or gpu (falls back to cpu).")] = "cpu",
) -> None:
    """Extract many clips and group sessions into one dataset; cached and resumable.

    A finished clip is never computed twice; run the same command again after an interruption
    to resume. Exit code 1 when some clips failed (listed in OUT/errors.csv).
    """
    try:
        result = run_batch_command(
            source,
            out,
            workers=workers,
            chunk_s=chunk_s,
            scheduler=scheduler,
            fps=fps,
            max_faces=max_faces,
            force=force,
            quiet=quiet,
            kind=kind.lower(),
            config=config,
            device=device,
        )
    except KeyboardInterrupt:
        typer.echo(
            "interrupted: finished clips and chunks are kept; run the same command to resume",
            err=True,
        )
        raise typer.Exit(130) from None
    errors = result.count("error")
    if not quiet:
        typer.echo(
            f"{len(result.outcomes)} clips: {result.count('computed')} computed, "
            f"{result.count('cached')} cached, {errors} errors in {result.wall_s:.1f} s "
            f"({result.pool})"
        )
        typer.echo(f"dataset in {result.out}: features/, clips.csv, prepost.csv, report.txt")
    if errors:
        fail(AnnotateError(f"{errors} clips failed; see {result.out / 'errors.csv'}"))


def register(app: typer.Typer) -> None:
    """Add `annotate batch` to the CLI."""
    app.command("batch")(batch)
