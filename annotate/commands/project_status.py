"""`annotate status [FOLDER]`: every clip of a project with its status per coder (not started,
in progress, done), the coding progress, and the coder's next clip; what the coding tool's
project view shows, for the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotate.app.project import open_project
from annotate.coding.care_index import load_care_index
from annotate.coding.clip_aliases import alias_secret, blinding_setting, clip_aliases
from annotate.coding.clip_status import DONE, CoderProgress, next_clip, project_status
from annotate.coding.clips import ClipRef
from annotate.coding.store import AnnotationStore
from annotate.interchange.store_files import current_user

HEADER = ("clip", "coder", "status", "annotations", "CARE", "covered", "done at")


def _cells(progress: CoderProgress) -> tuple[str, ...]:
    tiers = ", ".join(f"{tier} {n}" for tier, n in progress.tiers) or "-"
    covered = "-" if progress.covered is None else f"{100 * progress.covered:.0f}%"
    opened = f" ({progress.open_states} open)" if progress.open_states else ""
    return (
        progress.coder,
        progress.status + opened,
        tiers,
        f"{progress.care_filled}/{progress.care_total}",
        covered,
        progress.done_at[:19].replace("T", " ") or "-",
    )


def status_lines(
    folder: Path, *, coder: str, db: Path | None = None, blind: bool = False
) -> list[str]:
    """The status table of the project in `folder`, as lines of text, and its next clip.

    Raises:
        AnnotateError: no such folder, no clips in it, a clip that is not a readable video, a
            store that cannot be read.
    """
    project = open_project(folder, db)
    refs: list[tuple[str, ClipRef]] = [(name, project.clip_ref(name)) for name in project.clips]
    care = load_care_index()
    store = AnnotationStore(project.database) if project.database.exists() or blind else None
    try:
        table = project_status(store, refs, care, coder)
        shown = {name: name for name in project.clips}
        if store is not None and (blind or blinding_setting(store)):
            shown = clip_aliases(alias_secret(store), project.clips)  # the secret: made once
            table.sort(key=lambda item: shown[item[0]])  # the names' order would tell the phase
    finally:
        if store is not None:
            store.close()
    rows: list[tuple[str, ...]] = [HEADER]
    status: dict[str, str] = {}
    for name, coders in table:
        mine = next(p for p in coders if p.coder == coder)
        label = name if mine.status == DONE else shown[name]
        status[label] = mine.status
        rows += [(label, *_cells(p)) for p in coders]
    widths = [max(len(row[k]) for row in rows) for k in range(len(HEADER))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    labels = list(status)
    following = next_clip(labels, status)
    lines.append(f"next clip for {coder}: {following or 'none (every clip is done)'}")
    return lines


def status_command(
    folder: Annotated[Path, typer.Argument(help="The project folder of clips.")] = Path("."),
    coder: Annotated[
        str | None,
        typer.Option("--coder", help="Whose next clip to name (default: your login)."),
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="Project database (default: annotate.sqlite beside the clips)."),
    ] = None,
    blind: Annotated[
        bool,
        typer.Option("--blind", help="Name clips the coder has not done by their aliases."),
    ] = False,
) -> None:
    """Every clip with its status per coder, the coding progress, and the next clip."""
    for line in status_lines(folder, coder=coder or current_user(), db=db, blind=blind):
        typer.echo(line)


def register(app: typer.Typer) -> None:
    """Add `annotate status` to the CLI."""
    app.command("status")(status_command)
