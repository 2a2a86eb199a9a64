"""Times of ELAN annotations: reading unaligned slots and reference annotations, and laying out
time slots again when writing.

ELAN leaves the inner boundaries of subdivided annotations unaligned (a TIME_SLOT without a
TIME_VALUE); like ELAN, their times are interpolated evenly along the chain of annotations that
share them, between the nearest aligned slots. Reference annotations take their parent's times
(Symbolic_Association) or an equal share of them in order (Symbolic_Subdivision). All times here
are milliseconds.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from annotate.interchange.eaf_xml import EafAnnotation, EafDocument, EafTier

_NUMBER = re.compile(r"(\d+)$")


@dataclass(frozen=True)
class Span:
    """An annotation's times in ms, and which ends come from unaligned slots."""

    start_ms: float
    end_ms: float
    start_aligned: bool = True
    end_aligned: bool = True


def number_of(identifier: str) -> int:
    """The trailing number of an id ('ts12' -> 12, 'a7' -> 7; -1 when there is none)."""
    match = _NUMBER.search(identifier)
    return int(match.group(1)) if match else -1


def tiers_parents_first(tiers: list[EafTier]) -> list[EafTier]:
    """The tiers ordered so that each comes after its parent (file order otherwise)."""
    by_id = {t.id: t for t in tiers}
    done: dict[str, EafTier] = {}

    for tier in tiers:
        ancestors: list[EafTier] = []  # the tier, then its parent, ... up to one already placed
        current: EafTier | None = tier
        while current is not None and current.id not in done and len(ancestors) <= len(tiers):
            ancestors.append(current)
            current = by_id.get(current.parent)
        for ancestor in reversed(ancestors):
            done.setdefault(ancestor.id, ancestor)
    return list(done.values())


def _interpolate(chain: list[str], known: dict[str, float]) -> None:
    anchors = [i for i, slot in enumerate(chain) if slot in known]
    if not anchors:
        return
    for i in range(anchors[0]):
        known[chain[i]] = known[chain[anchors[0]]]
    for left, right in itertools.pairwise(anchors):
        a, b = known[chain[left]], known[chain[right]]
        for i in range(left + 1, right):
            known[chain[i]] = a + (b - a) * (i - left) / (right - left)
    for i in range(anchors[-1] + 1, len(chain)):
        known[chain[i]] = known[chain[anchors[-1]]]


def _chains(annotations: list[EafAnnotation]) -> list[list[str]]:
    following = {a.ts1: a.ts2 for a in annotations}
    ends = {a.ts2 for a in annotations}
    chains = []
    for a in annotations:
        if a.ts1 in ends:
            continue
        chain = [a.ts1]
        while chain[-1] in following and len(chain) <= len(annotations):
            chain.append(following[chain[-1]])
        chains.append(chain)
    return chains


def slot_times(doc: EafDocument) -> dict[str, float]:
    """Milliseconds of every time slot, unaligned ones interpolated along their tier's chains."""
    known: dict[str, float] = {s: float(v) for s, v in doc.time_slots if v is not None}
    for tier in tiers_parents_first(doc.tiers):
        alignable = [a for a in tier.annotations if a.alignable]
        if all(a.ts1 in known and a.ts2 in known for a in alignable):
            continue
        for chain in _chains(alignable):
            _interpolate(chain, known)
    for slot, _ in doc.time_slots:
        known.setdefault(slot, 0.0)  # a slot no chain anchors: ELAN would place it at 0 too
    return known


def _subdivision_orders(tier: EafTier) -> dict[str, tuple[int, int]]:
    """For a Symbolic_Subdivision tier: annotation id -> (position, count) among its siblings."""
    groups: dict[str, list[EafAnnotation]] = {}
    for a in tier.annotations:
        groups.setdefault(a.ref, []).append(a)
    result = {}
    for siblings in groups.values():
        after = {a.previous: a for a in siblings if a.previous}
        first = [a for a in siblings if not a.previous]
        ordered: list[EafAnnotation] = []
        current: EafAnnotation | None = first[0] if first else siblings[0]
        while current is not None and len(ordered) < len(siblings):
            ordered.append(current)
            current = after.get(current.id)
        ordered += [a for a in siblings if a not in ordered]
        for position, a in enumerate(ordered):
            result[a.id] = (position, len(ordered))
    return result


