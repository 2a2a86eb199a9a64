"""Undo and redo of one coder's changes on one clip, from the store's history.

The coding page's undo is the store's: it reverts the coder's latest change on the clip that is
not undone yet (an add, edit or delete, a consensus take, or a redo), and redo reverts the
latest of those undos, as long as the coder has made no new change on the clip since. Both are
batches of the history (kinds 'undo' and 'redo'), so the undo stack is whatever the store holds:
it survives a reload of the page, a restart of the server and another browser, and nothing is
ever lost (an undo can itself be redone, a redo undone).

One key press of the coder can make several changes (ending one state of an exclusive tier and
starting the next). The page gives the changes of one key press change keys with one prefix,
`PREFIX-1`, `PREFIX-2`...; undo reverts every change of that group together, in one batch.

    undo_on_clip(store, clip_id, "ana", who="ana")   # -> UndoResult of what was reverted
    redo_on_clip(store, clip_id, "ana", who="ana", change_key=KEY)   # once per key
"""

from __future__ import annotations

import sqlite3

from annotate.coding.history import UndoResult, revert_batch
from annotate.coding.store import AnnotationStore
from annotate.errors import StoreError

PAGE_KINDS = ("add", "edit", "delete", "consensus")
"""The changes the page's undo reverts: the coder's edits, and a consensus view's takes (each
one transaction, annotate.coding.consensus_store: one take is one undo step). Imports, the
coder's own CARE-Index scores and roles are left to `annotate annotations undo`."""

# The batches that changed a row of (clip, coder): two lookups in the store's owner indexes.
_OWNED = """
id IN (
  SELECT batch_id FROM changes
  WHERE json_extract(after, '$.clip_id') = :clip AND json_extract(after, '$.coder') = :coder
  UNION
  SELECT batch_id FROM changes
  WHERE json_extract(before, '$.clip_id') = :clip AND json_extract(before, '$.coder') = :coder)
AND coder = :coder
"""
_KINDS = ", ".join(f"'{k}'" for k in PAGE_KINDS)


def _latest_undoable(store: AnnotationStore, clip_id: int, coder: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = store.conn.execute(
        f"SELECT * FROM batches WHERE {_OWNED} AND undone_by IS NULL "
        f"AND kind IN ({_KINDS}, 'redo') ORDER BY id DESC LIMIT 1",
        {"clip": clip_id, "coder": coder},
    ).fetchone()
    return row


def _group(store: AnnotationStore, target: sqlite3.Row) -> list[sqlite3.Row]:
    """The target's key press: the not-undone changes whose keys share its key's prefix."""
    key = target["change_key"]
    if target["kind"] == "redo" or not key or "-" not in str(key):
        return [target]
    prefix = str(key).rsplit("-", 1)[0]
    rows = store.conn.execute(  # keys PREFIX-N: from "PREFIX-" up to "PREFIX." (after "-")
        f"SELECT * FROM batches WHERE change_key >= ? AND change_key < ? AND coder = ? "
        f"AND undone_by IS NULL AND kind IN ({_KINDS}) ORDER BY id",
        (f"{prefix}-", f"{prefix}.", target["coder"]),
    ).fetchall()
    return [r for r in rows if str(r["change_key"]).rsplit("-", 1)[0] == prefix] or [target]


def _latest_page_undo(store: AnnotationStore, clip_id: int, coder: str) -> sqlite3.Row | None:
    """The latest undo of page changes not redone, with no new change of the coder after it."""
    params = {"clip": clip_id, "coder": coder}
    newest = store.conn.execute(
        f"SELECT MAX(id) FROM batches WHERE {_OWNED} AND kind IN ({_KINDS})", params
    ).fetchone()[0]
    undos = store.conn.execute(
        f"SELECT * FROM batches WHERE {_OWNED} AND kind = 'undo' AND undone_by IS NULL "
        "AND id > :newest ORDER BY id DESC",
        {**params, "newest": newest or 0},
    )
    for row in undos:
        undid = store.conn.execute("SELECT kind FROM batches WHERE undone_by = ?", (row["id"],))
        kinds = {str(k[0]) for k in undid}
        if kinds and kinds <= {*PAGE_KINDS, "redo"}:  # not the command line's undo of an import
            return row
    return None


def _revert(
    store: AnnotationStore,
    targets: list[sqlite3.Row],
    kind: str,
    coder: str,
    who: str,
    change_key: str | None,
) -> UndoResult:
    names = ", ".join(str(t["id"]) for t in targets)
    what = "; ".join(f"{t['kind']} {t['detail']}".strip() for t in targets)
    verb = "undoes" if kind == "undo" else "redoes, undoing"
    detail = f"{verb} batch{'es' if len(targets) > 1 else ''} {names}: {what}"[:500]
    with store.transaction(kind, who, coder, detail, change_key) as batch:
        changes = 0
        for target in sorted(targets, key=lambda t: int(t["id"]), reverse=True):
            changes += revert_batch(store.conn, batch, store.path, target)
            store.conn.execute(
                "UPDATE batches SET undone_by = ? WHERE id = ?", (batch.id, target["id"])
            )
    last = targets[-1]
    return UndoResult(int(last["id"]), str(last["kind"]), str(last["detail"]), changes)


def undo_on_clip(
    store: AnnotationStore, clip_id: int, coder: str, *, who: str, change_key: str | None = None
) -> UndoResult:
    """Revert the coder's latest change (with the rest of its key press) on the clip.

    Raises:
        StoreError: nothing to undo, or a row of it was changed since by a later change.
    """
    target = _latest_undoable(store, clip_id, coder)
    if target is None:
        raise StoreError(f"nothing to undo for {coder} on this clip", store.path)
    group = _group(store, target)
    return _revert(store, group, "undo", coder, who, change_key)


def redo_on_clip(
    store: AnnotationStore, clip_id: int, coder: str, *, who: str, change_key: str | None = None
) -> UndoResult:
    """Revert the coder's latest undo on the clip, unless a new change came after it.

    Raises:
        StoreError: nothing to redo, or a row was changed since.
    """
    target = _latest_page_undo(store, clip_id, coder)
    if target is None:
        raise StoreError(f"nothing to redo for {coder} on this clip", store.path)
    return _revert(store, [target], "redo", coder, who, change_key)
