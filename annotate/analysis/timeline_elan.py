"""A recording's timeline as an ELAN file, so that a coder sees all of it in ELAN.

Written with annotate.interchange's EAF writer, as coding records (`CodingData`) under a scheme
`timeline@1` that holds:

- `mechanisms` (participant `session`): every mechanism event, its code the mechanism id (state
  or point as configs/mechanisms.yaml says), the event's label as its note;
- the manual tiers, as the coders' schemes define them (one ELAN tier per coder when several
  coded a tier: `tier [coder]`), values and notes on child tiers;
- one tier per episode kind and role, `auto_<role>_<kind>` (participant: the role; annotator:
  `annotate`), the face episodes and the vocal ones; a vocal response's latency (seconds) is its
  value, on the child tier `auto_<role>_vocal_response:value`.

The media descriptor links the recording (absolute URL, and relative to the ELAN file). ELAN
counts milliseconds, so times are rounded to the millisecond. The scheme rides in the file's
header, so `read_eaf` gives back the same records (`items_from_coding` turns them back into the
timeline's items).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from pathlib import Path

from annotate.analysis.sources import RecordingSources
from annotate.analysis.timeline_export import (
    AUTOMATIC,
    EPISODE_TIER,
    MANUAL,
    MECHANISM,
    MECHANISM_TIER,
    TimelineItem,
    auto_lane,
    kind_rank,
)
from annotate.coding.records import Annotation, CodingData, MediaRef
from annotate.coding.schemes import POINT, STATE, Code, Scheme, Tier
from annotate.interchange.store_files import merge_schemes
from annotate.study.mechanisms import MechanismCatalogue

TIMELINE_SCHEME, TIMELINE_VERSION = "timeline", "1"
TOOL = "annotate"
_AUTO_DESCRIPTION = "automatic: {kind} episodes of the {role}, from the feature extraction"


def _ms(t_s: float) -> float:
    return round(t_s * 1000.0) / 1000.0


def _mechanism_tier(catalogue: MechanismCatalogue, schemes: Sequence[Scheme]) -> Tier:
    colours = {c.name: c.colour for s in schemes for t in s.tiers for c in t.codes if c.colour}
    codes = tuple(
        Code(
            m.id,
            POINT if m.where == "moments" else STATE,
            colour=colours.get(m.id),
            label=m.name,
        )
        for m in catalogue
    )
    return Tier(
        MECHANISM_TIER,
        role="session",
        codes=codes,
        exclusive=False,
        description="mechanism events (segments, and moments as points)",
    )


def timeline_scheme(
    items: Sequence[TimelineItem], schemes: Sequence[Scheme], catalogue: MechanismCatalogue
) -> Scheme:
    """The scheme of the ELAN file: mechanisms, the manual tiers in use, the automatic tiers."""
    manual_names = list(dict.fromkeys(i.tier for i in items if i.source == MANUAL))
    known = {t.name: t for t in merge_schemes(list(schemes)).tiers} if schemes else {}
    # parents are dropped: a parent tier may hold nothing in this recording, and is not written
    manual = [
        dataclasses.replace(known[name], parent="")
        if name in known
        else Tier(name, open=True, exclusive=False)
        for name in manual_names
    ]
    autos = dict.fromkeys((i.label, i.who) for i in items if i.source == AUTOMATIC)
    automatic = [
        Tier(
            auto_lane(kind, role),
            role=role,
            codes=(Code(kind),),
            exclusive=True,
            description=_AUTO_DESCRIPTION.format(kind=kind, role=role),
        )
        for kind, role in sorted(autos, key=lambda kr: (kr[1], kind_rank(kr[0]), kr[0]))
    ]
    return Scheme(
        TIMELINE_SCHEME,
        TIMELINE_VERSION,
        tiers=(_mechanism_tier(catalogue, schemes), *manual, *automatic),
        description="A recording's timeline: mechanism events, manual and automatic tiers",
    )


def _annotation(item: TimelineItem, sha256: str, scheme_id: str) -> Annotation:
    if item.source == AUTOMATIC:
        tier, coder, code, value, note = (
            auto_lane(item.label, item.who),
            TOOL,
            item.label,
            item.value,
            "",
        )
    elif item.source == MECHANISM:
        tier, coder, code, value, note = MECHANISM_TIER, item.who, item.label, "", item.value
    else:
        tier, coder, code, value, note = item.tier, item.who, item.label, item.value, item.note
    return Annotation(
        sha256, coder, tier, code, _ms(item.start_s), _ms(item.end_s), value, note, scheme_id
    )


def media_ref(sources: RecordingSources, relative_to: Path) -> MediaRef:
    """The recording as an ELAN media descriptor: its absolute URL and, when it can be reached
    from `relative_to` (the ELAN file's folder), its relative URL."""
    path = Path(sources.clip.path) if sources.clip.path else None
    if path is None or not path.is_absolute():
        return MediaRef(url=sources.clip.name, mime_type=sources.clip.mime_type)
    try:
        relative = os.path.relpath(path, relative_to.resolve())
    except ValueError:  # another drive on Windows
        relative = ""
    return MediaRef(
        url=path.as_uri(),
        relative_url=f"./{Path(relative).as_posix()}" if relative else "",
        mime_type=sources.clip.mime_type,
        duration_s=sources.clip.duration_s,
    )


def timeline_coding_data(
    items: Sequence[TimelineItem],
    sources: RecordingSources,
    catalogue: MechanismCatalogue,
    relative_to: Path,
) -> CodingData:
    """The timeline as coding records for the EAF writer (see the module docstring)."""
    scheme = timeline_scheme(items, sources.schemes, catalogue)
    annotations = tuple(_annotation(i, sources.clip.sha256, scheme.id) for i in items)
    return CodingData(scheme, annotations, (media_ref(sources, relative_to),), source="timeline")


def items_from_coding(data: CodingData) -> list[TimelineItem]:
    """The timeline's items from records written by `timeline_coding_data` (and read back)."""
    items = []
    for a in data.annotations:
        tier = data.scheme.tier(a.tier)
        if a.tier == MECHANISM_TIER:
            item = TimelineItem(
                MECHANISM, a.coder, MECHANISM_TIER, a.code, a.start_s, a.end_s, a.note
            )
        elif tier is not None and a.coder == TOOL and a.tier == auto_lane(a.code, tier.role):
            item = TimelineItem(
                AUTOMATIC, tier.role, EPISODE_TIER, a.code, a.start_s, a.end_s, a.value
            )
        else:
            item = TimelineItem(
                MANUAL, a.coder, a.tier, a.code, a.start_s, a.end_s, a.value, a.note
            )
        items.append(item)
    return items
