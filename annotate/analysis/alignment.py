"""Aligning annotations and features with mechanism events: per event, and outside them all.

For each mechanism marked on a session recording, each of its events (a segment, or the window
around a point) is tallied (annotate.analysis.measures), and so is the time outside all events of
that mechanism: the baseline. Two tables come out:

- the long table, one row per event x measure (and per `outside` x measure):
  `recording, programme, session, mechanism, event, start, end, duration, source, tier, label,
  who, measure, value` (times in seconds on the recording; `event` is the event's number within
  its mechanism, or `outside`);
- the summary, one row per programme x mechanism x measure, pooled over that programme's sessions
  that have the mechanism (counts and seconds added before rates and shares are taken):
  `programme, mechanism, name, source, tier, label, who, measure, sessions, events, inside_s,
  outside_s, inside, outside, difference` (inside - outside). With several programmes, rows for
  programme `all` pool every session.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from annotate.analysis.clip_features import ClipFeatures
from annotate.analysis.events import MechanismEvent, PlacedEvent, resolve_events
from annotate.analysis.measures import (
    EMPTY,
    Tally,
    episode_quantities,
    manual_quantities,
    measures,
    tally,
)
from annotate.coding.records import Annotation
from annotate.errors import AlignmentError
from annotate.study.mechanisms import MechanismCatalogue, mechanism_number
from annotate.timeline.intervals import Interval, gaps

OUTSIDE = "outside"
ALL_PROGRAMMES = "all"
LONG_COLUMNS = (
    "recording",
    "programme",
    "session",
    "mechanism",
    "event",
    "start",
    "end",
    "duration",
    "source",
    "tier",
    "label",
    "who",
    "measure",
    "value",
)
SUMMARY_COLUMNS = (
    "programme",
    "mechanism",
    "name",
    "source",
    "tier",
    "label",
    "who",
    "measure",
    "sessions",
    "events",
    "inside_s",
    "outside_s",
    "inside",
    "outside",
    "difference",
)


@dataclass(frozen=True)
class SessionInput:
    """Everything aligned for one recording.

    Attributes:
        recording: The recording's name (its clip id).
        programme: Its programme ("" if unknown).
        session: Its session within the programme ("" if unknown).
        span: The recording's span, seconds (0 to its duration).
        events: Its mechanism events.
        annotations: Its manual annotations (mechanism events and attributes left out).
        features: Its automatic features, or None when not extracted.
    """

    recording: str
    programme: str
    session: str
    span: Interval
    events: tuple[MechanismEvent, ...]
    annotations: tuple[Annotation, ...] = ()
    features: ClipFeatures | None = None


@dataclass(frozen=True)
class MechanismAlignment:
    """One mechanism on one recording: its events' tallies, and inside and outside them all."""

    mechanism: str
    events: tuple[PlacedEvent, ...]
    event_tallies: tuple[Tally, ...]
    inside: Tally
    outside: Tally
    outside_spans: tuple[Interval, ...]


@dataclass(frozen=True)
class SessionAlignment:
    """A recording's alignment: what it was, and one entry per mechanism marked on it."""

    session: SessionInput
    mechanisms: tuple[MechanismAlignment, ...]


def align_session(
    session: SessionInput, window_s: float = 5.0, tolerance_s: float = 0.5
) -> SessionAlignment:
    """Tally every event of every mechanism on a recording, and the time outside them.

    Args:
        session: The recording's events, annotations and features.
        window_s: Seconds analysed on each side of a point event.
        tolerance_s: How far an event may reach past the recording and be cut to it.

    Raises:
        AlignmentError: the recording has no mechanism events, or an event lies outside it
            (naming the event and where it came from).
    """
    if not session.events:
        raise AlignmentError(
            f"{session.recording}: no mechanism events (none in the store for this recording, "
            "and no --events CSV rows for it)"
        )
    placed = resolve_events(session.events, session.span, window_s, tolerance_s)
    manual = manual_quantities(session.annotations)
    features = session.features
    episodes = episode_quantities(features) if features is not None else None
    found = []
    for mechanism in sorted({p.event.mechanism for p in placed}, key=mechanism_number):
        mine = tuple(p for p in placed if p.event.mechanism == mechanism)
        windows = [p.window for p in mine]
        outside = tuple(gaps(windows, session.span))
        found.append(
            MechanismAlignment(
                mechanism,
                mine,
                tuple(tally([w], manual, features, episodes) for w in windows),
                tally(windows, manual, features, episodes),
                tally(outside, manual, features, episodes),
                outside,
            )
        )
    return SessionAlignment(session, tuple(found))


