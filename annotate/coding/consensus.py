"""Two coders' codings of one clip side by side: where they disagree, and the agreed version.

    result = compare_coders(a, b, duration_s=180.0, step_s=1 / 30, tolerance_s=1.0)
    result.disagreements                 # in time order: stretches of states, unmatched points
    base = agreed(a, b, result, "consensus")
    wanted = take(base, a, b, result.disagreements[0], TAKE_B, "consensus")
    plan = plan_changes(stored_consensus, wanted)   # what to delete and add in the store

The comparison is the one `annotate reliability` makes (annotate.coding.reliability):

- **States**, tier by tier, on the frame grid of `bin_labels` (each step labelled by the codes at
  its midpoint). A disagreement is a run of steps where the two labels differ, split where the
  pair of labels changes. Its ends are the coders' own boundaries (the start or end of a state of
  either coder lying within half a step of the grid's edge), so a stretch taken from one coder
  keeps that coder's times exactly. Differences of less than half a step are not listed, as they
  are not counted by the agreement figure.
- **Points**, per code, are paired one to one within the tolerance by `pair_events` (the
  matcher of the reliability figures); each point left without a partner is a disagreement.

The agreed version holds A's states outside every stretch (where both coders give the same
label) and, of each matched pair of points, A's point. `take` puts one coder's version of one
disagreement into the consensus coder's annotations; touching pieces of the same code, value and
note are joined, so a stretch taken next to the agreed part continues it.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from annotate.coding.records import Annotation
from annotate.coding.reliability import (
    NONE_LABEL,
    EventAgreement,
    Kappa,
    bin_labels,
    cohen_kappa,
    pair_events,
)

STATE = "state"
POINT = "point"
TAKE_A = "a"
TAKE_B = "b"
_EPS = 1e-6


@dataclass(frozen=True)
class Disagreement:
    """One place where the two coders differ on a tier.

    Attributes:
        tier: the tier.
        kind: 'state' (a stretch of time) or 'point' (a point without a partner).
        start_s, end_s: the stretch (a point: its time, twice).
        label_a, label_b: each coder's codes there ('(none)': nothing; 'a+b': two states at once).
    """

    tier: str
    kind: str
    start_s: float
    end_s: float
    label_a: str
    label_b: str

    @property
    def key(self) -> str:
        """A name for this disagreement that the page can send back (see `from_key`)."""
        times = (f"{self.start_s:.6f}", f"{self.end_s:.6f}")
        return "|".join((self.kind, *times, self.tier, self.label_a, self.label_b))

    @classmethod
    def from_key(cls, key: str) -> Disagreement:
        """The disagreement a key names.

        Raises:
            ValueError: not a key made by `key`.
        """
        parts = key.split("|")
        if len(parts) != 6 or parts[0] not in (STATE, POINT):
            raise ValueError(f"not a disagreement's key: {key[:80]!r}")
        kind, start, end, tier, label_a, label_b = parts
        return cls(tier, kind, float(start), float(end), label_a, label_b)

    def same_place(self, other: Disagreement) -> bool:
        """Whether two disagreements are the same one (times within a microsecond)."""
        return (
            (self.tier, self.kind, self.label_a, self.label_b)
            == (other.tier, other.kind, other.label_a, other.label_b)
            and abs(self.start_s - other.start_s) < _EPS
            and abs(self.end_s - other.end_s) < _EPS
        )


@dataclass(frozen=True)
class TierAgreement:
    """The agreement figure of one tier: kappa of its states, matched points of all its codes."""

    tier: str
    kappa: Kappa | None
    events: EventAgreement | None


@dataclass(frozen=True)
class Comparison:
    """Two codings compared (A first): disagreements in time order, figures per tier."""

    step_s: float
    tolerance_s: float
    disagreements: tuple[Disagreement, ...]
    tiers: dict[str, TierAgreement] = field(hash=False)
    matched: tuple[tuple[Annotation, Annotation], ...] = ()

    def stretches(self, tier: str) -> list[tuple[float, float]]:
        """The stretches of state disagreements on a tier."""
        return [
            (d.start_s, d.end_s) for d in self.disagreements if d.tier == tier and d.kind == STATE
        ]

    def find(self, wanted: Disagreement) -> Disagreement | None:
        """The disagreement at the same place as `wanted`, or None when it is not there."""
        return next((d for d in self.disagreements if d.same_place(wanted)), None)


def _states(items: Iterable[Annotation], tier: str) -> list[Annotation]:
    return [x for x in items if x.tier == tier and not x.is_point]


def _points(items: Iterable[Annotation], tier: str) -> list[Annotation]:
    return [x for x in items if x.tier == tier and x.is_point]


def _snap(edge: float, candidates: Sequence[float], step_s: float) -> float:
    """The coders' boundary that made the label change at a grid edge (the edge when none);
    `candidates` sorted."""
    k = bisect.bisect_left(candidates, edge)
    near = [c for c in candidates[max(0, k - 1) : k + 1] if abs(c - edge) <= step_s / 2 + 1e-9]
    return min(near, key=lambda c: abs(c - edge)) if near else edge


def _state_stretches(
    tier: str, a: list[Annotation], b: list[Annotation], duration_s: float, step_s: float
) -> tuple[list[Disagreement], Kappa | None]:
    if not (a or b) or duration_s <= 0:
        return [], None
    labels_a = bin_labels([(x.start_s, x.end_s, x.code) for x in a], duration_s, step_s)
    labels_b = bin_labels([(x.start_s, x.end_s, x.code) for x in b], duration_s, step_s)
    edges = sorted({0.0, duration_s, *(t for x in (*a, *b) for t in (x.start_s, x.end_s))})
    found: list[Disagreement] = []
    k, count = 0, len(labels_a)
    while k < count:
        pair = (labels_a[k], labels_b[k])
        if pair[0] == pair[1]:
            k += 1
            continue
        first = k
        while k < count and (labels_a[k], labels_b[k]) == pair:
            k += 1
        start = _snap(first * step_s, edges, step_s)
        end = min(_snap(k * step_s, edges, step_s), duration_s)
        found.append(Disagreement(tier, STATE, start, end, pair[0], pair[1]))
    return found, cohen_kappa(labels_a, labels_b)


def _point_misses(
    tier: str, a: list[Annotation], b: list[Annotation], tolerance_s: float
) -> tuple[list[Disagreement], list[tuple[Annotation, Annotation]], EventAgreement | None]:
    if not (a or b):
        return [], [], None
    found: list[Disagreement] = []
    matched: list[tuple[Annotation, Annotation]] = []
    for code in sorted({x.code for x in (*a, *b)}):
        of_a = [x for x in a if x.code == code]
        of_b = [x for x in b if x.code == code]
        pairs = pair_events([x.start_s for x in of_a], [x.start_s for x in of_b], tolerance_s)
        matched.extend((of_a[i], of_b[j]) for i, j in pairs)
        paired_a, paired_b = {i for i, _ in pairs}, {j for _, j in pairs}
        for i, x in enumerate(of_a):
            if i not in paired_a:
                found.append(Disagreement(tier, POINT, x.start_s, x.start_s, code, NONE_LABEL))
        for j, x in enumerate(of_b):
            if j not in paired_b:
                found.append(Disagreement(tier, POINT, x.start_s, x.start_s, NONE_LABEL, code))
    events = EventAgreement(len(a), len(b), len(matched), tolerance_s)
    return found, matched, events


def compare_coders(
    a: Sequence[Annotation],
    b: Sequence[Annotation],
    *,
    duration_s: float,
    step_s: float,
    tolerance_s: float,
) -> Comparison:
    """Compare coder A's and coder B's annotations of one clip (see the module docstring).

    Args:
        a, b: each coder's annotations of the clip (clip attributes left out by the caller).
        duration_s: the clip's length (the frame grid covers it).
        step_s: the grid step, seconds (one frame of the clip, as `annotate reliability`).
        tolerance_s: how far apart two points of a code may be and still match.

    Raises:
        ValueError: step_s is not above 0.
    """
    if not step_s > 0:
        raise ValueError(f"the grid step must be above 0 s, got {step_s}")
    tiers = list(dict.fromkeys(x.tier for x in (*a, *b)))
    found: list[Disagreement] = []
    matched: list[tuple[Annotation, Annotation]] = []
    figures: dict[str, TierAgreement] = {}
    for tier in tiers:
        stretches, kappa = _state_stretches(
            tier, _states(a, tier), _states(b, tier), duration_s, step_s
        )
        misses, pairs, events = _point_misses(tier, _points(a, tier), _points(b, tier), tolerance_s)
        found.extend(stretches + misses)
        matched.extend(pairs)
        figures[tier] = TierAgreement(tier, kappa, events)
    found.sort(key=lambda d: (d.start_s, d.end_s, tiers.index(d.tier), d.kind))
    return Comparison(step_s, tolerance_s, tuple(found), figures, tuple(matched))


# building the consensus ---------------------------------------------------------------------------


def _as(coder: str, x: Annotation) -> Annotation:
    """A copy of x as the consensus coder's, without the source's attrs."""
    return Annotation(
        clip_sha256=x.clip_sha256,
        coder=coder,
        tier=x.tier,
        code=x.code,
        start_s=x.start_s,
        end_s=x.end_s,
        value=x.value,
        note=x.note,
        scheme=x.scheme,
        media=x.media,
    )


def _cut(items: Iterable[Annotation], start: float, end: float) -> list[Annotation]:
    """The parts of states outside [start, end)."""
    out = []
    for x in items:
        if x.end_s <= start + _EPS or x.start_s >= end - _EPS:
            out.append(x)
            continue
        if x.start_s < start - _EPS:
            out.append(x.replace(end_s=start))
        if x.end_s > end + _EPS:
            out.append(x.replace(start_s=end))
    return out


def _inside(items: Iterable[Annotation], start: float, end: float) -> list[Annotation]:
    """The parts of states inside [start, end)."""
    out = []
    for x in items:
        lo, hi = max(x.start_s, start), min(x.end_s, end)
        if hi > lo + _EPS:
            out.append(x.replace(start_s=lo, end_s=hi))
    return out


def _join(items: Iterable[Annotation]) -> list[Annotation]:
    """States of the same tier, code, value and note that touch or overlap, joined."""
    out: list[Annotation] = []
    for x in sorted(items, key=lambda y: (y.tier, y.code, y.value, y.note, y.start_s)):
        last = out[-1] if out else None
        if (
            last is not None
            and (last.tier, last.code, last.value, last.note) == (x.tier, x.code, x.value, x.note)
            and x.start_s <= last.end_s + _EPS
        ):
            out[-1] = last.replace(end_s=max(last.end_s, x.end_s))
        else:
            out.append(x)
    return out


def _same_point(x: Annotation, tier: str, code: str, t: float) -> bool:
    return x.is_point and x.tier == tier and x.code == code and abs(x.start_s - t) < _EPS


def agreed(
    a: Sequence[Annotation], b: Sequence[Annotation], result: Comparison, coder: str
) -> list[Annotation]:
    """What both coders agree on, as the consensus coder's annotations: A's states outside every
    disagreement stretch, and A's point of each matched pair."""
    out: list[Annotation] = []
    for tier in result.tiers:
        pieces = _states(a, tier)
        for start, end in result.stretches(tier):
            pieces = _cut(pieces, start, end)
        out.extend(_as(coder, x) for x in pieces)
    out.extend(_as(coder, x) for x, _ in result.matched)
    return _join([x for x in out if not x.is_point]) + [x for x in out if x.is_point]


