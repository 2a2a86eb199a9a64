"""The annotation store: one SQLite file per project, the Python API the coding tool uses.

    with AnnotationStore(db_path) as store:
        stored = store.add(annotation, scheme, clip=ClipRef.from_video(video), who="ana")
        store.update(stored.id, who="ana", end_s=12.5)
        store.undo(who="ana")

Annotations are keyed by the clip's sha256 (a renamed or moved video keeps them), by coder and
by scheme version ('name@version'; a scheme whose content changed needs a new version). Media that
are not at hand (an ELAN file pointing at a recording elsewhere) are kept under their media
reference and attached to a clip later (`attach`), when the checks against the clip's duration
run. Every change is one transaction with its history (annotate.coding.store_db); nothing is
stored that fails the checks of annotate.coding.validation.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from annotate.coding.clips import ClipRef
from annotate.coding.history import HistoryEntry, UndoResult, entries, undo_latest
from annotate.coding.records import (
    OPEN_ATTR,
    Annotation,
    CodingData,
    attrs_from_json,
    attrs_to_json,
)
from annotate.coding.schemes import Scheme
from annotate.coding.store_db import Batch, batch_of_change, connect, transaction
from annotate.coding.store_import import ImportResult, attach, import_data
from annotate.coding.store_rows import ClipRow, StoredAnnotation, StoredChange
from annotate.coding.validation import check_annotation, check_together
from annotate.errors import StoreError

_EDITABLE = ("coder", "tier", "code", "start_s", "end_s", "value", "note")
_STAMP_ATTRS = ("created", "updated")
_SELECT = """
SELECT a.*, c.sha256 AS clip_sha256, c.media AS clip_media,
       s.name || '@' || s.version AS scheme_ref
