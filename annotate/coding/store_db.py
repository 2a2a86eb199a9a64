"""The project database underneath the annotation store: schema, connection, and writes that
keep their history.

SQLite in WAL mode with synchronous=FULL (a committed change survives a power cut), foreign keys
on. Every change runs in one transaction (`transaction`), a *batch*: one add, one edit, one whole
import, one undo. Each row a batch inserts, updates or deletes is recorded in `changes` with its
before and after state, so the history is a full audit and a batch can be undone. One process
writes (the tool server, or one CLI command at a time).

A batch may carry a change key, made by whoever asked for the change (the coding page makes one
per change): the key is unique in the store, so a change sent again after a crash is found as
already stored instead of being stored twice (`batch_of_change`).

Schema versions: 1 (the first), 2 (batches.change_key; indexes on the clip and coder of each
change, so finding a clip's latest change reads an index instead of the whole history), 3
(clip_done: a coder's mark that a clip is coded, with history; annotate.coding.clip_status). A
store of an older version is migrated in place when opened, one step at a time, each in one
transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotate.errors import StoreError

SCHEMA_VERSION = "3"
HISTORY_TABLES = ("annotations", "care_scores", "clip_roles", "clip_done")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS schemes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL, version TEXT NOT NULL, digest TEXT NOT NULL,
    body TEXT NOT NULL, source TEXT NOT NULL, created TEXT NOT NULL,
    UNIQUE (name, version));
CREATE TABLE IF NOT EXISTS clips (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT UNIQUE, media TEXT NOT NULL DEFAULT '', path TEXT NOT NULL DEFAULT '',
    duration_s REAL, fps REAL, created TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS clips_unattached ON clips (media) WHERE sha256 IS NULL;
CREATE TABLE IF NOT EXISTS batches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL, who TEXT NOT NULL, kind TEXT NOT NULL, coder TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '', undone_by INTEGER REFERENCES batches (id));
CREATE TABLE IF NOT EXISTS imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id INTEGER NOT NULL REFERENCES batches (id), path TEXT NOT NULL, format TEXT NOT NULL,
    sha256 TEXT NOT NULL, coder TEXT NOT NULL, clip_keys TEXT NOT NULL,
    scheme_id INTEGER REFERENCES schemes (id), mapping TEXT NOT NULL DEFAULT '{}');
CREATE TABLE IF NOT EXISTS annotations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    clip_id INTEGER NOT NULL REFERENCES clips (id),
    scheme_id INTEGER NOT NULL REFERENCES schemes (id),
    coder TEXT NOT NULL, tier TEXT NOT NULL, code TEXT NOT NULL,
    start_s REAL NOT NULL, end_s REAL NOT NULL CHECK (end_s >= start_s),
    value TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '', attrs TEXT NOT NULL DEFAULT '',
    import_id INTEGER REFERENCES imports (id),
    created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS annotations_by_clip ON annotations (clip_id, coder, tier, start_s);
CREATE TABLE IF NOT EXISTS care_scores (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    clip_id INTEGER NOT NULL REFERENCES clips (id), coder TEXT NOT NULL, aspect TEXT NOT NULL,
    points TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL, updated TEXT NOT NULL,
    UNIQUE (clip_id, coder, aspect));
CREATE TABLE IF NOT EXISTS clip_roles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    clip_id INTEGER NOT NULL UNIQUE REFERENCES clips (id), coder TEXT NOT NULL,
    swapped INTEGER NOT NULL CHECK (swapped IN (0, 1)),
    created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    batch_id INTEGER NOT NULL REFERENCES batches (id),
    tbl TEXT NOT NULL, row_id INTEGER NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
    before TEXT, after TEXT);
CREATE INDEX IF NOT EXISTS changes_by_row ON changes (tbl, row_id);
"""
# Version 1 -> 2. The owner indexes hold the clip and coder of each changed row before and after
# the change (the expressions the revision query names, annotate.app.coding).
_TO_VERSION_2 = (
    "ALTER TABLE batches ADD COLUMN change_key TEXT",
    "CREATE UNIQUE INDEX batches_by_change_key ON batches (change_key) "
    "WHERE change_key IS NOT NULL",
    "CREATE INDEX changes_by_owner_after ON changes "
    "(json_extract(after, '$.clip_id'), json_extract(after, '$.coder'), batch_id)",
    "CREATE INDEX changes_by_owner_before ON changes "
    "(json_extract(before, '$.clip_id'), json_extract(before, '$.coder'), batch_id)",
)
# Version 2 -> 3: a coder's "done" mark per clip (one row per clip and coder, kept with history).
_TO_VERSION_3 = (
    "CREATE TABLE clip_done ("
    "id INTEGER PRIMARY KEY AUTOINCREMENT, clip_id INTEGER NOT NULL REFERENCES clips (id), "
    "coder TEXT NOT NULL, done INTEGER NOT NULL CHECK (done IN (0, 1)), "
    "created TEXT NOT NULL, updated TEXT NOT NULL, UNIQUE (clip_id, coder))",
)
_MIGRATIONS = {"1": ("2", _TO_VERSION_2), "2": ("3", _TO_VERSION_3)}