def take(
    current: Sequence[Annotation],
    a: Sequence[Annotation],
    b: Sequence[Annotation],
    disagreement: Disagreement,
    side: str,
    coder: str,
) -> list[Annotation]:
    """The consensus coder's annotations after taking one coder's version of one disagreement.

    Args:
        current: the consensus coder's annotations now.
        a, b: the two coders' annotations.
        disagreement: where.
        side: TAKE_A or TAKE_B.
        coder: the consensus coder's name.

    Raises:
        ValueError: side is neither TAKE_A nor TAKE_B.
    """
    if side not in (TAKE_A, TAKE_B):
        raise ValueError(f"take '{TAKE_A}' or '{TAKE_B}', not {side!r}")
    d = disagreement
    source = a if side == TAKE_A else b
    rest = [x for x in current if x.tier != d.tier]
    states, points = _states(current, d.tier), _points(current, d.tier)
    if d.kind == STATE:
        taken = [_as(coder, x) for x in _inside(_states(source, d.tier), d.start_s, d.end_s)]
        return rest + _join(_cut(states, d.start_s, d.end_s) + taken) + points
    label = d.label_a if d.label_a != NONE_LABEL else d.label_b
    owner = a if d.label_a != NONE_LABEL else b
    points = [x for x in points if not _same_point(x, d.tier, label, d.start_s)]
    if owner is source:
        found = next(x for x in owner if _same_point(x, d.tier, label, d.start_s))
        points.append(_as(coder, found))
    return rest + states + points


