"""The consensus of two coders recorded in the store, as a third coder, with history.

    pair = ConsensusPair("ana", "ben", "consensus")
    view = load_view(store, clip, pair, tolerance_s=1.0)
    take_disagreement(store, clip, pair, view.comparison.disagreements[0], TAKE_A, who="eva")
    take_all_agreed(store, clip, pair, care_config, who="eva")
    take_care_aspect(store, clip, pair, "facial_expression", TAKE_B, who="eva")

Each call is one transaction of kind `consensus` (one undo step) made by `who`, on the consensus
coder's rows only, with the detail naming both coders and what was taken; every annotation it
writes carries the attr `consensus_of` = 'A,B'. The two coders' own annotations and sheets are
only read. What is added passes the store's checks (annotate.coding.validation) against the
scheme of the annotation it was taken from.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotate.coding.care_index import AspectScore, CareIndexConfig, CareSheet
from annotate.coding.care_store import load_sheet, write_aspect
from annotate.coding.clips import ClipRef
from annotate.coding.consensus import (
    TAKE_A,
    TAKE_B,
    Comparison,
    Disagreement,
    Plan,
    agreed,
    compare_coders,
    plan_changes,
    take,
    take_agreed,
)
from annotate.coding.records import Annotation, open_states_message
from annotate.coding.reliability_report import FALLBACK_BIN_S
from annotate.coding.schemes import ATTRIBUTES_TIER, Scheme
from annotate.coding.store import AnnotationStore, StoredAnnotation
from annotate.coding.validation import check_annotation, check_together
from annotate.errors import StoreError

CONSENSUS_OF = "consensus_of"
KIND = "consensus"


@dataclass(frozen=True)
class ConsensusPair:
    """Who is compared (A, B) and under which name the agreed version is recorded."""

    a: str
    b: str
    coder: str

    def check(self) -> None:
        """Refuse a pair that would change one of the two coders' own annotations.

        Raises:
            StoreError: A and B are one coder, or the consensus coder is one of them.
        """
        if not self.a or not self.b or self.a == self.b:
            raise StoreError(f"a consensus needs two different coders, got '{self.a}', '{self.b}'")
        if self.coder in (self.a, self.b):
            raise StoreError(
                f"the consensus cannot be recorded as '{self.coder}', one of the two coders "
                "(their own annotations are never changed); open the tool with "
                "--coder consensus"
            )

    @property
    def of(self) -> str:
        """'A,B', as recorded with every consensus annotation."""
        return f"{self.a},{self.b}"


@dataclass(frozen=True)
class ConsensusView:
    """Everything the consensus view shows of one clip."""

    pair: ConsensusPair
    comparison: Comparison
    a: list[Annotation]
    b: list[Annotation]
    consensus: list[StoredAnnotation]
    sheets: tuple[CareSheet, CareSheet, CareSheet]


def _coded(store: AnnotationStore, clip: ClipRef, coder: str) -> list[StoredAnnotation]:
    return [
        s
        for s in store.annotations(clip_sha256=clip.sha256, coder=coder)
        if s.annotation.tier != ATTRIBUTES_TIER
    ]


def _step(clip: ClipRef) -> float:
    return 1.0 / clip.fps if clip.fps else FALLBACK_BIN_S


def load_view(
    store: AnnotationStore, clip: ClipRef, pair: ConsensusPair, *, tolerance_s: float
) -> ConsensusView:
    """Both coders' annotations and sheets, their comparison, and the consensus so far.

    Raises:
        StoreError: the pair is refused (ConsensusPair.check), or either coder has a state not
            ended yet (it would count as a point).
    """
    pair.check()
    a = [s.annotation for s in _coded(store, clip, pair.a)]
    b = [s.annotation for s in _coded(store, clip, pair.b)]
    unfinished = open_states_message(a + b, clip.name)
    if unfinished:
        raise StoreError(unfinished)
    duration = clip.duration_s or max((x.end_s for x in (*a, *b)), default=0.0)
    comparison = compare_coders(
        a, b, duration_s=duration, step_s=_step(clip), tolerance_s=tolerance_s
    )
    sheets = (
        load_sheet(store, clip.sha256, pair.a),
        load_sheet(store, clip.sha256, pair.b),
        load_sheet(store, clip.sha256, pair.coder),
    )
    return ConsensusView(pair, comparison, a, b, _coded(store, clip, pair.coder), sheets)


class _Schemes:
    """The schemes of the annotations taken, each read once (by 'name@version')."""

    def __init__(self, store: AnnotationStore, fallback: str) -> None:
        self.store = store
        self.fallback = fallback
        self.known: dict[str, Scheme] = {}

    def of(self, x: Annotation) -> Scheme:
        ref = x.scheme or self.fallback
        if not ref:
            raise StoreError(f"{x.tier}/{x.code}: no scheme to check it against")
        if ref not in self.known:
            self.known[ref] = self.store.scheme(ref)
        return self.known[ref]


def _apply(
    store: AnnotationStore,
    clip: ClipRef,
    view: ConsensusView,
    plan: Plan,
    care: list[AspectScore],
    *,
    who: str,
    detail: str,
    change_key: str | None,
) -> bool:
    """Store a plan (and CARE aspects) as one consensus transaction; False when nothing changes."""
    if not plan and not care:
        return False
    pair = view.pair
    stored = {s.id: s for s in view.consensus}
    row = store.clip(clip.sha256)
    duration, fps = (row.duration_s, row.fps) if row is not None else (None, None)
    schemes = _Schemes(store, next(iter(stored.values())).annotation.scheme if stored else "")
    adds = []
    for x in plan.add:
        scheme = schemes.of(x)
        a = x.replace(
            clip_sha256=clip.sha256, media=clip.name, coder=pair.coder, scheme=scheme.id
        ).with_attrs(**{CONSENSUS_OF: pair.of})
        check_annotation(a, scheme, duration, fps)
        adds.append((a, scheme))
    staying = [s.annotation for i, s in stored.items() if i not in plan.delete]
    for scheme in {s.id: s for _, s in adds}.values():
        check_together(staying + [a for a, _ in adds], scheme)
    text = f"consensus of {pair.of} by {who}: {detail}"
    with store.transaction(KIND, who, pair.coder, text, change_key) as batch:
        clip_id = store.clip_id(batch, clip)
        for row_id in plan.delete:
            batch.delete("annotations", row_id)
        ids = {ref: store.scheme_id(batch, scheme) for ref, scheme in schemes.known.items()}
        for a, scheme in adds:
            batch.insert("annotations", store.row_values(a, clip_id, ids[scheme.id], batch.at))
        for score in care:
            write_aspect(store, batch, clip_id, pair.coder, score)
    return True


def _pairs(view: ConsensusView) -> list[tuple[int, Annotation]]:
    return [(s.id, s.annotation) for s in view.consensus]


def take_disagreement(
    store: AnnotationStore,
    clip: ClipRef,
    view: ConsensusView,
    disagreement: Disagreement,
    side: str,
    *,
    who: str,
    change_key: str | None = None,
) -> bool:
    """Record one coder's version of one disagreement as the consensus (False: it was already).

    Raises:
        StoreError: the disagreement is not (any more) in the comparison, or the result fails
            the store's checks.
    """
    found = view.comparison.find(disagreement)
    if found is None:
        raise StoreError(
            f"no disagreement on {disagreement.tier} at {disagreement.start_s:.3f} s between "
            f"{view.pair.a} and {view.pair.b} (changed since?); reload the consensus view"
        )
    current = [s.annotation for s in view.consensus]
    wanted = take(current, view.a, view.b, found, side, view.pair.coder)
    name = view.pair.a if side == TAKE_A else view.pair.b
    detail = (
        f"{name}'s {found.tier} {found.start_s:.3f}-{found.end_s:.3f} s "
        f"({found.label_a if side == TAKE_A else found.label_b})"
    )
    plan = plan_changes(_pairs(view), wanted)
    return _apply(store, clip, view, plan, [], who=who, detail=detail, change_key=change_key)


def _joined_note(pair: ConsensusPair, a: str, b: str) -> str:
    if a == b:
        return a
    return " / ".join(f"{who}: {note}" for who, note in ((pair.a, a), (pair.b, b)) if note)


def agreed_aspects(view: ConsensusView, config: CareIndexConfig) -> list[AspectScore]:
    """The CARE aspects both coders scored alike and the consensus has not scored yet (notes:
    the same note, or both, named)."""
    sheet_a, sheet_b, mine = view.sheets
    out = []
    for aspect in config.aspect_ids:
        x, y = sheet_a.aspect(aspect), sheet_b.aspect(aspect)
        if x is None or y is None or x.points != y.points or mine.aspect(aspect) is not None:
            continue
        out.append(AspectScore(aspect, x.points, _joined_note(view.pair, x.note, y.note)))
    return out


def take_all_agreed(
    store: AnnotationStore,
    clip: ClipRef,
    view: ConsensusView,
    config: CareIndexConfig,
    *,
    who: str,
    change_key: str | None = None,
) -> bool:
    """Copy everything the two coders agree on into the consensus, in one transaction: the
    agreed states and points (annotate.coding.consensus.take_agreed) and the CARE aspects they
    scored alike. False when there was nothing to copy."""
    current = [s.annotation for s in view.consensus]
    base = agreed(view.a, view.b, view.comparison, view.pair.coder)
    plan = plan_changes(_pairs(view), take_agreed(current, base, view.comparison))
    care = agreed_aspects(view, config)
    detail = f"all agreed ({len(plan.add)} added, {len(plan.delete)} replaced, {len(care)} CARE)"
    return _apply(store, clip, view, plan, care, who=who, detail=detail, change_key=change_key)


def take_care_aspect(
    store: AnnotationStore,
    clip: ClipRef,
    view: ConsensusView,
    aspect: str,
    side: str,
    *,
    who: str,
    change_key: str | None = None,
) -> bool:
    """Record one coder's points and note of one CARE aspect as the consensus sheet's.

    Raises:
        StoreError: side is not a or b, or that coder has not scored the aspect.
    """
    if side not in (TAKE_A, TAKE_B):
        raise StoreError(f"take '{TAKE_A}' or '{TAKE_B}', not {side[:20]!r}")
    name = view.pair.a if side == TAKE_A else view.pair.b
    score = view.sheets[0 if side == TAKE_A else 1].aspect(aspect)
    if score is None:
        raise StoreError(f"{name} has not scored the CARE-Index aspect '{aspect[:60]}'")
    detail = f"{name}'s CARE-Index {aspect}"
    return _apply(
        store, clip, view, Plan((), ()), [score], who=who, detail=detail, change_key=change_key
    )


__all__ = [
    "CONSENSUS_OF",
    "TAKE_A",
    "TAKE_B",
    "ConsensusPair",
    "ConsensusView",
    "agreed_aspects",
    "load_view",
    "take_all_agreed",
    "take_care_aspect",
    "take_disagreement",
]
