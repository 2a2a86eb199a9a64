"""Mechanism events: from a CSV log (clock times, time maps, sessions), from the store, and placed
on a recording (windows, open ends, refusals)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.analysis.events import (
    MechanismEvent,
    events_from_annotations,
    read_event_csv,
    read_time_map,
    resolve_events,
)
from annotate.analysis.sync import write_time_map
from annotate.errors import AlignmentError, InterchangeError
from annotate.study.mechanisms import MechanismCatalogue
from annotate.timeline.intervals import Interval
from annotate.timeline.timebase import SyncPoint, TimeMap, fit_time_map

from .builders import event, note


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_clock_times_of_a_log_are_mapped_onto_the_video(
    tmp_path: Path, catalogue: MechanismCatalogue
) -> None:
    path = _csv(
        tmp_path,
        "mechanism,start,end,label\nM14,10:03:05,10:05:35,hello song\nm15,10:10:00,10:10:00,\n"
        "M6,10:20:00,,strokes\n",
    )
    clock_to_video = TimeMap.fixed(-36185.0)  # 10:03:05 on the clock is 0 s in the video
    events = read_event_csv(path, catalogue, clock_to_video)

    assert [(e.mechanism, e.start_s, e.end_s) for e in events] == [
        ("M14", 0.0, 150.0),
        ("M15", 415.0, 415.0),
        ("M6", 1015.0, None),
    ]
    assert events[1].is_point and not events[0].is_point
    assert events[0].label == "hello song" and events[0].who == "log"
    assert events[0].origin == f"line 2 of {path}"


def test_a_time_map_recorded_by_align_sync_is_read_back(tmp_path: Path) -> None:
    fitted = fit_time_map([SyncPoint(0.0, 12.0, "clap"), SyncPoint(100.0, 112.01, "bell")])
    path = write_time_map(fitted, tmp_path / "map.json", tolerance_s=0.1)
    again = read_time_map(path)

    assert again.offset_s == pytest.approx(fitted.offset_s)
    assert again.drift == pytest.approx(fitted.drift)
    assert [r.point.label for r in again.residuals] == ["clap", "bell"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("start,end\n1,2\n", "missing mechanism"),
        ("mechanism,start,end\nM99,1,2\n", "line 2: unknown mechanism 'M99'"),
        ("mechanism,start,end\nM14,1,2\nM14,soon,3\n", "line 3: time 'soon'"),
        ("mechanism,start,end\nM14,5,2\n", "line 2: end 2 is before start 5"),
    ],
)
def test_malformed_rows_are_refused_naming_the_line(
    tmp_path: Path, catalogue: MechanismCatalogue, text: str, message: str
) -> None:
    path = _csv(tmp_path, text)
    with pytest.raises(InterchangeError, match=message) as caught:
        read_event_csv(path, catalogue)
    assert str(caught.value).startswith(str(path))


def test_a_log_of_several_sessions_needs_a_choice(
    tmp_path: Path, catalogue: MechanismCatalogue
) -> None:
    path = _csv(
        tmp_path,
        "programme,session,mechanism,start,end\nA1,1,M14,1,2\nA1,2,M14,3,4\nA1,2,M6,5,9\n"
        ",,M15,7,7\n",
    )
    with pytest.raises(InterchangeError, match=r"several sessions \(A1/1, A1/2\)"):
        read_event_csv(path, catalogue)

    chosen = read_event_csv(path, catalogue, programme="A1", session="2")
    # rows of session A1/2, and the row that names no session
    assert [(e.mechanism, e.start_s) for e in chosen] == [("M14", 3.0), ("M6", 5.0), ("M15", 7.0)]


def test_only_mechanism_codes_of_the_session_scheme_are_events(
    catalogue: MechanismCatalogue,
) -> None:
    marked = [
        note("mechanism_segments", "M14", 1.0, 5.0).replace(scheme="session_mechanisms@1"),
        note("mechanism_moments", "M15", 7.0).replace(scheme="session_mechanisms@1"),
        note("facilitator", "sings", 1.0, 5.0).replace(scheme="session_mechanisms@1"),
        note("attributes", "M4", 0.0, value="Y").replace(scheme="session_mechanisms@1"),
        note("infant", "M14", 1.0, 2.0).replace(scheme="care_clip@1"),
    ]
    events = events_from_annotations(marked, catalogue)
    assert [(e.mechanism, e.start_s, e.end_s) for e in events] == [
        ("M14", 1.0, 5.0),
        ("M15", 7.0, 7.0),
    ]


RECORDING = Interval(0.0, 100.0)


def test_points_get_a_window_cut_to_the_recording_and_events_are_numbered() -> None:
    placed = resolve_events(
        [event("M15", 2.0, 2.0), event("M14", 50.0, None), event("M14", 10.0, 20.0)],
        RECORDING,
        window_s=5.0,
    )
    assert [(p.event.mechanism, p.number) for p in placed] == [("M14", 1), ("M14", 2), ("M15", 1)]
    assert placed[0].window == Interval(10.0, 20.0)
    assert placed[1].window == Interval(50.0, 100.0)  # open end: to the recording's end
    assert placed[2].marked == Interval(2.0, 2.0)
    assert placed[2].window == Interval(0.0, 7.0)  # 5 s each side, cut at 0


def test_an_end_just_past_the_recording_is_cut_within_the_tolerance() -> None:
    placed = resolve_events([event("M14", 90.0, 100.3)], RECORDING, 5.0, tolerance_s=0.5)
    assert placed[0].window == Interval(90.0, 100.0)


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (event("M14", 120.0, 130.0), "lies outside the recording"),
        (event("M14", 90.0, 104.0), "ends 4 s after the recording"),
        (event("M15", -3.0, -3.0), "lies outside the recording"),
    ],
)
def test_events_outside_the_recording_are_refused_naming_them(
    given: MechanismEvent, message: str
) -> None:
    with pytest.raises(AlignmentError, match=message) as caught:
        resolve_events([given], RECORDING, 5.0)
    assert "test event" in str(caught.value)  # where the event came from


def test_a_negative_window_is_refused() -> None:
    with pytest.raises(AlignmentError, match="--window"):
        resolve_events([event("M15", 5.0, 5.0)], RECORDING, -1.0)
