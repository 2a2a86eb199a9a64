"""Undo and redo of one coder's changes on one clip, from the store's history.

The coding page's undo is the store's: it reverts the coder's latest change on the clip that is
not undone yet (an add, edit or delete, or a redo), and redo reverts the latest of those undos,
as long as the coder has made no new change on the clip since. Both are batches of the history
(kinds 'undo' and 'redo'), so the undo stack is whatever the store holds: it survives a reload of
the page, a restart of the server and another browser, and nothing is ever lost (an undo can
itself be redone, a redo undone).

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

PAGE_KINDS = ("add", "edit", "delete")
"""The changes the page's undo reverts (imports, CARE-Index scores and roles are left to
`annotate annotations undo`)."""

_CLIP_BATCHES = """
SELECT * FROM batches WHERE coder = :coder AND id IN (
  SELECT batch_id FROM changes
  WHERE json_extract(after, '$.clip_id') = :clip AND json_extract(after, '$.coder') = :coder
  UNION
  SELECT batch_id FROM changes
  WHERE json_extract(before, '$.clip_id') = :clip AND json_extract(before, '$.coder') = :coder)
ORDER BY id
"""


def _batches(store: AnnotationStore, clip_id: int, coder: str) -> list[sqlite3.Row]:
    return list(store.conn.execute(_CLIP_BATCHES, {"clip": clip_id, "coder": coder}).fetchall())


def _prefix(row: sqlite3.Row) -> str | None:
    key = row["change_key"]
    return str(key).rsplit("-", 1)[0] if key and "-" in str(key) else None


def _undoable(row: sqlite3.Row) -> bool:
    return row["undone_by"] is None and row["kind"] in (*PAGE_KINDS, "redo")


def _page_undos(store: AnnotationStore, batches: list[sqlite3.Row]) -> list[sqlite3.Row]:
    """The undo batches that reverted page changes (not the command line's undo of an import)."""
    found = []
    for row in batches:
        if row["kind"] != "undo":
            continue
        kinds = {
            str(k[0])
            for k in store.conn.execute(
                "SELECT kind FROM batches WHERE undone_by = ?", (row["id"],)
            )
        }
        if kinds and kinds <= {*PAGE_KINDS, "redo"}:
            found.append(row)
    return found


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
    verb = "undoes" if kind == "undo" else "redoes (undoes)"
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
    batches = _batches(store, clip_id, coder)
    candidates = [b for b in batches if _undoable(b)]
    if not candidates:
        raise StoreError(f"nothing to undo for {coder} on this clip", store.path)
    target = candidates[-1]
    prefix = _prefix(target)
    group = [b for b in candidates if prefix is not None and _prefix(b) == prefix] or [target]
    return _revert(store, group, "undo", coder, who, change_key)


def redo_on_clip(
    store: AnnotationStore, clip_id: int, coder: str, *, who: str, change_key: str | None = None
) -> UndoResult:
    """Revert the coder's latest undo on the clip, unless a new change came after it.

    Raises:
        StoreError: nothing to redo, or a row was changed since.
    """
    batches = _batches(store, clip_id, coder)
    newest_change = max((int(b["id"]) for b in batches if b["kind"] in PAGE_KINDS), default=0)
    undos = [
        u
        for u in _page_undos(store, batches)
        if u["undone_by"] is None and int(u["id"]) > newest_change
    ]
    if not undos:
        raise StoreError(f"nothing to redo for {coder} on this clip", store.path)
    return _revert(store, [undos[-1]], "redo", coder, who, change_key)
