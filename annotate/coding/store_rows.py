"""The records the annotation store hands out: a stored annotation, a change found by its key,
a clip row. Apart from the store (annotate.coding.store) so that its import half
(annotate.coding.store_import) can name them without importing the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotate.coding.records import Annotation


@dataclass(frozen=True)
class StoredAnnotation:
    """An annotation as stored: its id, the record, and when it was made and last changed (UTC)."""

    id: int
    annotation: Annotation
    created: str
    updated: str
    import_id: int | None = None


@dataclass(frozen=True)
class StoredChange:
    """A change found by its change key: its batch, and each row it touched as
    (table, row id, insert|update|delete, the row after the change or None)."""

    batch_id: int
    kind: str
    coder: str
    rows: tuple[tuple[str, int, str, dict[str, Any] | None], ...]


@dataclass(frozen=True)
class ClipRow:
    """A clip (or unattached media reference) the store knows."""

    id: int
    sha256: str | None
    media: str
    path: str
    duration_s: float | None
    fps: float | None