FROM annotations a JOIN clips c ON c.id = a.clip_id JOIN schemes s ON s.id = a.scheme_id
"""


def _row_of(text: str | None) -> dict[str, Any] | None:
    return None if text is None else dict(json.loads(text))


def _stored(row: sqlite3.Row) -> StoredAnnotation:
    annotation = Annotation(
        clip_sha256=row["clip_sha256"] or "",
        coder=row["coder"],
        tier=row["tier"],
        code=row["code"],
        start_s=row["start_s"],
        end_s=row["end_s"],
        value=row["value"],
        note=row["note"],
        scheme=row["scheme_ref"],
        media=row["clip_media"],
        attrs=attrs_from_json(row["attrs"]),
    )
    return StoredAnnotation(row["id"], annotation, row["created"], row["updated"], row["import_id"])


class AnnotationStore:
    """A project's annotations, CARE-Index sheets and their history, in one SQLite file."""

    def __init__(
        self, path: Path | str, *, create: bool = True, check_same_thread: bool = True
    ) -> None:
        """Open the project database at `path` (created when missing, unless create=False).

        Raises:
            StoreError: the file cannot be opened as a project database.
        """
        self.path = Path(path)
        self.conn = connect(self.path, create=create, check_same_thread=check_same_thread)

    def close(self) -> None:
        """Close the database (a WAL checkpoint folds the log into the file)."""
        self.conn.close()

    def __enter__(self) -> AnnotationStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(
        self, kind: str, who: str, coder: str = "", detail: str = "", change_key: str | None = None
    ) -> AbstractContextManager[Batch]:
        """One change as one transaction with history (see annotate.coding.store_db)."""
        return transaction(self.conn, self.path, kind, who, coder, detail, change_key)

    def change(self, change_key: str) -> StoredChange | None:
        """The change stored under this change key, or None when no change has it."""
        batch = batch_of_change(self.conn, change_key)
        if batch is None:
            return None
        rows = self.conn.execute(
            "SELECT tbl, row_id, action, after FROM changes WHERE batch_id = ? ORDER BY id",
            (batch["id"],),
        ).fetchall()
        touched = tuple(
            (str(r["tbl"]), int(r["row_id"]), str(r["action"]), _row_of(r["after"])) for r in rows
        )
        return StoredChange(int(batch["id"]), str(batch["kind"]), str(batch["coder"]), touched)

    # clips --------------------------------------------------------------------------------------

    def clip_id(self, batch: Batch, clip: ClipRef | None, media: str = "") -> int:
        """The row id of a clip (registered or refreshed) or of an unattached media reference."""
        if clip is None:
            row = self.conn.execute(
                "SELECT id FROM clips WHERE sha256 IS NULL AND media = ?", (media,)
            ).fetchone()
            if row is not None:
                return int(row["id"])
            return batch.insert("clips", {"media": media, "created": batch.at})
        values = {
            "media": clip.name,
            "path": clip.path,
            "duration_s": clip.duration_s,
            "fps": clip.fps,
        }
        row = self.conn.execute("SELECT id FROM clips WHERE sha256 = ?", (clip.sha256,)).fetchone()
        if row is not None:
            batch.update("clips", int(row["id"]), values)
            return int(row["id"])
        return batch.insert("clips", {"sha256": clip.sha256, **values, "created": batch.at})

    def clips(self) -> list[ClipRow]:
        """Every clip and unattached media reference, attached clips first."""
        rows = self.conn.execute("SELECT * FROM clips ORDER BY sha256 IS NULL, media").fetchall()
        return [
            ClipRow(r["id"], r["sha256"], r["media"], r["path"], r["duration_s"], r["fps"])
            for r in rows
        ]

    def counts(self) -> dict[int, int]:
        """How many annotations each clip row holds (by row id)."""
        rows = self.conn.execute("SELECT clip_id, COUNT(*) FROM annotations GROUP BY clip_id")
        return {int(r[0]): int(r[1]) for r in rows}

    def clip(self, sha256: str) -> ClipRow | None:
        """The clip with this sha256, or None."""
        return next((c for c in self.clips() if c.sha256 == sha256), None)

    # schemes ------------------------------------------------------------------------------------

    def scheme_id(self, batch: Batch, scheme: Scheme) -> int:
        """The row id of a scheme, registering it on first use.

        Raises:
            StoreError: a scheme with this name and version is stored with other content.
        """
        row = self.conn.execute(
            "SELECT id, digest FROM schemes WHERE name = ? AND version = ?",
            (scheme.name, scheme.version),
        ).fetchone()
        if row is None:
            return batch.insert(
                "schemes",
                {
                    "name": scheme.name,
                    "version": scheme.version,
                    "digest": scheme.digest(),
                    "body": scheme.to_json(),
                    "source": scheme.source,
                    "created": batch.at,
                },
            )
        if row["digest"] != scheme.digest():
            raise StoreError(
                f"scheme {scheme.id} is stored with other content; a changed scheme needs a new "
                f"version ({scheme.source})",
                self.path,
            )
        return int(row["id"])

    def scheme(self, ref: str) -> Scheme:
        """A stored scheme by 'name@version'.

        Raises:
            StoreError: no such scheme.
        """
        name, _, version = ref.rpartition("@")
        row = self.conn.execute(
            "SELECT body FROM schemes WHERE name = ? AND version = ?", (name, version)
        ).fetchone()
        if row is None:
            raise StoreError(f"no scheme {ref} in this project", self.path)
        return Scheme.from_json(row["body"])

    # annotations --------------------------------------------------------------------------------

    def annotations(
        self,
        *,
        clip_sha256: str | None = None,
        media: str | None = None,
        coder: str | None = None,
        tier: str | None = None,
    ) -> list[StoredAnnotation]:
        """Stored annotations, filtered, ordered by clip, coder, tier and start."""
        clauses, params = [], []
        for column, value in (
            ("c.sha256", clip_sha256),
            ("c.media", media),
            ("a.coder", coder),
            ("a.tier", tier),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self.conn.execute(
            f"{_SELECT} {where} ORDER BY a.clip_id, a.coder, a.tier, a.start_s, a.id", params
        ).fetchall()
        return [_stored(r) for r in rows]

    def get(self, annotation_id: int) -> StoredAnnotation:
        """One stored annotation.

        Raises:
            StoreError: no annotation with this id.
        """
        row = self.conn.execute(f"{_SELECT} WHERE a.id = ?", (annotation_id,)).fetchone()
        if row is None:
            raise StoreError(f"no annotation with id {annotation_id}", self.path)
        return _stored(row)

    def neighbours(self, clip_id: int, coders: Sequence[str], but: int = -1) -> list[Annotation]:
        """The annotations of these coders on a clip (except the one with id `but`)."""
        marks = ", ".join("?" for _ in coders)
        query = f"{_SELECT} WHERE a.clip_id = ? AND a.id != ? AND a.coder IN ({marks})"
        rows = self.conn.execute(query, (clip_id, but, *coders)).fetchall()
        return [_stored(r).annotation for r in rows]

    def _clip_limits(self, clip_id: int) -> tuple[float | None, float | None]:
        row = self.conn.execute(
            "SELECT duration_s, fps FROM clips WHERE id = ?", (clip_id,)
        ).fetchone()
        return row["duration_s"], row["fps"]

    def row_values(
        self, a: Annotation, clip_id: int, scheme_id: int, at: str, import_id: int | None = None
    ) -> dict[str, Any]:
        """The `annotations` row of an annotation (created = updated = `at`, UTC)."""
        attrs = tuple((k, v) for k, v in a.attrs if k not in _STAMP_ATTRS)
        return {
            "clip_id": clip_id,
            "scheme_id": scheme_id,
            "coder": a.coder,
            "tier": a.tier,
            "code": a.code,
            "start_s": a.start_s,
            "end_s": a.end_s,
            "value": a.value,
            "note": a.note,
            "attrs": attrs_to_json(attrs),
            "import_id": import_id,
            "created": at,
            "updated": at,
        }

    def add(
        self,
        annotation: Annotation,
        scheme: Scheme,
        *,
        clip: ClipRef,
        who: str = "",
        change_key: str | None = None,
    ) -> StoredAnnotation:
        """Check and store one new annotation on `clip` (`change_key`: see `transaction`).

        Raises:
            StoreError: the annotation does not fit its scheme or clip, or overlaps a state on an
                exclusive tier; nothing is stored.
        """
        a = annotation.replace(clip_sha256=clip.sha256, media=clip.name, scheme=scheme.id)
        check_annotation(a, scheme, clip.duration_s, clip.fps)
        detail = f"{a.tier}/{a.code}"
        with self.transaction("add", who or a.coder, a.coder, detail, change_key) as batch:
            clip_id = self.clip_id(batch, clip)
            scheme_id = self.scheme_id(batch, scheme)
            check_together([*self.neighbours(clip_id, [a.coder]), a], scheme)
            row_id = batch.insert("annotations", self.row_values(a, clip_id, scheme_id, batch.at))
        return self.get(row_id)

    def update(
        self, annotation_id: int, *, who: str, change_key: str | None = None, **changes: Any
    ) -> StoredAnnotation:
        """Change fields of a stored annotation (coder, tier, code, start_s, end_s, value, note;
        `open=True/False` marks a state as not ended yet, or ended: records.OPEN_ATTR).

        Raises:
            StoreError: unknown id or field, or the changed annotation fails the checks.
        """
        opened = changes.pop("open", None)
        unknown = sorted(set(changes) - set(_EDITABLE))
        if unknown:
            raise StoreError(
                f"cannot change {', '.join(unknown)} (editable: {', '.join(_EDITABLE)}, open)",
                self.path,
            )
        current = self.get(annotation_id)
        changed = current.annotation.replace(**changes)
        if opened is not None:
            changed = changed.with_attrs(**{OPEN_ATTR: "1" if opened else None})
        scheme = self.scheme(changed.scheme)
        row = self.conn.execute(
            "SELECT clip_id FROM annotations WHERE id = ?", (annotation_id,)
        ).fetchone()
        duration, fps = self._clip_limits(row["clip_id"])
        check_annotation(changed, scheme, duration, fps)
        detail = f"annotation {annotation_id}"
        with self.transaction("edit", who, changed.coder, detail, change_key) as batch:
            others = self.neighbours(row["clip_id"], [changed.coder], but=annotation_id)
            check_together([*others, changed], scheme)
            batch.update(
                "annotations",
                annotation_id,
                {
                    **{k: getattr(changed, k) for k in _EDITABLE},
                    "attrs": attrs_to_json(
                        tuple((k, v) for k, v in changed.attrs if k not in _STAMP_ATTRS)
                    ),
                    "updated": batch.at,
                },
            )
        return self.get(annotation_id)

    def delete(self, annotation_id: int, *, who: str, change_key: str | None = None) -> None:
        """Delete a stored annotation (kept in the history; undo brings it back).

        Raises:
            StoreError: no annotation with this id.
        """
        current = self.get(annotation_id)
        with self.transaction(
            "delete", who, current.annotation.coder, f"annotation {annotation_id}", change_key
        ) as batch:
            batch.delete("annotations", annotation_id)

    def import_data(
        self,
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
        """Store a whole file's annotations in one transaction (see store_import.import_data)."""
        return import_data(
            self,
            data,
            clip=clip,
            coder=coder,
            who=who,
            source=source,
            source_format=source_format,
            source_sha256=source_sha256,
            mapping=mapping,
            replace=replace,
        )

    def attach(self, media: str, clip: ClipRef, *, who: str) -> int:
        """Attach annotations kept under a media reference to a clip (see store_import.attach)."""
        return attach(self, media, clip, who=who)

    def history(
        self, *, clip_sha256: str | None = None, coder: str | None = None, limit: int | None = None
    ) -> list[HistoryEntry]:
        """The audit listing: every change, newest first (see annotate.coding.history)."""
        return entries(self.conn, clip_sha256=clip_sha256, coder=coder, limit=limit)

    def undo(self, *, who: str, coder: str | None = None) -> UndoResult:
        """Undo the latest change (of `coder`, if given) that is not undone yet.

        Raises:
            StoreError: nothing to undo, or a row was changed since by a later batch.
        """
        with self.transaction("undo", who, coder or "") as batch:
            return undo_latest(self.conn, batch, self.path, coder)
