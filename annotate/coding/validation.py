"""Checks an annotation must pass before the store keeps it.

The code exists on its tier (unless the tier is open), start <= end, a point event has no
duration, times lie inside the clip (once its duration is known), modifier values are among
those allowed, attributes hold allowed values once per clip and coder, and state codes on an
exclusive tier do not overlap one another. Every refusal is a StoreError saying which annotation
(and, for imports, which element of the source file) and why.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable

from annotate.coding.records import Annotation
from annotate.coding.schemes import ATTRIBUTES_TIER, MODIFIER_SEPARATOR, POINT, Code, Scheme
from annotate.errors import StoreError

_EPSILON = 1e-9
_NO_CHOICE = ("", "None")


def where(a: Annotation) -> str:
    """Where an annotation came from, for messages ('ELAN annotation a12', 'BORIS ...', '')."""
    if a.attr("eaf.id"):
        return f"ELAN annotation {a.attr('eaf.id')}: "
    if a.attr("part"):
        return f"observation '{a.attr('part')}': "
    return ""


def describe(a: Annotation) -> str:
    """An annotation in a few words: tier/code and its times."""
    times = f"{a.start_s:.3f} s" if a.is_point else f"{a.start_s:.3f}-{a.end_s:.3f} s"
    return f"{where(a)}{a.tier}/{a.code} at {times}"


def _check_modifiers(a: Annotation, code: Code) -> None:
    if not a.value or not code.modifiers:
        return
    parts = a.value.split(MODIFIER_SEPARATOR)
    if len(parts) > len(code.modifiers):
        raise StoreError(
            f"{describe(a)}: value '{a.value}' has {len(parts)} modifiers; code '{code.name}' has "
            f"{len(code.modifiers)} set(s) ({', '.join(m.name for m in code.modifiers)})"
        )
    for part, modifier in zip(parts, code.modifiers, strict=False):
        if not modifier.values:
            continue
        for choice in (c.strip() for c in part.split(",")):
            if choice not in _NO_CHOICE and choice not in modifier.values:
                allowed = ", ".join(modifier.values)
                raise StoreError(
                    f"{describe(a)}: modifier '{choice}' is not in set '{modifier.name}' "
                    f"({allowed})"
                )


def _check_attribute(a: Annotation, scheme: Scheme) -> None:
    attribute = scheme.attribute(a.code)
    if attribute is None:
        known = ", ".join(x.name for x in scheme.attributes) or "none"
        raise StoreError(
            f"{describe(a)}: '{a.code}' is not an attribute of {scheme.id} (attributes: {known})"
        )
    problem = attribute.check(a.value)
    if problem:
        raise StoreError(f"{describe(a)}: attribute '{a.code}' = '{a.value}' {problem}")
    if a.start_s != 0.0 or a.end_s != 0.0:
        raise StoreError(f"{describe(a)}: attributes hold for the whole clip; give them time 0")


def check_annotation(
    a: Annotation, scheme: Scheme, duration_s: float | None = None, fps: float | None = None
) -> None:
    """Refuse an annotation that does not fit its scheme or its clip.

    Args:
        a: the annotation.
        scheme: the scheme it follows.
        duration_s: the clip's length in seconds (None: not known yet, not checked).
        fps: the clip's frame rate; the end may pass the duration by one frame interval (the
            container's duration is frame count / fps and may miss the last frame's length).

    Raises:
        StoreError: naming the annotation and the problem.
    """
    if not a.coder:
        raise StoreError(f"{describe(a)}: no coder given")
    if not (a.start_s >= 0.0):
        raise StoreError(f"{describe(a)}: start {a.start_s} s is before the clip's start")
    if not (a.end_s >= a.start_s):
        raise StoreError(f"{describe(a)}: end {a.end_s} s is before start {a.start_s} s")
    if duration_s is not None:
        slack = 1.0 / fps if fps else 0.04
        if a.end_s > duration_s + slack + _EPSILON:
            raise StoreError(f"{describe(a)}: ends after the clip's end ({duration_s:.3f} s)")
    if a.tier == ATTRIBUTES_TIER and scheme.attributes:
        _check_attribute(a, scheme)
        return
    tier = scheme.tier(a.tier)
    if tier is None:
        known = ", ".join(t.name for t in scheme.tiers)
        raise StoreError(
            f"{describe(a)}: tier '{a.tier}' is not in scheme {scheme.id} (tiers: {known})"
        )
    code = tier.code(a.code)
    if code is None:
        if tier.open:
            return
        known = ", ".join(c.name for c in tier.codes)
        raise StoreError(
            f"{describe(a)}: code '{a.code}' is not on tier '{tier.name}' of {scheme.id} "
            f"(codes: {known})"
        )
    if code.type == POINT and not a.is_point:
        raise StoreError(
            f"{describe(a)}: '{code.name}' is a point code; give no end, or end = start"
        )
    if a.is_open and (code.type == POINT or not a.is_point):
        raise StoreError(
            f"{describe(a)}: only a state not ended yet is open (its end is its start)"
        )
    _check_modifiers(a, code)


def check_together(annotations: Iterable[Annotation], scheme: Scheme) -> None:
    """Refuse overlapping states on exclusive tiers, and attributes set twice.

    Annotations are grouped by clip (or media), coder and tier; touching states (one ends where
    the next starts) do not overlap.

    Raises:
        StoreError: naming the two annotations in conflict.
    """
    groups: dict[tuple[str, str, str, str], list[Annotation]] = defaultdict(list)
    for a in annotations:
        groups[(a.clip_sha256, a.media, a.coder, a.tier)].append(a)
    for (_, _, _, tier_name), members in groups.items():
        if tier_name == ATTRIBUTES_TIER and scheme.attributes:
            seen: dict[str, Annotation] = {}
            for a in members:
                if a.code in seen:
                    raise StoreError(
                        f"{describe(a)}: attribute '{a.code}' is already set "
                        f"('{seen[a.code].value}'); change that one"
                    )
                seen[a.code] = a
            continue
        tier = scheme.tier(tier_name)
        if tier is None or not tier.exclusive:
            continue
        points = {c.name for c in tier.codes if c.type == POINT}
        states = sorted(
            (a for a in members if a.code not in points), key=lambda a: (a.start_s, a.end_s)
        )
        for before, after in itertools.pairwise(states):
            if after.start_s < before.end_s - _EPSILON:
                raise StoreError(
                    f"{describe(after)} overlaps {before.tier}/{before.code} at "
                    f"{before.start_s:.3f}-{before.end_s:.3f} s; states on tier '{tier.name}' "
                    "are exclusive"
                )
