"""Where the coding of a clip stands, per coder: not started, in progress or done, and how far.

A coder marks a clip *done* when they have finished it (and may reopen it): one row per clip and
coder in `clip_done`, with history like every other change (undo brings the old mark back). A
clip is *in progress* for a coder who has stored anything on it (an annotation, a CARE-Index
score) and not marked it done, *not started* otherwise. Marking done is refused while one of the
coder's states is still open (started, not ended): it would count as a point.

Progress: the coder's annotations per tier, the CARE-Index aspects with both partners' points
(x of 7), and the share of the clip that the coder's closed states cover (any tier, overlaps
counted once; None when the clip's duration is unknown).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from annotate.coding.care_index import CareIndexConfig
from annotate.coding.care_store import load_sheet
from annotate.coding.clips import ClipRef
from annotate.coding.records import OPEN_ATTR, Annotation, attrs_from_json
from annotate.coding.schemes import ATTRIBUTES_TIER
from annotate.coding.store import AnnotationStore
from annotate.errors import AnnotateError

NOT_STARTED, IN_PROGRESS, DONE = "not started", "in progress", "done"
STATUSES = (NOT_STARTED, IN_PROGRESS, DONE)


class OpenStatesError(AnnotateError):
    """A clip marked done while some of the coder's states are not ended."""


@dataclass(frozen=True)
class DoneMark:
    """A coder's done mark on a clip: done or not, who set it last and when ('' when never)."""

    done: bool = False
    coder: str = ""
    updated: str = ""


@dataclass(frozen=True)
class CoderProgress:
    """One coder's status and progress on one clip.

    Attributes:
        coder: the coder.
        status: NOT_STARTED, IN_PROGRESS or DONE.
        tiers: (tier, number of annotations) in tier order of the store.
        care_filled: CARE-Index aspects with every partner's points.
        care_total: the sheet's aspects (7).
        covered: share of the clip covered by the coder's closed states (0-1), None when the
            duration is unknown.
        open_states: states started and not ended.
        done_at: when the clip was marked done ('' unless done).
    """

    coder: str
    status: str
    tiers: tuple[tuple[str, int], ...]
    care_filled: int
    care_total: int
    covered: float | None
    open_states: int = 0
    done_at: str = ""

    @property
    def annotations(self) -> int:
        """All the coder's annotations on the clip."""
        return sum(n for _, n in self.tiers)


def done_mark(store: AnnotationStore, clip_sha256: str, coder: str) -> DoneMark:
    """The coder's done mark on a clip (not done when none is stored)."""
    row = store.conn.execute(
        "SELECT d.done, d.coder, d.updated FROM clip_done d JOIN clips c ON c.id = d.clip_id "
        "WHERE c.sha256 = ? AND d.coder = ?",
        (clip_sha256, coder),
    ).fetchone()
    if row is None:
        return DoneMark()
    return DoneMark(bool(row["done"]), str(row["coder"]), str(row["updated"]))


