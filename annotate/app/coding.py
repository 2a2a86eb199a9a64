"""The annotation store behind the page: one coder's changes, checked against a revision.

All store calls run on one thread of their own (SQLite connections belong to the thread that
opened them, and one writer at a time is what the store expects); the endpoints await them.

Revisions: every change the store makes is a batch with an increasing id, and the history records
the clip and coder of each changed row. The revision of (clip, coder) is the id of the latest
batch that touched that coder's annotations or CARE-Index scores on that clip (0 when none did),
so it is the same after a restart of the server and moves with changes made by the command line
too. A write names the revision the page last saw; when the store has moved on since (another tab,
another process), the write is refused with `StaleRevisionError` (HTTP 409) and the page reloads,
so two tabs on the same clip and coder never overwrite each other's changes silently.

Change keys: the page gives every change a key of its own, stored with the change (the store's
batch). A change sent again with a key that is stored already (the server was killed after it
committed but before the page heard the answer) is answered as done, with the revision that
change made, instead of being refused as stale or stored twice; only changes not stored yet are
stored.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from annotate.app.uploads import import_upload, preview_upload
from annotate.coding.backup import open_with_backup
from annotate.coding.care_index import CareIndexConfig, CareSheet
from annotate.coding.care_store import load_sheet, set_aspect
from annotate.coding.clip_roles import clip_roles, set_roles_swapped
from annotate.coding.clip_undo import redo_on_clip, undo_on_clip
from annotate.coding.clips import ClipRef
from annotate.coding.records import OPEN_ATTR, Annotation, attrs_from_json
from annotate.coding.schemes import Scheme
from annotate.coding.store import AnnotationStore, StoredAnnotation
from annotate.errors import AnnotateError, InterchangeError, StoreError
from annotate.interchange.store_files import EXPORT_FORMATS, export_clip

T = TypeVar("T")
PAGE_EXPORTS = ("eaf", "csv")  # what the page's export buttons write
EDITABLE = ("start_s", "end_s", "code", "value", "note", "open")
# Two lookups in the store's owner indexes (annotate.coding.store_db), not a scan of the history:
# the latest change that left a row of (clip, coder), and the latest that made one.
_REVISION = """
SELECT MAX(latest) FROM (
  SELECT MAX(batch_id) AS latest FROM changes
  WHERE json_extract(after, '$.clip_id') = :clip AND json_extract(after, '$.coder') = :coder
  UNION ALL
  SELECT MAX(batch_id) FROM changes
  WHERE json_extract(before, '$.clip_id') = :clip AND json_extract(before, '$.coder') = :coder)
"""


class StaleRevisionError(AnnotateError):
    """The page's revision is behind the store's: someone else changed this clip's coding."""

    def __init__(self, current: int) -> None:
        super().__init__(
            f"this clip's coding changed elsewhere (revision {current}); reload to see it"
        )
        self.current = current


class NotYoursError(AnnotateError):
    """An annotation of another clip or another coder: the page may not change it."""


class ChangeKeyError(AnnotateError):
    """A change key that the store holds for a different change (another kind, coder or clip)."""


def annotation_json(stored: StoredAnnotation) -> dict[str, Any]:
    """An annotation as the page reads it."""
    a = stored.annotation
    return {
        "id": stored.id,
        "coder": a.coder,
        "tier": a.tier,
        "code": a.code,
        "start_s": a.start_s,
        "end_s": a.end_s,
        "value": a.value,
        "note": a.note,
        "open": a.is_open,
        "created": stored.created,
        "updated": stored.updated,
    }


def _row_json(row: Mapping[str, Any]) -> dict[str, Any]:
    """An annotation as the page reads it, from a row snapshot of the store's history."""
    names = ("id", "coder", "tier", "code", "start_s", "end_s", "value", "note")
    attrs = attrs_from_json(str(row.get("attrs") or ""))
    opened = dict(attrs).get(OPEN_ATTR) == "1"
    return {**{name: row[name] for name in names}, "open": opened} | {
        name: row[name] for name in ("created", "updated")
    }


def care_config_json(config: CareIndexConfig) -> dict[str, Any]:
    """The CARE-Index structure the page builds its sheet from."""
    return {
        "aspects": [{"id": a, "label": label} for a, label in config.aspects],
        "partners": {p: list(patterns) for p, patterns in config.partners.items()},
        "points_per_aspect": config.points_per_aspect,
        "step": config.step,
        "synchrony": list(config.synchrony),
        "bands": [{"min": b.min, "label": b.label} for b in config.bands],
    }


