"""Backups of a project database with SQLite's online backup API.

`backup` copies a database while it may be in use (the backup API copies a consistent snapshot,
WAL content included) to a temporary file, checks it, and renames it into place. `rotating_backup`
keeps the last N timestamped copies in a `backups/` folder beside the database; the coding tool
opens its project with `open_with_backup`, which makes one on every start.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from annotate.coding.store import AnnotationStore
from annotate.errors import StoreError
from annotate.io.atomic import write_with

BACKUP_FOLDER = "backups"
DEFAULT_KEEP = 10


def _copy(source: Path, target: Path) -> None:
    # A read-write connection, so that closing it cleans up the WAL files as usual.
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        result = dst.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"cannot be backed up ({exc})", source) from None
    finally:
        dst.close()
        src.close()
    if result != "ok":
        raise StoreError(f"the backup failed its check ({result})", target)


def backup(database: Path | str, target: Path | str, *, force: bool = False) -> Path:
    """Copy a project database to `target` (written to a temporary name, then renamed).

    Raises:
        StoreError: the database is missing or cannot be read.
        OutputError: target exists (without force) or cannot be written.
    """
    database, target = Path(database), Path(target)
    if not database.is_file():
        raise StoreError("no project database to back up", database)
    return write_with(target, lambda tmp: _copy(database, tmp), force=force)


def backups_of(database: Path, folder: Path | None = None) -> list[Path]:
    """The rotating backups of a database, oldest first."""
    folder = folder or database.parent / BACKUP_FOLDER
    return sorted(folder.glob(f"{database.stem}-*.sqlite"))


def rotating_backup(
    database: Path | str, *, keep: int = DEFAULT_KEEP, folder: Path | None = None
) -> Path | None:
    """Back up a database into a timestamped file and keep only the newest `keep` backups.

    Args:
        database: the project database (nothing happens when it does not exist yet).
        keep: how many backups to keep (1 or more).
        folder: where backups go (default: `backups/` beside the database).

    Returns:
        The new backup, or None when there was no database.

    Raises:
        StoreError: keep < 1, or the database cannot be read.
    """
    database = Path(database)
    if keep < 1:
        raise StoreError(f"keep must be 1 or more, got {keep}")
    if not database.exists():
        return None
    folder = folder or database.parent / BACKUP_FOLDER
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    made = backup(database, folder / f"{database.stem}-{stamp}.sqlite")
    for old in backups_of(database, folder)[:-keep]:
        old.unlink(missing_ok=True)
    return made


def open_with_backup(database: Path | str, *, keep: int = DEFAULT_KEEP) -> AnnotationStore:
    """Open a project for the coding tool: first a rotating backup (when the project exists).

    Args:
        database: the project database.
        keep: how many rotating backups to keep.

    Raises:
        StoreError: the database cannot be backed up or opened.
    """
    rotating_backup(database, keep=keep)
    return AnnotationStore(database)
