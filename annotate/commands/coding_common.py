"""Shared pieces of the coding commands: options and the database they use.

The project database is `annotate.sqlite` beside the clip (--clip) unless --db names another.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from annotate.coding.clips import default_db_path
from annotate.coding.store import AnnotationStore
from annotate.errors import StoreError

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
