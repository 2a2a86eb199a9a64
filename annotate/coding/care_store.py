"""CARE-Index sheets in the annotation store, with history like every other change.

One row per clip, coder and aspect holds each partner's points (JSON) and the coder's note;
saving an aspect again replaces it (recorded as an update, so it can be undone); saving it with
no points and no note clears it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from annotate.coding.care_index import AspectScore, CareIndexConfig, CareSheet, score_aspect
from annotate.coding.clips import ClipRef
from annotate.coding.store import AnnotationStore
from annotate.coding.store_db import Batch


def save_aspect(
    store: AnnotationStore,
    clip: ClipRef,
    coder: str,
    score: AspectScore,
    *,
    who: str = "",
    change_key: str | None = None,
) -> None:
    """Store one checked aspect of a coder's sheet (replacing what was there); an aspect with no
    points and no note clears it (the row is deleted, the history keeps it); `change_key` as for
    AnnotationStore.transaction."""
    detail = f"{clip.name} {score.aspect}"
    with store.transaction("care", who or coder, coder, detail, change_key) as batch:
        write_aspect(store, batch, store.clip_id(batch, clip), coder, score)


def write_aspect(
    store: AnnotationStore, batch: Batch, clip_id: int, coder: str, score: AspectScore
) -> None:
    """Store one checked aspect inside a transaction in progress (see `save_aspect`)."""
    points = {partner: dict(values) for partner, values in score.points}
    row = store.conn.execute(
        "SELECT id FROM care_scores WHERE clip_id = ? AND coder = ? AND aspect = ?",
        (clip_id, coder, score.aspect),
    ).fetchone()
    values = {"points": json.dumps(points), "note": score.note, "updated": batch.at}
    if not points and not score.note:
        if row is not None:
            batch.delete("care_scores", int(row["id"]))
    elif row is None:
        batch.insert(
            "care_scores",
            {
                "clip_id": clip_id,
                "coder": coder,
                "aspect": score.aspect,
                **values,
                "created": batch.at,
            },
        )
    else:
        batch.update("care_scores", int(row["id"]), values)


def set_aspect(
    store: AnnotationStore,
    config: CareIndexConfig,
    clip: ClipRef,
    coder: str,
    aspect: str,
    points: Mapping[str, Mapping[str, float]],
    note: str = "",
    *,
    who: str = "",
    change_key: str | None = None,
) -> CareSheet:
    """Check and store one aspect, and return the coder's whole sheet.

    Raises:
        StoreError: the points do not add up, or name an unknown aspect, partner or pattern.
    """
    score = score_aspect(config, aspect, points, note)
    save_aspect(store, clip, coder, score, who=who, change_key=change_key)
    return load_sheet(store, clip.sha256, coder)


def _score(aspect: str, points_json: str, note: str) -> AspectScore:
    points = json.loads(points_json)
    return AspectScore(
        aspect=aspect,
        points=tuple(
            (p, tuple((k, float(v)) for k, v in values.items())) for p, values in points.items()
        ),
        note=note,
    )


def load_sheet(store: AnnotationStore, clip_sha256: str, coder: str) -> CareSheet:
    """A coder's sheet for a clip (with no aspects when nothing is stored)."""
    rows = store.conn.execute(
        "SELECT s.aspect, s.points, s.note FROM care_scores s JOIN clips c ON c.id = s.clip_id "
        "WHERE c.sha256 = ? AND s.coder = ? ORDER BY s.id",
        (clip_sha256, coder),
    ).fetchall()
    return CareSheet(
        clip_sha256, coder, tuple(_score(r["aspect"], r["points"], r["note"]) for r in rows)
    )


def all_sheets(store: AnnotationStore) -> list[CareSheet]:
    """Every stored sheet, by clip and coder."""
    rows = store.conn.execute(
        "SELECT DISTINCT c.sha256, s.coder FROM care_scores s JOIN clips c ON c.id = s.clip_id "
        "WHERE c.sha256 IS NOT NULL ORDER BY c.sha256, s.coder"
    ).fetchall()
    return [load_sheet(store, r["sha256"], r["coder"]) for r in rows]
