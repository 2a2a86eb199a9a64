"""A recording's timeline for analysis: every interval from every source, long and on a grid.

Sources, all on the recording's time base (seconds):

- `manual`: the coders' annotations in the store (who: the coder; tier and label: the tier and
  code; value: the modifiers);
- `mechanism`: mechanism events from the store or a CSV log (tier `mechanisms`, label: the id
  such as M14, who: the coder or `log`, value: the event's label); an open end becomes the
  recording's end; an event outside the recording is refused;
- `automatic`: the extraction's episodes (tier `episodes`, label: the kind, who: the role), the
  face episodes and the vocal ones (`vocalisation` of mother, infant or other_adult, `cry`,
  `overlap`, `vocal_response` with its latency in seconds as the value, `singing_hint`).

The long form has one row per interval: `source, clip, dyad, who, tier, label, start, end,
duration, value` (seconds; the duration rounded to the microsecond). Each interval sits in a lane
(`lane_name`): its manual tier (with ` [coder]` when several coders used it), `mechanisms`
(whoever marked them; the ELAN file has a tier per coder), or `auto_<role>_<kind>`
(`auto_<kind>` when the kind names its role, as infant_gaze_aversion). The wide form
(annotate.analysis.timeline_wide) and the ELAN file (annotate.analysis.timeline_elan) are built
from the same lanes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from annotate.analysis.sources import RecordingSources
from annotate.columns import EPISODE_KINDS
from annotate.errors import AlignmentError
from annotate.timeline.intervals import Event

MANUAL, MECHANISM, AUTOMATIC = "manual", "mechanism", "automatic"
MECHANISM_TIER, EPISODE_TIER = "mechanisms", "episodes"
TIMELINE_COLUMNS = (
    "source",
    "clip",
    "dyad",
    "who",
    "tier",
    "label",
    "start",
    "end",
    "duration",
    "value",
)


@dataclass(frozen=True)
class TimelineItem:
    """One interval of the timeline (a point when `end_s == start_s`), seconds."""

    source: str
    who: str
    tier: str
    label: str
    start_s: float
    end_s: float
    value: str = ""
    note: str = ""

    @property
    def is_point(self) -> bool:
        """True for a point (zero length)."""
        return self.end_s == self.start_s


def auto_lane(kind: str, role: str) -> str:
    """The lane (and ELAN tier) of an episode kind for a role: `auto_mother_smile`,
    `auto_infant_gaze_aversion` (the kind names its role), `auto_dyad_mutual_gaze`."""
    return f"auto_{kind}" if kind.startswith(f"{role}_") else f"auto_{role}_{kind}"


def timeline_items(sources: RecordingSources, tolerance_s: float = 0.5) -> list[TimelineItem]:
    """Every interval of a recording, mechanisms first, then manual, then automatic, each in
    time order.

    Raises:
        AlignmentError: a mechanism event lies outside the recording (naming it).
    """
    span = sources.span
    mechanisms = []
    for e in sources.events:
        name = f"{e.mechanism} ({e.origin})"
        placed = Event(name, e.start_s, e.end_s).resolve(span, tolerance_s)
        mechanisms.append(
            TimelineItem(
                MECHANISM, e.who, MECHANISM_TIER, e.mechanism, placed.start_s, placed.end_s, e.label
            )
        )
    manual = [
        TimelineItem(MANUAL, a.coder, a.tier, a.code, a.start_s, a.end_s, a.value, a.note)
        for a in sources.annotations
    ]
    automatic = [
        TimelineItem(AUTOMATIC, e.role, EPISODE_TIER, e.kind, e.start_s, e.end_s, _value(e.value))
        for e in (sources.features.episodes if sources.features is not None else ())
    ]

    def order(item: TimelineItem) -> tuple[object, ...]:
        return (item.tier, item.who, item.start_s, item.end_s, item.label)

    def auto_order(item: TimelineItem) -> tuple[object, ...]:
        return (item.who, kind_rank(item.label), item.label, item.start_s, item.end_s)

    return (
        sorted(mechanisms, key=order)
        + sorted(manual, key=order)
        + sorted(automatic, key=auto_order)
    )


def _value(value: float | None) -> str:
    """An episode's value as text (a response's latency, seconds), '' when it has none."""
    return "" if value is None else f"{value:.3f}"


def kind_rank(kind: str) -> int:
    """Where an episode kind comes in lists: the order of annotate.columns.EPISODE_KINDS."""
    return EPISODE_KINDS.index(kind) if kind in EPISODE_KINDS else len(EPISODE_KINDS)


def lane_names(items: Sequence[TimelineItem]) -> list[str]:
    """The lane of each item (see the module docstring)."""
    coders: dict[tuple[str, str], set[str]] = {}
    for item in items:
        coders.setdefault((item.source, item.tier), set()).add(item.who)
    return [lane_name(item, len(coders[(item.source, item.tier)]) > 1) for item in items]


def lane_name(item: TimelineItem, several: bool) -> str:
    """One item's lane; `several`: other coders used its tier too."""
    if item.source == AUTOMATIC:
        return auto_lane(item.label, item.who)
    if item.source == MECHANISM:
        return MECHANISM_TIER
    return f"{item.tier} [{item.who}]" if several else item.tier


def long_timeline(
    items: Sequence[TimelineItem], clip: str, dyad: str = "", ndigits: int | None = None
) -> pd.DataFrame:
    """The long form: one row per interval (columns TIMELINE_COLUMNS).

    Args:
        items: The intervals.
        clip: The recording's name, for the `clip` column.
        dyad: The dyad's id, for the `dyad` column.
        ndigits: Round times to this many decimals (3: ELAN's milliseconds); None keeps them.
    """

    def r(x: float) -> float:
        return x if ndigits is None else round(x, ndigits)

    rows = [
        (
            i.source,
            clip,
            dyad,
            i.who,
            i.tier,
            i.label,
            r(i.start_s),
            r(i.end_s),
            round(r(i.end_s) - r(i.start_s), 6),
            i.value,
        )
        for i in items
    ]
    return pd.DataFrame(rows, columns=list(TIMELINE_COLUMNS))


def check_items(items: Sequence[TimelineItem], what: str) -> None:
    """Refuse an empty timeline, naming the recording.

    Raises:
        AlignmentError: there is nothing to export.
    """
    if not items:
        raise AlignmentError(
            "nothing to export: no annotations in the store, no mechanism events and no "
            "episodes (give --db, --events or --features)",
            what,
        )
