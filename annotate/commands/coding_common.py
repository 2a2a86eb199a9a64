"""Shared pieces of the coding commands: options, the database they use, one-line errors.

The project database is `annotate.sqlite` beside the clip (--clip) unless --db names another.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, ParamSpec, TypeVar

import typer

from annotate.coding.clips import default_db_path
from annotate.coding.store import AnnotationStore
from annotate.errors import AnnotateError, StoreError

P = ParamSpec("P")
R = TypeVar("R")

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Project database (default: annotate.sqlite beside the clip)."),
]
ClipOption = Annotated[
    Path,
    typer.Option(
        "--clip", help="The video file (identified by its sha256).", exists=True, dir_okay=False
    ),
]
MaybeClip = Annotated[
    Path | None, typer.Option("--clip", help="The video file.", exists=True, dir_okay=False)
]
CoderOption = Annotated[str, typer.Option("--coder", help="The coder's name or initials.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace an existing output file.")]


def one_line_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Print a library error as `error: ...` and exit 1, instead of a traceback."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except AnnotateError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None

    return run


def database(db: Path | None, clip: Path | None) -> Path:
    """The project database: --db, else annotate.sqlite beside --clip.

    Raises:
        StoreError: neither is given.
    """
    if db is not None:
        return db
    if clip is not None:
        return default_db_path(clip)
    raise StoreError("give --db PATH, or --clip VIDEO to use the project database beside the clip")


def open_store(db: Path | None, clip: Path | None, *, create: bool = True) -> AnnotationStore:
    """Open the project database (see `database`); create=False refuses a missing one."""
    return AnnotationStore(database(db, clip), create=create)