def take_agreed(
    current: Sequence[Annotation], agreed_part: Sequence[Annotation], result: Comparison
) -> list[Annotation]:
    """The consensus coder's annotations with every agreed part copied in: outside the
    disagreement stretches a compared tier's states become the agreed ones; inside them, the
    decisions made so far stay; agreed points are added where missing."""
    out = [x for x in current if x.tier not in result.tiers]
    for tier in result.tiers:
        kept: list[Annotation] = []
        for start, end in result.stretches(tier):
            kept.extend(_inside(_states(current, tier), start, end))
        joined = _join(kept + _states(agreed_part, tier))
        points = _points(current, tier)
        for x in _points(agreed_part, tier):
            if not any(_same_point(y, tier, x.code, x.start_s) for y in points):
                points.append(x)
        out.extend(joined + points)
    return out


def decided(
    current: Sequence[Annotation],
    a: Sequence[Annotation],
    b: Sequence[Annotation],
    disagreement: Disagreement,
) -> str:
    """What the consensus says now at a disagreement: TAKE_A or TAKE_B when it matches that
    coder's version there (A first when both would), 'other' when neither, 'open' while the
    consensus has nothing at all on the tier."""
    d = disagreement
    if not any(x.tier == d.tier for x in current):
        return "open"
    if d.kind == POINT:
        label = d.label_a if d.label_a != NONE_LABEL else d.label_b
        has = any(_same_point(x, d.tier, label, d.start_s) for x in current)
        owner = TAKE_A if d.label_a != NONE_LABEL else TAKE_B
        return owner if has else (TAKE_B if owner == TAKE_A else TAKE_A)

    def shape(items: Sequence[Annotation]) -> list[tuple[str, float, float]]:
        pieces = _join(_inside(_states(items, d.tier), d.start_s, d.end_s))
        return sorted((x.code, round(x.start_s, 6), round(x.end_s, 6)) for x in pieces)

    mine = shape(current)
    if mine == shape(a):
        return TAKE_A
    if mine == shape(b):
        return TAKE_B
    return "other"


def _identity(x: Annotation) -> tuple[str, str, float, float, str, str]:
    return (x.tier, x.code, round(x.start_s, 6), round(x.end_s, 6), x.value, x.note)


@dataclass(frozen=True)
class Plan:
    """The store changes that turn the stored consensus into the wanted one."""

    delete: tuple[int, ...]
    add: tuple[Annotation, ...]

    def __bool__(self) -> bool:
        return bool(self.delete or self.add)


def plan_changes(stored: Sequence[tuple[int, Annotation]], wanted: Sequence[Annotation]) -> Plan:
    """What to delete (row ids) and add so that the stored annotations become `wanted`;
    annotations that stay as they are (same tier, code, times, value, note) are left alone."""
    left = [_identity(x) for x in wanted]
    delete = []
    for row_id, x in stored:
        key = _identity(x)
        if key in left:
            left.remove(key)
        else:
            delete.append(row_id)
    add = []
    for x in wanted:
        key = _identity(x)
        if key in left:
            left.remove(key)
            add.append(x)
    return Plan(tuple(delete), tuple(add))