def open_states_named(annotations: Sequence[Annotation]) -> str | None:
    """'N state(s) not ended: tier:code from S s, ...' for the open states, or None."""
    found = [a for a in annotations if a.is_open]
    if not found:
        return None
    named = ", ".join(f"{a.tier}:{a.code} from {a.start_s:.3f} s" for a in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    return f"{len(found)} state(s) started and not ended ({named}{more})"


def set_done(
    store: AnnotationStore,
    clip: ClipRef,
    done: bool,
    *,
    coder: str,
    change_key: str | None = None,
) -> DoneMark:
    """Mark the clip done (or reopen it) for `coder`.

    Raises:
        OpenStatesError: marked done while some of the coder's states on the clip are open
            (named in the message, without the clip's name: a blinded coder reads it).
    """
    if done:
        mine = [s.annotation for s in store.annotations(clip_sha256=clip.sha256, coder=coder)]
        unfinished = open_states_named(mine)
        if unfinished:
            raise OpenStatesError(f"not marked done: {unfinished}; end or delete them first")
    detail = f"{clip.name} {'done' if done else 'reopened'}"
    with store.transaction("done", coder, coder, detail, change_key) as batch:
        clip_id = store.clip_id(batch, clip)
        row = store.conn.execute(
            "SELECT id FROM clip_done WHERE clip_id = ? AND coder = ?", (clip_id, coder)
        ).fetchone()
        values = {"done": int(done), "updated": batch.at}
        if row is None:
            batch.insert(
                "clip_done", {"clip_id": clip_id, "coder": coder, **values, "created": batch.at}
            )
        else:
            batch.update("clip_done", int(row["id"]), values)
    return done_mark(store, clip.sha256, coder)


@dataclass(frozen=True)
class _Span:
    """What progress needs of one annotation."""

    coder: str
    tier: str
    start_s: float
    end_s: float
    is_open: bool


def _spans(store: AnnotationStore, clip_sha256: str) -> list[_Span]:
    """The clip's annotations, every coder's, read lightly (one query, no records built)."""
    rows = store.conn.execute(
        "SELECT a.coder, a.tier, a.start_s, a.end_s, a.attrs FROM annotations a "
        "JOIN clips c ON c.id = a.clip_id WHERE c.sha256 = ? ORDER BY a.tier, a.start_s",
        (clip_sha256,),
    ).fetchall()
    return [
        _Span(
            str(r[0]),
            str(r[1]),
            float(r[2]),
            float(r[3]),
            OPEN_ATTR in str(r[4] or "") and dict(attrs_from_json(str(r[4]))).get(OPEN_ATTR) == "1",
        )
        for r in rows
    ]


def _covered(spans: Sequence[_Span], duration_s: float | None) -> float | None:
    """Share of [0, duration] covered by closed states (overlaps counted once)."""
    if not duration_s or duration_s <= 0:
        return None
    intervals = sorted(
        (max(0.0, a.start_s), min(duration_s, a.end_s))
        for a in spans
        if a.end_s > a.start_s and not a.is_open and a.tier != ATTRIBUTES_TIER
    )
    total, reach = 0.0, 0.0
    for start, end in intervals:
        start = max(start, reach)
        if end > start:
            total += end - start
            reach = end
    return min(1.0, total / duration_s)


def _progress(
    store: AnnotationStore,
    clip: ClipRef,
    coder: str,
    care: CareIndexConfig,
    spans: Sequence[_Span],
) -> CoderProgress:
    mine = [a for a in spans if a.coder == coder]
    sheet = load_sheet(store, clip.sha256, coder)
    filled = sum(
        1
        for aspect in care.aspect_ids
        if (score := sheet.aspect(aspect)) is not None
        and all(score.partner(p) for p in care.partners)
    )
    mark = done_mark(store, clip.sha256, coder)
    started = bool(mine) or bool(sheet.aspects) or bool(mark.updated)
    status = DONE if mark.done else IN_PROGRESS if started else NOT_STARTED
    return CoderProgress(
        coder=coder,
        status=status,
        tiers=tuple(Counter(a.tier for a in mine).items()),
        care_filled=filled,
        care_total=len(care.aspect_ids),
        covered=_covered(mine, clip.duration_s),
        open_states=sum(1 for a in mine if a.is_open),
        done_at=mark.updated if mark.done else "",
    )


def coder_progress(
    store: AnnotationStore, clip: ClipRef, coder: str, care: CareIndexConfig
) -> CoderProgress:
    """One coder's status and progress on a clip."""
    return _progress(store, clip, coder, care, _spans(store, clip.sha256))


def coders_of(store: AnnotationStore, clip_sha256: str) -> list[str]:
    """Everyone who has stored anything on the clip (annotations, CARE-Index, a done mark)."""
    rows = store.conn.execute(
        "SELECT a.coder FROM annotations a JOIN clips c ON c.id = a.clip_id WHERE c.sha256 = :s "
        "UNION SELECT k.coder FROM care_scores k JOIN clips c ON c.id = k.clip_id "
        "WHERE c.sha256 = :s "
        "UNION SELECT d.coder FROM clip_done d JOIN clips c ON c.id = d.clip_id "
        "WHERE c.sha256 = :s",
        {"s": clip_sha256},
    ).fetchall()
    return sorted(str(r[0]) for r in rows)


def clip_progress(
    store: AnnotationStore, clip: ClipRef, care: CareIndexConfig
) -> list[CoderProgress]:
    """The status and progress of every coder of the clip, by name."""
    spans = _spans(store, clip.sha256)
    return [_progress(store, clip, c, care, spans) for c in coders_of(store, clip.sha256)]


def next_clip(
    names: Sequence[str], status: Mapping[str, str], after: str | None = None
) -> str | None:
    """The first clip of `names` (a stable order) that is not done, starting after `after`
    (the clip open now) and going round; None when every clip is done."""
    start = names.index(after) + 1 if after in names else 0
    for name in [*names[start:], *names[:start]]:
        if status.get(name, NOT_STARTED) != DONE:
            return name
    return None


def project_status(
    store: AnnotationStore | None,
    clips: Sequence[tuple[str, ClipRef]],
    care: CareIndexConfig,
    coder: str,
) -> list[tuple[str, list[CoderProgress]]]:
    """Every clip (by name, in the given order) with the progress of each of its coders, and
    `coder`'s own (not started) where they have done nothing on it yet. No store: nothing
    started anywhere."""
    table = []
    for name, ref in clips:
        rows = clip_progress(store, ref, care) if store is not None else []
        if coder not in [p.coder for p in rows]:
            empty = CoderProgress(coder, NOT_STARTED, (), 0, len(care.aspect_ids), 0.0)
            rows = sorted([*rows, empty], key=lambda p: p.coder)
        table.append((name, rows))
    return table
