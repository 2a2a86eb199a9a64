"""Sync inputs and reports: A=B texts, CSVs of sync points, offsets, the report, the JSON record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.analysis.sync import (
    describe_time_map,
    parse_sync_point,
    read_sync_points,
    sync_time_bases,
    write_time_map,
)
from annotate.errors import AlignmentError, InterchangeError, OutputError
from annotate.timeline.timebase import SyncPoint, TimeMap


@pytest.mark.parametrize(
    ("text", "a", "b"),
    [("12=754.5", 12.0, 754.5), ("10:03:05 = 0", 36185.0, 0.0), ("-1.5=2", -1.5, 2.0)],
)
def test_parse_sync_point(text: str, a: float, b: float) -> None:
    point = parse_sync_point(text)
    assert (point.a_s, point.b_s, point.label) == (a, b, text.strip())


@pytest.mark.parametrize(("text", "message"), [("12", "must be A=B"), ("x=1", "time 'x'")])
def test_malformed_sync_point(text: str, message: str) -> None:
    with pytest.raises(AlignmentError, match=message):
        parse_sync_point(text)


def test_read_sync_points_with_and_without_labels(tmp_path: Path) -> None:
    path = tmp_path / "points.csv"
    path.write_text("A,B,label\n10:03:05,0,clap\n10:33:05,1800.2,\n\n")
    points = read_sync_points(path)
    assert points == [SyncPoint(36185.0, 0.0, "clap"), SyncPoint(37985.0, 1800.2, "line 3")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x,y\n1,2\n", "expected columns a and b"),
        ("a,b\n1,2\n3,later\n", "line 3: time 'later'"),
    ],
)
def test_refused_sync_point_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "points.csv"
    path.write_text(text)
    with pytest.raises(InterchangeError, match=message) as caught:
        read_sync_points(path)
    assert str(caught.value).startswith(str(path))


def test_missing_sync_point_file(tmp_path: Path) -> None:
    with pytest.raises(InterchangeError, match="file not found"):
        read_sync_points(tmp_path / "absent.csv")


@pytest.mark.parametrize(
    ("points", "offset", "message"),
    [
        ([], None, "give two or more sync points"),
        ([SyncPoint(0, 1), SyncPoint(1, 2)], 3.0, "not both"),
    ],
)
def test_offset_or_points(points: list[SyncPoint], offset: float | None, message: str) -> None:
    with pytest.raises(AlignmentError, match=message):
        sync_time_bases(points, offset)


def test_report_flags_points_over_the_tolerance() -> None:
    points = [SyncPoint(0.0, 5.0, "start"), SyncPoint(10.0, 15.0, "mid"), SyncPoint(20.0, 25.6)]
    lines = describe_time_map(sync_time_bases(points, drift=False), tolerance_s=0.25)
    assert lines[0].startswith("offset: +5.200 s")
    assert lines[1].startswith("drift: +0.0 ppm")
    assert lines[3].startswith("start") and lines[3].endswith("-0.2000")
    assert lines[5].startswith("20 s = 25.6 s") and lines[5].endswith("+0.4000  > tolerance")
    assert lines[-1] == "largest residual: 0.4000 s (tolerance 0.25 s): refused"


def test_report_of_a_fixed_offset() -> None:
    lines = describe_time_map(sync_time_bases([], offset_s=-36185.0), tolerance_s=0.1)
    assert lines == [
        "offset: -36185.000 s (time in B = offset + (1 + drift) x time in A)",
        "drift: +0.0 ppm (+0.000 s per hour)",
        "fixed offset: no sync points to check",
    ]


def test_time_map_record_round_trips_through_json(tmp_path: Path) -> None:
    fitted = sync_time_bases([SyncPoint(0.0, 2.0, "a"), SyncPoint(3600.0, 3602.36, "b")])
    path = write_time_map(fitted, tmp_path / "map.json", tolerance_s=0.1)
    record = json.loads(path.read_text())
    assert record["tolerance_s"] == 0.1
    rebuilt = TimeMap(record["offset_s"], record["drift"])
    assert rebuilt.a_to_b(1800.0) == pytest.approx(fitted.a_to_b(1800.0))
    assert [p["label"] for p in record["points"]] == ["a", "b"]
    with pytest.raises(OutputError, match="exists already"):
        write_time_map(fitted, path, tolerance_s=0.1)
