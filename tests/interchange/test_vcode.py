"""VCode files (real Lookit sessions coded by two people) and iCatcher+ output."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.coding.store import AnnotationStore
from annotate.errors import InterchangeError
from annotate.interchange.convert import read_any
from annotate.interchange.icatcher import UNKNOWN_TIER, read_icatcher
from annotate.interchange.store_files import import_file
from annotate.interchange.vcode import EXCLUDE_ATTR, STATE_TIER, VcodeOptions, read_vcode

from .builders import FIXTURES

VCODE = FIXTURES / "vcode"
SESSION = "031b7a7e-c105-4875-b2ae-e01e77f081cb.txt"
GAZE = VcodeOptions(states=("left", "right", "away"), exclude=("outofframe",))


def _write(tmp_path: Path, rows: list[str], name: str = "s.txt") -> Path:
    path = tmp_path / name
    head = "Offset: 250, Movie: trial.mp4, DataFile: (null)\nTracks: left, right, away, end\n"
    path.write_text(head + "Time,Duration,TrackName,comment\n\n" + "\n".join(rows) + "\n")
    return path


def test_plain_reading_gives_points_and_segments(tmp_path: Path) -> None:
    path = _write(
        tmp_path, ["1000,0,left,(null)", "500,200,fuss,cries, loudly", "3000,0,end,(null)"]
    )
    data = read_vcode(path)
    got = [(a.tier, a.code, a.start_s, a.end_s, a.note) for a in data.annotations]
    assert got == [
        ("fuss", "fuss", 0.5, 0.7, "cries, loudly"),
        ("left", "left", 1.0, 1.0, ""),
        ("end", "end", 3.0, 3.0, ""),
    ]
    assert data.media[0].url == "trial.mp4" and data.media[0].time_origin_s == 0.25


def test_states_last_to_the_next_look_or_trial_end(tmp_path: Path) -> None:
    rows = [
        "0,0,right,(null)",
        "1500,0,away,(null)",
        "2000,0,left,(null)",
        "4000,0,end,(null)",
        "5000,0,left,(null)",
        "6000,500,outofframe,(null)",
        "7000,0,end,(null)",
    ]
    data = read_vcode(_write(tmp_path, rows), "c1", GAZE)
    gaze = [(a.code, a.start_s, a.end_s) for a in data.annotations if a.tier == STATE_TIER]
    assert gaze == [("right", 0.0, 1.5), ("away", 1.5, 2.0), ("left", 2.0, 4.0), ("left", 5.0, 7.0)]
    excluded = [a for a in data.annotations if a.tier == "outofframe"]
    assert [(a.start_s, a.end_s, a.attr(EXCLUDE_ATTR)) for a in excluded] == [(6.0, 6.5, "1")]
    assert [a.start_s for a in data.annotations if a.tier == "end"] == [4.0, 7.0]
    assert all(a.coder == "c1" for a in data.annotations)


def test_real_sessions_read_with_states() -> None:
    for coder in ("coder1", "coder2"):
        data = read_any(VCODE / coder / SESSION, coder, vcode=GAZE)
        gaze = [a for a in data.annotations if a.tier == STATE_TIER]
        assert {a.code for a in gaze} == {"left", "right", "away"}
        assert all(a.end_s > a.start_s for a in gaze)
        starts = [a.start_s for a in gaze]
        assert starts == sorted(starts)


def test_bad_row_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, ["0,0,left,(null)", "soon,0,right,(null)"])
    with pytest.raises(
        InterchangeError, match=r"s.txt: line 6: Time \(ms\) 'soon' is not a number"
    ):
        read_vcode(path)


def test_icatcher_output_is_an_automatic_coder(tmp_path: Path) -> None:
    # iCatcher+ --output_format raw_output: "frame, class, confidence", one line per frame
    lines = [f"{k}, left, 0.9{k}" for k in range(3)] + [
        "3, noface, 0.0",
        "4, away, 0.8",
        "5, away, 0.6",
    ]
    path = tmp_path / "session_icatcher.txt"
    path.write_text("\n".join(lines) + "\n")
    data = read_any(path, fps=10)
    got = [(a.tier, a.code, a.start_s, a.end_s, a.coder) for a in data.annotations]
    assert got == [
        (STATE_TIER, "left", 0.0, 0.3, "icatcher"),
        (UNKNOWN_TIER, "noface", 0.3, 0.4, "icatcher"),
        (STATE_TIER, "away", 0.4, 0.6, "icatcher"),
    ]
    assert data.annotations[2].attr("confidence") == "0.7000"
    path.write_text("0, left, 0.9\n0, right, 0.8\n")
    with pytest.raises(InterchangeError, match="line 2: frame 0 does not follow 0"):
        read_icatcher(path)


def test_txt_that_is_neither_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello\n")
    with pytest.raises(InterchangeError, match="neither"):
        read_any(path)


def test_import_into_the_store_with_states(tmp_path: Path) -> None:
    with AnnotationStore(tmp_path / "annotate.sqlite") as store:
        result, _ = import_file(store, VCODE / "coder1" / SESSION, coder="c1", vcode=GAZE)
        stored = [s.annotation for s in store.annotations(coder="c1", tier=STATE_TIER)]
    expected = read_any(VCODE / "coder1" / SESSION, "c1", vcode=GAZE)
    assert result.count == len(expected.annotations)
    gaze = [(a.code, a.start_s, a.end_s) for a in expected.annotations if a.tier == STATE_TIER]
    assert sorted((a.code, a.start_s, a.end_s) for a in stored) == sorted(gaze)