def care_sheet_json(sheet: CareSheet, config: CareIndexConfig) -> dict[str, Any]:
    """A coder's sheet with its arithmetic: totals, what is missing, the synchrony score."""
    synchrony = sheet.synchrony(config)
    return {
        "aspects": {
            s.aspect: {"points": {p: dict(v) for p, v in s.points}, "note": s.note}
            for s in sheet.aspects
        },
        "totals": sheet.totals(config),
        "missing": sheet.missing(config),
        "complete": sheet.is_complete(config),
        "synchrony": synchrony,
        "band": config.band(synchrony) if synchrony is not None else "",
    }


@dataclass(frozen=True)
class Saved:
    """What a write returns: the new revision, and the annotation or sheet as now stored."""

    revision: int
    body: dict[str, Any]


class CodingService:
    """One coder's view of the project store, with revisions (see the module's docstring)."""

    def __init__(self, database: Path, scheme: Scheme, care: CareIndexConfig, coder: str) -> None:
        """Open the project (with its rotating backup) on the store's own thread.

        Raises:
            StoreError: the database cannot be backed up or opened.
        """
        self.scheme, self.care, self.coder = scheme, care, coder
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="annotate-store")
        self._store: AnnotationStore = self._thread.submit(open_with_backup, database).result()
        self._revisions: dict[tuple[int, str], int] = {}
        self._data_version = -1
        self._closed = False

    @property
    def path(self) -> Path:
        """The project database."""
        return self._store.path

    async def run(self, function: Callable[..., T], *args: Any) -> T:
        """Run a method of this service on the store's thread."""
        return await asyncio.wrap_future(self._thread.submit(function, *args))

    def call(self, function: Callable[..., T], *args: Any) -> T:
        """Run a method of this service on the store's thread and wait for it (no event loop)."""
        return self._thread.submit(function, *args).result()

    def on_store(self, function: Callable[..., T], *args: Any) -> T:
        """`function(store, *args)`, for the library's functions of the store (call it through
        `run` or `call`, on the store's thread); what it writes moves the revisions."""
        try:
            return function(self._store, *args)
        finally:
            self._revisions.clear()

    def close(self) -> None:
        """Close the database (on its thread) and stop the thread; closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        self._thread.submit(self._store.close).result()
        self._thread.shutdown()

    @property
    def store(self) -> AnnotationStore:
        """The open store: use it on the store's thread only (through `run` or `call`)."""
        return self._store

    def changed(self, clip: ClipRef) -> int:
        """After a write made through `store` (the consensus view): the new revision."""
        return self._written(clip)

    # reading -------------------------------------------------------------------------------------

    def _clip_id(self, clip: ClipRef) -> int | None:
        row = self._store.conn.execute(
            "SELECT id FROM clips WHERE sha256 = ?", (clip.sha256,)
        ).fetchone()
        return None if row is None else int(row[0])

    def revision(self, clip: ClipRef, coder: str | None = None) -> int:
        """The revision of (clip, coder): the latest batch that changed their coding, or 0."""
        coder = coder or self.coder
        version = int(self._store.conn.execute("PRAGMA data_version").fetchone()[0])
        if version != self._data_version:  # another process wrote: forget what was counted
            self._revisions.clear()
            self._data_version = version
        clip_id = self._clip_id(clip)
        if clip_id is None:
            return 0
        key = (clip_id, coder)
        if key not in self._revisions:
            row = self._store.conn.execute(_REVISION, {"clip": clip_id, "coder": coder}).fetchone()
            self._revisions[key] = int(row[0] or 0)
        return self._revisions[key]

    def annotations(self, clip: ClipRef, coder: str | None = None) -> dict[str, Any]:
        """A coder's annotations on a clip (default: this session's coder), with the revision."""
        coder = coder or self.coder
        stored = self._store.annotations(clip_sha256=clip.sha256, coder=coder)
        return {
            "coder": coder,
            "revision": self.revision(clip, coder),
            "annotations": [annotation_json(s) for s in stored],
        }

    def coders(self, clip: ClipRef) -> list[str]:
        """Everyone who has annotations on the clip, by name."""
        found = {s.annotation.coder for s in self._store.annotations(clip_sha256=clip.sha256)}
        return sorted(found)

    def export(self, clip: ClipRef, fmt: str) -> tuple[bytes, str]:
        """This coder's annotations of the clip as an ELAN or CSV file: its bytes and name.

        Raises:
            InterchangeError: an unknown format, or a state still open (named).
        """
        if fmt not in PAGE_EXPORTS:
            raise InterchangeError(f"export as {' or '.join(PAGE_EXPORTS)}, not {fmt[:20]!r}")
        name = f"{Path(clip.name).stem}.{self.coder}{EXPORT_FORMATS[fmt]}"
        with tempfile.TemporaryDirectory(prefix="annotate-export-") as folder:
            path, _ = export_clip(self._store, clip, Path(folder) / name, fmt=fmt, coder=self.coder)
            return path.read_bytes(), name

    def roles(self, clip: ClipRef) -> dict[str, Any]:
        """Whether the clip's mother and infant are swapped, by whom and when."""
        roles = clip_roles(self._store, clip.sha256)
        return {"swapped": roles.swapped, "by": roles.coder, "at": roles.updated}

    def set_roles(
        self, clip: ClipRef, revision: int, swapped: bool, change_key: str | None = None
    ) -> Saved:
        """Record this coder's word that the clip's mother and infant are (not) swapped, once
        per change key.

        Raises:
            StaleRevisionError: the revision is behind.
            ChangeKeyError: the key is stored for another change.
        """
        replayed = self._replay(clip, change_key, "roles")
        if replayed is not None:
            return replayed
        self._check(clip, revision)
        set_roles_swapped(self._store, clip, swapped, coder=self.coder, change_key=change_key)
        return Saved(self._written(clip), self.roles(clip))

    def sheet(self, clip: ClipRef) -> dict[str, Any]:
        """This coder's CARE-Index sheet of the clip, with the revision."""
        sheet = load_sheet(self._store, clip.sha256, self.coder)
        return {"revision": self.revision(clip), **care_sheet_json(sheet, self.care)}

    # writing -------------------------------------------------------------------------------------

    def _replay(self, clip: ClipRef, change_key: str | None, kind: str) -> Saved | None:
        """The answer to a change that is stored already under `change_key`, or None.

        Raises:
            ChangeKeyError: the key is stored for another change.
        """
        if change_key is None:
            return None
        found = self._store.change(change_key)
        if found is None:
            return None
        clip_id = self._clip_id(clip)
        rows = [row for _, _, _, row in found.rows if row is not None]
        if (
            found.kind != kind
            or found.coder != self.coder
            or any(row.get("clip_id") != clip_id for row in rows)
        ):
            raise ChangeKeyError(
                f"change key {change_key} belongs to another change (batch {found.batch_id}, "
                f"{found.kind} by {found.coder}); the page must make a new key per change"
            )
        if kind == "roles":
            body = self.roles(clip)
        elif kind == "care":
            body = care_sheet_json(load_sheet(self._store, clip.sha256, self.coder), self.care)
        elif kind == "delete":
            body = {"id": found.rows[0][1]}
        else:
            body = _row_json(rows[-1])
        return Saved(found.batch_id, body)

    def _check(self, clip: ClipRef, revision: int) -> None:
        current = self.revision(clip)
        if revision != current:
            raise StaleRevisionError(current)

    def _written(self, clip: ClipRef) -> int:
        self._revisions.clear()
        return self.revision(clip)

    def _own(self, clip: ClipRef, annotation_id: int) -> StoredAnnotation:
        stored = self._store.get(annotation_id)
        a = stored.annotation
        if a.clip_sha256 != clip.sha256 or a.coder != self.coder:
            raise NotYoursError(f"annotation {annotation_id} is not {self.coder}'s on {clip.name}")
        return stored

    def add(
        self,
        clip: ClipRef,
        revision: int,
        fields: Mapping[str, Any],
        change_key: str | None = None,
    ) -> Saved:
        """Store a new annotation of this coder (once per change key: see the module's docstring).

        Raises:
            StaleRevisionError: the revision is behind.
            ChangeKeyError: the key is stored for another change.
            StoreError: the annotation does not fit the scheme or the clip.
        """
        replayed = self._replay(clip, change_key, "add")
        if replayed is not None:
            return replayed
        self._check(clip, revision)
        start = float(fields["start_s"])
        annotation = Annotation(
            clip_sha256=clip.sha256,
            coder=self.coder,
            tier=str(fields["tier"]),
            code=str(fields["code"]),
            start_s=start,
            end_s=float(fields.get("end_s", start)),
            value=str(fields.get("value", "")),
            note=str(fields.get("note", "")),
        )
        if fields.get("open"):
            annotation = annotation.with_attrs(**{OPEN_ATTR: "1"})
        stored = self._store.add(
            annotation, self.scheme, clip=clip, who=self.coder, change_key=change_key
        )
        return Saved(self._written(clip), annotation_json(stored))

    def update(
        self,
        clip: ClipRef,
        revision: int,
        annotation_id: int,
        changes: Mapping[str, Any],
        change_key: str | None = None,
    ) -> Saved:
        """Change an annotation of this coder (times, code, modifiers, note), once per key.

        Raises:
            StaleRevisionError: the revision is behind.
            NotYoursError: the annotation belongs to another clip or coder.
            ChangeKeyError: the key is stored for another change.
            StoreError: no such annotation, or the change fails the checks.
        """
        replayed = self._replay(clip, change_key, "edit")
        if replayed is not None:
            return replayed
        self._check(clip, revision)
        self._own(clip, annotation_id)
        picked = {k: v for k, v in changes.items() if k in EDITABLE}
        stored = self._store.update(annotation_id, who=self.coder, change_key=change_key, **picked)
        return Saved(self._written(clip), annotation_json(stored))

    def delete(
        self, clip: ClipRef, revision: int, annotation_id: int, change_key: str | None = None
    ) -> Saved:
        """Delete an annotation of this coder (kept in the store's history), once per key.

        Raises:
            StaleRevisionError, NotYoursError, ChangeKeyError, StoreError: as for `update`.
        """
        replayed = self._replay(clip, change_key, "delete")
        if replayed is not None:
            return replayed
        self._check(clip, revision)
        self._own(clip, annotation_id)
        self._store.delete(annotation_id, who=self.coder, change_key=change_key)
        return Saved(self._written(clip), {"id": annotation_id})

    def set_care(
        self,
        clip: ClipRef,
        revision: int,
        aspect: str,
        points: Mapping[str, Mapping[str, float]],
        note: str,
        change_key: str | None = None,
    ) -> Saved:
        """Store one aspect of this coder's CARE-Index sheet and return the whole sheet (once
        per change key).

        Raises:
            StaleRevisionError: the revision is behind.
            ChangeKeyError: the key is stored for another change.
            StoreError: the points do not add up, or name an unknown aspect or pattern.
        """
        replayed = self._replay(clip, change_key, "care")
        if replayed is not None:
            return replayed
        self._check(clip, revision)
        sheet = set_aspect(
            self._store, self.care, clip, self.coder, aspect, points, note, change_key=change_key
        )
        return Saved(self._written(clip), care_sheet_json(sheet, self.care))

    # undo, redo and import from the page ------------------------------------------------------

    def undo(
        self,
        clip: ClipRef,
        revision: int,
        redo: bool = False,
        change_key: str | None = None,
        who: str | None = None,
    ) -> Saved:
        """Undo (or redo) this coder's latest change on the clip, from the store's history
        (annotate.coding.clip_undo), and answer with the annotations as now stored; `who`: the
        person recorded (default: the coder; a consensus session's: who makes the consensus).

        Raises:
            StaleRevisionError: the revision is behind.
            StoreError: nothing to undo or redo, or a row was changed since.
        """
        kind = "redo" if redo else "undo"
        replayed = self._store.change(change_key) if change_key else None
        if replayed is not None and replayed.kind == kind and replayed.coder == self.coder:
            return Saved(replayed.batch_id, self.annotations(clip))
        self._check(clip, revision)
        clip_id = self._clip_id(clip)
        if clip_id is None:
            raise StoreError(f"nothing to {kind} for {self.coder} on this clip")
        act = redo_on_clip if redo else undo_on_clip
        done = act(self._store, clip_id, self.coder, who=who or self.coder, change_key=change_key)
        body = self.annotations(clip)
        body["done"] = f"{kind}: {done.kind} {done.detail}".strip()
        return Saved(self._written(clip), body)

    def import_upload(
        self,
        clip: ClipRef,
        folder: Path,
        data: bytes,
        name: str,
        coder: str | None,
        part: str | None,
        preview: bool,
    ) -> dict[str, Any]:
        """Preview or import an uploaded annotation file for a coder (default: this one).

        Raises:
            UploadError: the file cannot be read or stored (nothing is stored then).
        """
        who = coder or self.coder
        if preview:
            return preview_upload(folder, data, name, coder=who, clip=clip, part=part)
        done = import_upload(
            self._store, folder, data, name, coder=who, clip=clip, part=part, who=self.coder
        )
        self._revisions.clear()
        return {**done, "revision": self.revision(clip)}
