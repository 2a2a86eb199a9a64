"""Alignment of annotations and features with mechanism events, on a recording built by hand
(60 s, sampled at 10 per second) whose figures are worked out below."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pandas as pd
import pytest

from annotate.analysis.alignment import (
    LONG_COLUMNS,
    SUMMARY_COLUMNS,
    SessionInput,
    align_session,
    long_table,
    summary_table,
)
from annotate.errors import AlignmentError
from annotate.study.mechanisms import MechanismCatalogue
from annotate.timeline.intervals import Interval

from .builders import event, extraction, feature_table, note

# Mutual gaze 10-20 s and 40-45 s; the mother smiles 0-30 s.
# M14 (singing) 10-20 s and 40-50 s; M15 (reflective function) a point at 30 s, window 5 s.
# The facilitator sings 10-19 s; the mother talks (points) at 5, 12 and 42 s.


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> SessionInput:
    table = feature_table(60.0, mutual=[(10, 20), (40, 45)], smile={"mother": [(0, 30)]})
    features = extraction(tmp_path_factory.mktemp("features"), table)
    return SessionInput(
        recording="session_a1_2",
        programme="A1",
        session="2",
        span=Interval(0.0, 60.0),
        events=(event("M14", 10, 20), event("M14", 40, 50), event("M15", 30, 30)),
        annotations=(
            note("facilitator", "sings", 10, 19),
            note("mother", "talks", 5),
            note("mother", "talks", 12),
            note("mother", "talks", 42),
        ),
        features=features,
    )


def _value(
    table: pd.DataFrame, mechanism: str, event_: str, label: str, measure: str, who: str = ""
) -> float:
    """One value; a feature's share or mean comes from the features, a count from episodes."""
    tier = {"share": "features", "mean": "features", "seconds": "features"}.get(measure, "episodes")
    manual = table["source"] == "manual"
    rows = table[
        (table["mechanism"] == mechanism)
        & (table["event"] == event_)
        & (table["label"] == label)
        & (table["measure"] == measure)
        & ((table["who"] == who) if who else True)
        & (manual | (table["tier"] == tier))
    ]
    assert len(rows) == 1, rows
    return float(rows["value"].iloc[0])


def test_each_event_and_the_time_outside_are_tallied(session: SessionInput) -> None:
    table = long_table([align_session(session, window_s=5.0)])
    assert list(table.columns) == list(LONG_COLUMNS)

    # M14, event 1 (10-20 s): all in mutual gaze; the singing covers 9 of its 10 s
    assert _value(table, "M14", "1", "mutual_gaze", "share", "dyad") == pytest.approx(1.0)
    assert _value(table, "M14", "1", "sings", "count") == 1
    assert _value(table, "M14", "1", "sings", "duration_s") == pytest.approx(9.0)
    assert _value(table, "M14", "1", "sings", "share") == pytest.approx(0.9)
    assert _value(table, "M14", "1", "sings", "rate_per_min") == pytest.approx(6.0)
    assert _value(table, "M14", "1", "talks", "rate_per_min") == pytest.approx(6.0)
    # event 2 (40-50 s): mutual gaze half of it, in one episode
    assert _value(table, "M14", "2", "mutual_gaze", "share", "dyad") == pytest.approx(0.5)
    assert _value(table, "M14", "2", "mutual_gaze", "count", "dyad") == 1
    assert _value(table, "M14", "2", "sings", "count") == 0
    # outside M14 (0-10, 20-40, 50-60: 40 s): no mutual gaze; one talk in 40 s
    assert _value(table, "M14", "outside", "mutual_gaze", "share", "dyad") == pytest.approx(0.0)
    assert _value(table, "M14", "outside", "mutual_gaze", "count", "dyad") == 0  # touching only
    assert _value(table, "M14", "outside", "talks", "rate_per_min") == pytest.approx(1.5)
    assert _value(table, "M14", "outside", "analysed", "seconds") == pytest.approx(40.0)
    # the mother smiles 0-30 s: all of event 1, none of event 2
    assert _value(table, "M14", "1", "smiling", "mean", "adult") == pytest.approx(1.0)
    assert _value(table, "M14", "2", "smiling", "mean", "adult") == pytest.approx(0.0)
    assert _value(table, "M14", "1", "faces_visible", "mean") == pytest.approx(2.0)
    assert _value(table, "M14", "1", "dyads_present", "mean") == pytest.approx(1.0)


