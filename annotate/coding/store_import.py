"""Importing a whole file into the store, and attaching media references to clips.

An import is one transaction: every annotation is checked first (against its scheme and, when
the clip is known, its duration), then the scheme, the clips, an `imports` row (source file, its
sha256, the time mapping) and the annotations are stored together, or nothing is. Importing the
same file again for the same coder and clip is refused unless `replace` is given, which deletes
the earlier import's annotations in the same transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation, CodingData
from annotate.coding.schemes import Scheme
from annotate.coding.store_db import Batch
from annotate.coding.store_rows import ClipRow, StoredAnnotation
from annotate.coding.validation import check_annotation, check_together
from annotate.errors import StoreError


class ImportTarget(Protocol):
    """What an import needs of the store (annotate.coding.store.AnnotationStore has it all);
    named by shape so that the store and its import half do not import each other."""

    conn: sqlite3.Connection
    path: Path

    def transaction(
        self, kind: str, who: str, coder: str = "", detail: str = "", change_key: str | None = None
    ) -> AbstractContextManager[Batch]: ...

    def clip_id(self, batch: Batch, clip: ClipRef | None, media: str = "") -> int: ...

    def clips(self) -> list[ClipRow]: ...

    def scheme_id(self, batch: Batch, scheme: Scheme) -> int: ...

    def scheme(self, ref: str) -> Scheme: ...

    def annotations(
        self,
        *,
        clip_sha256: str | None = None,
        media: str | None = None,
        coder: str | None = None,
        tier: str | None = None,
    ) -> list[StoredAnnotation]: ...

    def neighbours(
        self, clip_id: int, coders: Sequence[str], but: int = -1
    ) -> list[Annotation]: ...

    def row_values(
        self, a: Annotation, clip_id: int, scheme_id: int, at: str, import_id: int | None = None
    ) -> dict[str, Any]: ...


@dataclass(frozen=True)
class ImportResult:
    """What an import stored."""

    batch_id: int
    count: int
    scheme: str
    clips: tuple[str, ...]
    replaced: int = 0


def _clip_key(a: Annotation) -> str:
    return a.clip_sha256 or f"media:{a.media}"


def _previous_import(
    store: ImportTarget, sha256: str, coder: str, clip_keys: str
) -> sqlite3.Row | None:
    return store.conn.execute(
        "SELECT i.id, b.id AS batch_id, b.at FROM imports i "
        "JOIN batches b ON b.id = i.batch_id "
        "WHERE i.sha256 = ? AND i.coder = ? AND i.clip_keys = ? AND b.undone_by IS NULL "
        "ORDER BY i.id DESC",
        (sha256, coder, clip_keys),
    ).fetchone()


def import_data(
    store: ImportTarget,
    data: CodingData,
    *,
    clip: ClipRef | None,
    coder: str,
    who: str,
    source: Path,
    source_format: str,
    source_sha256: str,
    mapping: dict[str, Any],
    replace: bool = False,
) -> ImportResult:
    """Store a whole file's annotations in one transaction: all of them, or none.

    Args:
        data: the annotations, already on the clip's (or their media's) time base.
        clip: the clip they belong to; None keeps them under their media references.
        coder: the coder (set on every annotation).
        who: who runs the import.
        source: the file imported; source_format its format; source_sha256 its hash.
        mapping: how times were mapped from the file's time base (recorded with the import).
        replace: replace an earlier import of the same file for the same coder and clip.

    Raises:
        StoreError: an annotation fails the checks (naming it and its place in the file), or
            the file was imported before and replace is False.
    """
    scheme = data.scheme
    annotations = [
        a.replace(
            coder=coder,
            scheme=scheme.id,
            clip_sha256=clip.sha256 if clip else "",
            media=clip.name if clip else a.media,
        )
        for a in data.annotations
    ]
    for a in annotations:
        try:
            check_annotation(
                a, scheme, clip.duration_s if clip else None, clip.fps if clip else None
            )
        except StoreError as exc:
            raise StoreError(exc.message, source) from None
    keys = sorted({_clip_key(a) for a in annotations} or {clip.sha256 if clip else ""})
    detail = f"{source.name} ({len(annotations)} annotations)"
    with store.transaction("import", who, coder, detail) as batch:
        previous = _previous_import(store, source_sha256, coder, ",".join(keys))
        replaced = _replace(store, batch, previous, source, replace)
        scheme_id = store.scheme_id(batch, scheme)
        clip_ids = {key: store.clip_id(batch, clip, key.removeprefix("media:")) for key in keys}
        import_id = batch.insert(
            "imports",
            {
                "batch_id": batch.id,
                "path": str(source),
                "format": source_format,
                "sha256": source_sha256,
                "coder": coder,
                "clip_keys": ",".join(keys),
                "scheme_id": scheme_id,
                "mapping": json.dumps(mapping, ensure_ascii=False),
            },
        )
        for key, clip_id in clip_ids.items():
            mine = [a for a in annotations if _clip_key(a) == key]
            try:
                check_together([*store.neighbours(clip_id, [coder]), *mine], scheme)
            except StoreError as exc:
                raise StoreError(exc.message, source) from None
            for a in mine:
                batch.insert(
                    "annotations", store.row_values(a, clip_id, scheme_id, batch.at, import_id)
                )
    return ImportResult(batch.id, len(annotations), scheme.id, tuple(keys), replaced)


def _replace(
    store: ImportTarget, batch: Batch, previous: sqlite3.Row | None, source: Path, replace: bool
) -> int:
    if previous is None:
        return 0
    if not replace:
        raise StoreError(
            f"was imported already for this coder and clip (batch {previous['batch_id']} at "
            f"{previous['at']}); pass --replace to replace that import",
            source,
        )
    rows = store.conn.execute(
        "SELECT id FROM annotations WHERE import_id = ?", (previous["id"],)
    ).fetchall()
    for row in rows:
        batch.delete("annotations", int(row["id"]))
    return len(rows)


def attach(store: ImportTarget, media: str, clip: ClipRef, *, who: str) -> int:
    """Attach the annotations kept under a media reference to a clip, checking them against it.

    Returns:
        How many annotations moved.

    Raises:
        StoreError: no such media reference, or an annotation does not fit the clip.
    """
    row = store.conn.execute(
        "SELECT id FROM clips WHERE sha256 IS NULL AND media = ?", (media,)
    ).fetchone()
    if row is None:
        known = ", ".join(c.media for c in store.clips() if c.sha256 is None) or "none"
        raise StoreError(f"no unattached media '{media}' (unattached: {known})", store.path)
    moving = store.annotations(media=media)
    moving = [s for s in moving if not s.annotation.clip_sha256]
    for s in moving:
        check_annotation(s.annotation, store.scheme(s.annotation.scheme), clip.duration_s, clip.fps)
    with store.transaction("attach", who, detail=f"{media} -> {clip.name}") as batch:
        clip_id = store.clip_id(batch, clip)
        coders = sorted({s.annotation.coder for s in moving})
        moved = [s.annotation.replace(clip_sha256=clip.sha256, media=clip.name) for s in moving]
        for scheme_ref in {a.scheme for a in moved}:
            check_together([*store.neighbours(clip_id, coders), *moved], store.scheme(scheme_ref))
        for s in moving:
            batch.update("annotations", s.id, {"clip_id": clip_id, "updated": batch.at})
    return len(moving)


# history ------------------------------------------------------------------------------------