def annotation_spans(doc: EafDocument, constraints: dict[str, str]) -> dict[str, Span]:
    """Times of every annotation by id.

    Args:
        doc: the document.
        constraints: tier id -> its linguistic type's constraint ('' when none).
    """
    slots = slot_times(doc)
    aligned = {s for s, v in doc.time_slots if v is not None}
    spans: dict[str, Span] = {}
    owners: dict[str, EafAnnotation] = {}
    order: dict[str, tuple[int, int]] = {}
    for tier in doc.tiers:
        if constraints.get(tier.id) == "Symbolic_Subdivision":
            order.update(_subdivision_orders(tier))
        for a in tier.annotations:
            owners[a.id] = a
            if a.alignable:
                spans[a.id] = Span(slots[a.ts1], slots[a.ts2], a.ts1 in aligned, a.ts2 in aligned)

    def span_within(a: EafAnnotation, parent: Span) -> Span:
        if a.id in order:
            position, count = order[a.id]
            step = (parent.end_ms - parent.start_ms) / count
            return Span(parent.start_ms + step * position, parent.start_ms + step * (position + 1))
        return Span(parent.start_ms, parent.end_ms)

    for annotation_id in owners:
        # Walk up to an annotation with a span, then give each one below it its span in turn:
        # no recursion, so a long chain of references cannot exhaust the stack. (Cycles are
        # refused when the file is parsed; the length bound only stops a document built in code.)
        chain: list[EafAnnotation] = []
        current = annotation_id
        while current not in spans and current in owners and len(chain) <= len(owners):
            chain.append(owners[current])
            current = owners[current].ref
        parent = spans.get(current, Span(0.0, 0.0))
        for a in reversed(chain):
            parent = spans[a.id] = span_within(a, parent)
    return spans


class SlotLayout:
    """Allocates time slots when writing: keeps the ids an import brought, shares a slot between
    annotations that agree on it, and makes new ids where they do not."""

    def __init__(self) -> None:
        self.slots: dict[str, tuple[int, bool, int]] = {}  # id -> (ms, aligned, arrival)
        self.next_number = 1

    def reserve(self, identifiers: list[str]) -> None:
        """Make new ids start after the highest number among those an import brought."""
        numbers = [number_of(i) for i in identifiers]
        self.next_number = max([self.next_number - 1, *numbers]) + 1

    def keep(self, identifier: str, ms: int | None) -> None:
        """Keep a slot no annotation uses (an imported file's orphan), as it was."""
        if identifier not in self.slots:
            self.slots[identifier] = (ms or 0, ms is not None, len(self.slots))

    def slot(self, wanted: str, ms: int, aligned: bool) -> str:
        """The slot id for a boundary at `ms` (aligned or not), reusing `wanted` when it fits."""
        if wanted and (wanted not in self.slots or self.slots[wanted][:2] == (ms, aligned)):
            self.slots.setdefault(wanted, (ms, aligned, len(self.slots)))
            return wanted
        while f"ts{self.next_number}" in self.slots:
            self.next_number += 1
        new = f"ts{self.next_number}"
        self.next_number += 1
        self.slots[new] = (ms, aligned, len(self.slots))
        return new

    def time_order(self) -> list[tuple[str, int | None]]:
        """The TIME_ORDER: slots by time, then by id number, unaligned ones without a value."""
        ordered = sorted(self.slots.items(), key=lambda kv: (kv[1][0], number_of(kv[0]), kv[1][2]))
        return [(slot, ms if aligned else None) for slot, (ms, aligned, _) in ordered]