def test_a_point_event_is_analysed_in_its_window(session: SessionInput) -> None:
    table = long_table([align_session(session, window_s=5.0)])
    rows = table[(table["mechanism"] == "M15") & (table["event"] == "1")]
    assert rows["start"].iloc[0] == 25.0 and rows["end"].iloc[0] == 35.0
    assert _value(table, "M15", "1", "mutual_gaze", "share", "dyad") == pytest.approx(0.0)
    # outside M15: 50 s, of which 15 in mutual gaze; the smile covers 25 of them
    assert _value(table, "M15", "outside", "mutual_gaze", "share", "dyad") == pytest.approx(0.3)
    assert _value(table, "M15", "outside", "smiling", "mean", "adult") == pytest.approx(0.5)


def test_the_summary_pools_events_and_compares_with_outside(
    session: SessionInput, catalogue: MechanismCatalogue
) -> None:
    summary = summary_table([align_session(session)], catalogue)
    assert list(summary.columns) == list(SUMMARY_COLUMNS)
    mutual = summary[
        (summary["mechanism"] == "M14")
        & (summary["label"] == "mutual_gaze")
        & (summary["measure"] == "share")
    ].iloc[0]
    assert mutual["name"] == "Singing" and mutual["programme"] == "A1"
    assert (mutual["sessions"], mutual["events"]) == (1, 2)
    assert (mutual["inside_s"], mutual["outside_s"]) == (20.0, 40.0)
    assert mutual["inside"] == pytest.approx(0.75)
    assert mutual["outside"] == pytest.approx(0.0)
    assert mutual["difference"] == pytest.approx(0.75)


def test_sessions_pool_per_programme_and_over_all(
    session: SessionInput, catalogue: MechanismCatalogue, tmp_path: Path
) -> None:
    table = feature_table(30.0, mutual=[(0, 30)])
    other = SessionInput(
        "session_b7_1",
        "B7",
        "1",
        Interval(0.0, 30.0),
        (event("M14", 0, 15),),
        (),
        extraction(tmp_path, table),
    )
    summary = summary_table([align_session(session), align_session(other)], catalogue)
    shares = summary[(summary["label"] == "mutual_gaze") & (summary["measure"] == "share")]
    by_programme = {
        (r.programme, r.mechanism): (r.inside, r.outside, r.sessions) for r in shares.itertuples()
    }
    assert by_programme[("A1", "M14")] == pytest.approx((0.75, 0.0, 1))
    assert by_programme[("B7", "M14")] == pytest.approx((1.0, 1.0, 1))
    # all: 15 + 15 s of mutual gaze in 35 s of events; 0 + 15 s in 55 s outside
    assert by_programme[("all", "M14")] == pytest.approx((30 / 35, 15 / 55, 2))
    assert ("all", "M15") in by_programme


def test_without_features_only_the_annotations_are_tallied(session: SessionInput) -> None:
    bare = dataclasses.replace(session, features=None)
    table = long_table([align_session(bare)])
    assert set(table["source"]) == {"manual"}


def test_an_event_covering_the_whole_recording_has_no_baseline(session: SessionInput) -> None:
    whole = dataclasses.replace(session, events=(event("M8", 0, None),))
    table = long_table([align_session(whole)])
    assert _value(table, "M8", "1", "talks", "rate_per_min") == pytest.approx(3.0)
    assert _value(table, "M8", "outside", "talks", "count") == 0
    assert math.isnan(_value(table, "M8", "outside", "talks", "rate_per_min"))


def test_a_recording_without_events_is_refused(session: SessionInput) -> None:
    with pytest.raises(AlignmentError, match="session_a1_2: no mechanism events"):
        align_session(dataclasses.replace(session, events=()))


def test_an_event_outside_the_recording_is_refused(session: SessionInput) -> None:
    late = dataclasses.replace(session, events=(event("M14", 70, 80),))
    with pytest.raises(AlignmentError, match=r"M14 segment .* lies outside the recording"):
        align_session(late)