def utc_now() -> str:
    """The current UTC time as ISO 8601 with milliseconds."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


def connect(
    path: Path, *, create: bool = True, check_same_thread: bool = True
) -> sqlite3.Connection:
    """Open (and if needed create) a project database.

    Raises:
        StoreError: the file is missing (create=False), not a database, or from a newer version.
    """
    if not path.exists() and not create:
        raise StoreError(
            "no project database here (give --db, or import or add annotations first)", path
        )
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=check_same_thread)
        conn.row_factory = sqlite3.Row
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        conn.executescript(_SCHEMA)
        conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', '1')")
        version = _migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"not an annotate project database ({exc})", path) from None
    if mode.lower() != "wal":
        conn.close()
        raise StoreError(f"cannot switch the database to WAL mode (got {mode})", path)
    if version != SCHEMA_VERSION:
        conn.close()
        raise StoreError(
            f"database schema version {version}; this annotate reads version {SCHEMA_VERSION}", path
        )
    return conn


def _version(conn: sqlite3.Connection) -> str:
    return str(conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])


def _migrate(conn: sqlite3.Connection) -> str:
    """Bring a store of an older schema version up to this one (each step in one transaction);
    returns the version the store has now."""
    while _version(conn) in _MIGRATIONS:
        conn.execute("BEGIN IMMEDIATE")
        try:
            start = _version(conn)  # another process may have migrated meanwhile
            if start in _MIGRATIONS:
                target, statements = _MIGRATIONS[start]
                for statement in statements:
                    conn.execute(statement)
                conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (target,))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return _version(conn)


def batch_of_change(conn: sqlite3.Connection, change_key: str) -> sqlite3.Row | None:
    """The batch that stored the change with this key (id, kind, who, coder, detail), or None."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM batches WHERE change_key = ?", (change_key,)
    ).fetchone()
    return row


def snapshot(conn: sqlite3.Connection, table: str, row_id: int) -> dict[str, Any] | None:
    """A row as a dict of its columns, or None when it does not exist."""
    row = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone()
    return dict(row) if row is not None else None


@dataclass
class Batch:
    """One transaction in progress; its writes to history tables are recorded as changes."""

    conn: sqlite3.Connection
    id: int
    at: str

    def _record(
        self,
        table: str,
        row_id: int,
        action: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
    ) -> None:
        self.conn.execute(
            "INSERT INTO changes (batch_id, tbl, row_id, action, before, after) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                self.id,
                table,
                row_id,
                action,
                None if before is None else json.dumps(before, ensure_ascii=False),
                None if after is None else json.dumps(after, ensure_ascii=False),
            ),
        )

    def insert(self, table: str, values: dict[str, Any]) -> int:
        """Insert a row (with `id` in values to restore a deleted one); returns its id."""
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(values.values())
        )
        row_id = int(values.get("id") or cursor.lastrowid or 0)
        if table in HISTORY_TABLES:
            self._record(table, row_id, "insert", None, snapshot(self.conn, table, row_id))
        return row_id

    def update(self, table: str, row_id: int, values: dict[str, Any]) -> None:
        """Change some columns of a row."""
        before = snapshot(self.conn, table, row_id)
        assignments = ", ".join(f"{c} = ?" for c in values)
        self.conn.execute(
            f"UPDATE {table} SET {assignments} WHERE id = ?", (*values.values(), row_id)
        )
        if table in HISTORY_TABLES:
            self._record(table, row_id, "update", before, snapshot(self.conn, table, row_id))

    def delete(self, table: str, row_id: int) -> None:
        """Delete a row."""
        before = snapshot(self.conn, table, row_id)
        self.conn.execute(f"DELETE FROM {table} WHERE id = ?", (row_id,))
        if table in HISTORY_TABLES:
            self._record(table, row_id, "delete", before, None)


@contextmanager
def transaction(
    conn: sqlite3.Connection,
    path: Path,
    kind: str,
    who: str,
    coder: str = "",
    detail: str = "",
    change_key: str | None = None,
) -> Iterator[Batch]:
    """Run one change as one transaction: all of it is stored, or (on any error) none of it.
    `change_key` (unique in the store) is stored with the batch.

    Raises:
        StoreError: the database refuses the change (the message says why; a change key that is
            stored already is refused too).
    """
    at = utc_now()
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise StoreError(f"the database is busy or read-only ({exc})", path) from None
    try:
        cursor = conn.execute(
            "INSERT INTO batches (at, who, kind, coder, detail, change_key) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (at, who, kind, coder, detail, change_key),
        )
        yield Batch(conn, int(cursor.lastrowid or 0), at)
        conn.execute("COMMIT")
    except sqlite3.Error as exc:
        conn.execute("ROLLBACK")
        raise StoreError(f"the database refused the change ({exc})", path) from None
    except BaseException:
        conn.execute("ROLLBACK")
        raise