def _rows(
    session: SessionInput, mechanism: str, event: str, span: Interval | None, result: Tally
) -> list[tuple[object, ...]]:
    start = span.start_s if span is not None else np.nan
    end = span.end_s if span is not None else np.nan
    return [
        (
            session.recording,
            session.programme,
            session.session,
            mechanism,
            event,
            start,
            end,
            result.span_s,
            m.quantity.source,
            m.quantity.tier,
            m.quantity.label,
            m.quantity.who,
            m.measure,
            m.value,
        )
        for m in measures(result)
    ]


def long_table(alignments: Iterable[SessionAlignment]) -> pd.DataFrame:
    """One row per event x measure, then the mechanism's `outside` rows (see the docstring)."""
    rows: list[tuple[object, ...]] = []
    for alignment in alignments:
        for m in alignment.mechanisms:
            for placed, result in zip(m.events, m.event_tallies, strict=True):
                rows += _rows(
                    alignment.session, m.mechanism, str(placed.number), placed.window, result
                )
            rows += _rows(alignment.session, m.mechanism, OUTSIDE, None, m.outside)
    return pd.DataFrame(rows, columns=list(LONG_COLUMNS))


def _pooled(
    alignments: Sequence[SessionAlignment], programme: str | None
) -> dict[str, tuple[int, int, Tally, Tally]]:
    """Per mechanism: sessions, events, pooled inside and outside tallies."""
    pooled: dict[str, tuple[int, int, Tally, Tally]] = {}
    for alignment in alignments:
        if programme is not None and alignment.session.programme != programme:
            continue
        for m in alignment.mechanisms:
            sessions, events, inside, outside = pooled.get(m.mechanism, (0, 0, EMPTY, EMPTY))
            pooled[m.mechanism] = (
                sessions + 1,
                events + len(m.events),
                inside.plus(m.inside),
                outside.plus(m.outside),
            )
    return pooled


def summary_table(
    alignments: Sequence[SessionAlignment], catalogue: MechanismCatalogue
) -> pd.DataFrame:
    """One row per programme x mechanism x measure, pooled (see the module docstring)."""
    programmes = list(dict.fromkeys(a.session.programme for a in alignments))
    groups: list[tuple[str, str | None]] = [(p, p) for p in programmes]
    if len(programmes) > 1:
        groups.append((ALL_PROGRAMMES, None))
    rows: list[tuple[object, ...]] = []
    for label, programme in groups:
        pooled = _pooled(alignments, programme)
        for mechanism in sorted(pooled, key=mechanism_number):
            sessions, events, inside, outside = pooled[mechanism]
            name = catalogue.get(mechanism).name if mechanism in catalogue else ""
            outside_values = {(m.quantity, m.measure): m.value for m in measures(outside)}
            for m in measures(inside):
                out = outside_values.get((m.quantity, m.measure), np.nan)
                q = m.quantity
                rows.append(
                    (
                        label,
                        mechanism,
                        name,
                        q.source,
                        q.tier,
                        q.label,
                        q.who,
                        m.measure,
                        sessions,
                        events,
                        inside.span_s,
                        outside.span_s,
                        m.value,
                        out,
                        m.value - out,
                    )
                )
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))
