"""The audit listing of a project's changes, and undo.

Every batch (one add, edit, delete, import, attach, CARE-Index entry or undo) lists its changed
rows with their state before and after. Undo takes the latest batch not yet undone (optionally:
the latest of one coder), checks that none of its rows was changed since, and writes the before
states back as a new batch of kind 'undo' (itself in the history, so nothing is ever lost).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotate.coding.store_db import Batch, snapshot
from annotate.errors import StoreError


@dataclass(frozen=True)
class HistoryEntry:
    """One changed row of one batch.

    Attributes:
        batch_id: the batch (one transaction).
        at: when (UTC, ISO 8601).
        who: who made the change.
        kind: add, edit, delete, import, attach, care or undo.
        detail: what the batch was about (e.g. the imported file).
        table: 'annotations' or 'care_scores'.
        row_id: the row's id.
        action: insert, update or delete.
        before: the row before (None for an insert).
        after: the row after (None for a delete).
        undone_by: the undo batch that reverted this batch, or None.
    """

    batch_id: int
    at: str
    who: str
    kind: str
    detail: str
    table: str
    row_id: int
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    undone_by: int | None

    def summary(self) -> str:
        """The change in one line, e.g. 'update annotation 12: end_s 3.5 -> 4.0'."""
        name = "annotation" if self.table == "annotations" else "CARE-Index score"
        state = self.after or self.before or {}
        if self.action == "update" and self.before and self.after:
            diffs = [
                f"{k} {self.before[k]!r} -> {self.after[k]!r}"
                for k in self.after
                if k != "updated" and self.before.get(k) != self.after[k]
            ]
            return f"update {name} {self.row_id}: {'; '.join(diffs) or 'no change'}"
        if self.table == "annotations":
            times = f"{state.get('start_s')}-{state.get('end_s')} s"
            what = f"{state.get('tier')}/{state.get('code')} {times}"
        else:
            what = f"{state.get('aspect')}"
        return f"{self.action} {name} {self.row_id}: {what}"


@dataclass(frozen=True)
class UndoResult:
    """What an undo reverted."""

    batch_id: int
    kind: str
    detail: str
    changes: int


def _load(text: str | None) -> dict[str, Any] | None:
    return None if text is None else dict(json.loads(text))


def entries(
    conn: sqlite3.Connection,
    *,
    clip_sha256: str | None = None,
    coder: str | None = None,
    limit: int | None = None,
) -> list[HistoryEntry]:
    """Changed rows, newest first, optionally of one clip and/or one coder."""
    clauses, params = [], []
    if clip_sha256 is not None:
        clauses.append(
            "COALESCE(json_extract(c.after, '$.clip_id'), json_extract(c.before, '$.clip_id')) "
            "IN (SELECT id FROM clips WHERE sha256 = ?)"
        )
        params.append(clip_sha256)
    if coder is not None:
        clauses.append(
            "COALESCE(json_extract(c.after, '$.coder'), json_extract(c.before, '$.coder')) = ?"
        )
        params.append(coder)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    tail = f"LIMIT {int(limit)}" if limit else ""
    rows = conn.execute(
        "SELECT c.*, b.at, b.who, b.kind, b.detail, b.undone_by FROM changes c "
        f"JOIN batches b ON b.id = c.batch_id {where} ORDER BY c.id DESC {tail}",
        params,
    ).fetchall()
    return [
        HistoryEntry(
            r["batch_id"],
            r["at"],
            r["who"],
            r["kind"],
            r["detail"],
            r["tbl"],
            r["row_id"],
            r["action"],
            _load(r["before"]),
            _load(r["after"]),
            r["undone_by"],
        )
        for r in rows
    ]


def undo_latest(
    conn: sqlite3.Connection, batch: Batch, path: Path, coder: str | None
) -> UndoResult:
    """Revert the latest batch not undone yet (of `coder`, if given), inside `batch`.

    Raises:
        StoreError: nothing to undo, or a row of that batch was changed by a later one.
    """
    query = "SELECT * FROM batches WHERE undone_by IS NULL AND kind != 'undo' AND id != ?"
    params: list[Any] = [batch.id]
    if coder:
        query += " AND coder = ?"
        params.append(coder)
    target = conn.execute(query + " ORDER BY id DESC LIMIT 1", params).fetchone()
    if target is None:
        raise StoreError(f"nothing to undo{f' for coder {coder}' if coder else ''}", path)
    changes = revert_batch(conn, batch, path, target)
    detail = f"undoes batch {target['id']}: {target['kind']} {target['detail']}".strip()
    conn.execute("UPDATE batches SET undone_by = ? WHERE id = ?", (batch.id, target["id"]))
    conn.execute(
        "UPDATE batches SET detail = ?, coder = ? WHERE id = ?", (detail, target["coder"], batch.id)
    )
    return UndoResult(target["id"], target["kind"], target["detail"], changes)


def revert_batch(conn: sqlite3.Connection, batch: Batch, path: Path, target: sqlite3.Row) -> int:
    """Write the before states of `target`'s rows back, inside `batch` (newest change first);
    returns how many rows were reverted. Marking `target` undone is the caller's.

    Raises:
        StoreError: a row of `target` was changed by a later batch.
    """
    changes = conn.execute(
        "SELECT * FROM changes WHERE batch_id = ? ORDER BY id DESC", (target["id"],)
    ).fetchall()
    for change in changes:
        table, row_id = change["tbl"], change["row_id"]
        if snapshot(conn, table, row_id) != _load(change["after"]):
            later = conn.execute(
                "SELECT MAX(batch_id) FROM changes WHERE tbl = ? AND row_id = ? AND batch_id > ?",
                (table, row_id, target["id"]),
            ).fetchone()[0]
            raise StoreError(
                f"cannot undo batch {target['id']} ({target['kind']} by {target['who']} at "
                f"{target['at']}): "
                f"{table} row {row_id} was changed since by batch {later}; undo that first",
                path,
            )
        before = _load(change["before"])
        if change["action"] == "insert":
            batch.delete(table, row_id)
        elif change["action"] == "update" and before is not None:
            batch.update(table, row_id, {k: v for k, v in before.items() if k != "id"})
        elif before is not None:
            batch.insert(table, before)
    return len(changes)
