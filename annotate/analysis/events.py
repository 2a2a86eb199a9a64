"""Mechanism events on a session recording: from the annotation store or from a CSV log.

An event is a state segment (M14 singing from 12:30 to 15:10) or a point (M15 at 41:02), marked
on one recording. Two sources:

- the store: annotations whose scheme is `session_mechanisms` (configs/coding/) and whose code is
  a mechanism id (tiers `mechanism_segments` and `mechanism_moments`); they are on the video's
  time base already;
- a CSV written by hand from a session log, columns `mechanism, start, end` (and optionally
  `programme, session, label`); times in seconds or clock times (`10:03:05`), on the log's own
  time base, mapped onto the video with a `TimeMap` (`annotate align sync --out`, or
  `annotate align locate --out`). An empty end runs to the recording's end; end = start is a
  point. Rows of other sessions are left out when the programme and session are given.

`resolve_events` places the events on the recording: a point gets a window around it, an open end
becomes the recording's end, and an event outside the recording is refused (AlignmentError naming
the event, and the file and line it came from).
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from annotate.analysis.csv_reading import reading_csv
from annotate.coding.records import Annotation
from annotate.coding.schemes import ATTRIBUTES_TIER
from annotate.errors import AlignmentError, AnnotateError, InterchangeError
from annotate.study.mechanisms import MechanismCatalogue
from annotate.timeline.intervals import Event, Interval
from annotate.timeline.timebase import SyncPoint, SyncResidual, TimeMap, parse_seconds

MECHANISM_SCHEME = "session_mechanisms"
"""The configured scheme whose mechanism codes are events (configs/coding/)."""
LOG = "log"
"""Who marked an event that comes from a CSV log."""


@dataclass(frozen=True)
class MechanismEvent:
    """A mechanism event as its source gives it, on the recording's time base (seconds).

    Attributes:
        mechanism: The mechanism id, e.g. "M14".
        start_s: Start in seconds.
        end_s: End in seconds; None runs to the recording's end; equal to `start_s` for a point.
        who: The coder who marked it, or "log" for a CSV log.
        origin: Where it came from, for messages: "store annotation 12" or "line 4 of log.csv".
        label: A free label or note from the source ("" if none).
    """

    mechanism: str
    start_s: float
    end_s: float | None
    who: str
    origin: str
    label: str = ""

    @property
    def is_point(self) -> bool:
        """True for a point event (end equal to start)."""
        return self.end_s is not None and self.end_s == self.start_s


@dataclass(frozen=True)
class PlacedEvent:
    """An event resolved onto the recording.

    Attributes:
        event: The event as given.
        number: Its number among the events of its mechanism (1, 2, ...) in time order.
        marked: The event's own span (a point for a point event), inside the recording.
        window: The span analysed: `marked`, or for a point the window around it, cut to the
            recording.
    """

    event: MechanismEvent
    number: int
    marked: Interval
    window: Interval


def events_from_annotations(
    annotations: Iterable[Annotation], catalogue: MechanismCatalogue, origin: str = "store"
) -> list[MechanismEvent]:
    """The mechanism events among stored annotations (see the module docstring)."""
    found = []
    for index, a in enumerate(annotations, start=1):
        if is_mechanism_annotation(a, catalogue):
            found.append(
                MechanismEvent(
                    a.code, a.start_s, a.end_s, a.coder, f"{origin} annotation {index}", a.note
                )
            )
    return found


def is_mechanism_annotation(a: Annotation, catalogue: MechanismCatalogue) -> bool:
    """Whether a stored annotation is a mechanism event of the session_mechanisms scheme."""
    scheme_name = a.scheme.rpartition("@")[0] or a.scheme
    return scheme_name == MECHANISM_SCHEME and a.tier != ATTRIBUTES_TIER and a.code in catalogue


def _cell(row: dict[str, str | None], key: str) -> str:
    return (row.get(key) or "").strip()


def read_event_csv(
    path: Path,
    catalogue: MechanismCatalogue,
    time_map: TimeMap | None = None,
    programme: str = "",
    session: str = "",
) -> list[MechanismEvent]:
    """Mechanism events from a CSV log, mapped onto the video's time base.

    Args:
        path: The CSV (columns mechanism, start, end; optionally programme, session, label).
        catalogue: The known mechanisms (an unknown id is refused).
        time_map: Maps the log's times onto the video's (None: they are the video's already).
        programme: Keep only rows of this programme ("" keeps all).
        session: Keep only rows of this session ("" keeps all).

    Raises:
        InterchangeError: naming the file and line, for a missing column, an unknown mechanism,
            a malformed time, an end before its start; or when the file holds several sessions
            and none was chosen.
    """
    with reading_csv(path), path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = [c.strip().lower() for c in reader.fieldnames or []]
        missing = [c for c in ("mechanism", "start") if c not in columns]
        if missing:
            raise InterchangeError(
                f"expected columns mechanism, start, end (and optionally programme, session, "
                f"label); missing {', '.join(missing)}",
                path,
            )
        reader.fieldnames = columns
        rows = [
            (reader.line_num, row) for row in reader if any((v or "").strip() for v in row.values())
        ]
    chosen = _rows_of_session(rows, path, programme, session)
    return [_event(row, line, path, catalogue, time_map) for line, row in chosen]


def _rows_of_session(
    rows: Sequence[tuple[int, dict[str, str | None]]], path: Path, programme: str, session: str
) -> list[tuple[int, dict[str, str | None]]]:
    chosen = [
        (line, row)
        for line, row in rows
        if (not programme or _cell(row, "programme") in ("", programme))
        and (not session or _cell(row, "session") in ("", session))
    ]
    keys = sorted({(_cell(r, "programme"), _cell(r, "session")) for _, r in chosen} - {("", "")})
    if len(keys) > 1:
        shown = ", ".join("/".join(k for k in key if k) for key in keys[:6])
        raise InterchangeError(
            f"holds events of several sessions ({shown}); choose one with --programme and "
            "--session-no, or align over a manifest",
            path,
        )
    return chosen


def _event(
    row: dict[str, str | None],
    line: int,
    path: Path,
    catalogue: MechanismCatalogue,
    time_map: TimeMap | None,
) -> MechanismEvent:
    where = f"line {line}"
    mechanism = _cell(row, "mechanism").upper()
    if mechanism not in catalogue:
        raise InterchangeError(
            f"{where}: unknown mechanism {mechanism or '(empty)'!r} "
            f"(known: {catalogue.describe_ids()})",
            path,
        )
    try:
        start_s = parse_seconds(_cell(row, "start"))
        end_text = _cell(row, "end")
        end_s = parse_seconds(end_text) if end_text else None
    except AnnotateError as exc:
        raise InterchangeError(f"{where}: {exc.message}", path) from None
    if end_s is not None and end_s < start_s:
        raise InterchangeError(
            f"{where}: end {end_text} is before start {_cell(row, 'start')}", path
        )
    if time_map is not None:
        start_s = time_map.a_to_b(start_s)
        end_s = None if end_s is None else time_map.a_to_b(end_s)
    label = _cell(row, "label") or _cell(row, "note")
    return MechanismEvent(mechanism, start_s, end_s, LOG, f"{where} of {path}", label)


def read_time_map(path: Path) -> TimeMap:
    """A mapping recorded by `annotate align sync --out` or `annotate align locate --out`.

    Raises:
        InterchangeError: naming the file, when it is missing, not JSON, or lacks an offset.
    """
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InterchangeError("time map not found", path) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InterchangeError(f"not a time map (JSON): {exc}", path) from None
    if not isinstance(record, dict) or not isinstance(record.get("offset_s"), int | float):
        raise InterchangeError("not a time map: expected a JSON object with 'offset_s'", path)
    try:
        points = tuple(
            SyncResidual(
                SyncPoint(float(p["a_s"]), float(p["b_s"]), str(p.get("label", ""))),
                float(p["residual_s"]),
            )
            for p in record.get("points", [])
        )
        return TimeMap(float(record["offset_s"]), float(record.get("drift", 0.0)), points)
    except (KeyError, TypeError, ValueError) as exc:
        raise InterchangeError(f"malformed time map entry ({exc!r})", path) from None
    except AlignmentError as exc:
        raise InterchangeError(exc.message, path) from None


def resolve_events(
    events: Iterable[MechanismEvent],
    recording: Interval,
    window_s: float,
    tolerance_s: float = 0.5,
) -> list[PlacedEvent]:
    """Place events on the recording, numbered per mechanism in time order.

    Args:
        events: The events.
        recording: The recording's span, seconds (0 to its duration).
        window_s: Seconds analysed on each side of a point event.
        tolerance_s: An event reaching past the recording by at most this is cut to it (a log
            rounded to the second, the last frame's length).

    Raises:
        AlignmentError: naming the event and its source, when it lies outside the recording or
            reaches past it by more than the tolerance; or a negative window.
    """
    if not (math.isfinite(window_s) and window_s >= 0):
        raise AlignmentError(f"--window must be 0 s or more, got {window_s}")
    placed: list[tuple[MechanismEvent, Interval, Interval]] = []
    for event in events:
        name = f"{event.mechanism} {'point' if event.is_point else 'segment'} ({event.origin})"
        marked = Event(name, event.start_s, event.end_s).resolve(recording, tolerance_s)
        window = marked
        if event.is_point:
            wide = marked.expand(window_s)
            window = Interval(
                max(wide.start_s, recording.start_s), min(wide.end_s, recording.end_s)
            )
        placed.append((event, marked, window))
    placed.sort(key=lambda item: (item[0].mechanism, item[1].start_s, item[1].end_s))
    result: list[PlacedEvent] = []
    counts: dict[str, int] = {}
    for event, marked, window in placed:
        counts[event.mechanism] = counts.get(event.mechanism, 0) + 1
        result.append(PlacedEvent(event, counts[event.mechanism], marked, window))
    return result
