"""A coder's correction of a clip's roles: the face side took the mother for the infant (and the
other way round), so the two are swapped for the whole clip.

One row per clip in `clip_roles` (with history, like every other change: undo brings the old
roles back) says whether mother and infant are swapped and which coder said so last. Whatever
shows or exports the automatic features of the clip (the coding tool's lanes and overlays, the
analysis tables) reads it and swaps the roles it names: `mother` <-> `infant`, and episode kinds
named after a role (`infant_gaze_aversion` -> `mother_gaze_aversion`). The coder's own
annotations name the people as the coder saw them and are not changed.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotate.coding.clips import ClipRef
from annotate.coding.store import AnnotationStore

SWAPPED_ROLES = ("mother", "infant")


@dataclass(frozen=True)
class ClipRoles:
    """Whether a clip's mother and infant are swapped, who said so and when ('' when never)."""

    swapped: bool = False
    coder: str = ""
    updated: str = ""


def swapped_role(role: str) -> str:
    """The other of mother and infant; any other role unchanged."""
    mother, infant = SWAPPED_ROLES
    return {mother: infant, infant: mother}.get(role, role)


def swapped_kind(kind: str) -> str:
    """An episode kind named after a role, with the role swapped (`infant_gaze_aversion` ->
    `mother_gaze_aversion`); other kinds unchanged."""
    for role in SWAPPED_ROLES:
        if kind.startswith(f"{role}_"):
            return swapped_role(role) + kind[len(role) :]
    return kind


def clip_roles(store: AnnotationStore, clip_sha256: str) -> ClipRoles:
    """The stored roles of a clip (not swapped when nothing is stored)."""
    row = store.conn.execute(
        "SELECT r.swapped, r.coder, r.updated FROM clip_roles r JOIN clips c ON c.id = r.clip_id "
        "WHERE c.sha256 = ?",
        (clip_sha256,),
    ).fetchone()
    if row is None:
        return ClipRoles()
    return ClipRoles(bool(row["swapped"]), str(row["coder"]), str(row["updated"]))


def set_roles_swapped(
    store: AnnotationStore,
    clip: ClipRef,
    swapped: bool,
    *,
    coder: str,
    change_key: str | None = None,
) -> ClipRoles:
    """Record that `coder` says the clip's mother and infant are (or are not) swapped."""
    detail = f"{clip.name} roles {'swapped' if swapped else 'as found'}"
    with store.transaction("roles", coder, coder, detail, change_key) as batch:
        clip_id = store.clip_id(batch, clip)
        row = store.conn.execute(
            "SELECT id FROM clip_roles WHERE clip_id = ?", (clip_id,)
        ).fetchone()
        values = {"coder": coder, "swapped": int(swapped), "updated": batch.at}
        if row is None:
            batch.insert("clip_roles", {"clip_id": clip_id, **values, "created": batch.at})
        else:
            batch.update("clip_roles", int(row["id"]), values)
    return clip_roles(store, clip.sha256)
