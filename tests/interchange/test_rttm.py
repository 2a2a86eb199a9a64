"""RTTM (VTC's voices) in and out, through the converter."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.errors import InterchangeError
from annotate.interchange.convert import parts, read_any, select_part, write_any
from annotate.interchange.rttm import read_rttm, rttm_text


def test_the_vtc_example(shared_fixtures: Path) -> None:
    data = read_any(shared_fixtures / "audio" / "childproject_vtc_example.rttm")
    assert len(data.annotations) == 15
    assert {a.coder for a in data.annotations} == {"vtc"}
    assert parts(data) == ["namibie_aiku_20160714_1", "namibie_aiku_20170315_2"]
    roles = {t.name: t.role for t in data.scheme.tiers}
    assert roles == {
        "SPEECH": "",
        "KCHI": "infant",
        "CHI": "other_child",
        "FEM": "mother",
        "MAL": "other_adult",
    }
    first = data.annotations[0]
    assert (first.tier, first.code, first.start_s) == ("SPEECH", "vocalisation", 1982.193)
    assert first.end_s == pytest.approx(1982.492)
    assert len(select_part(data, "namibie_aiku_20160714_1").annotations) == 5


def test_a_round_trip_keeps_times(shared_fixtures: Path, tmp_path: Path) -> None:
    data = read_any(shared_fixtures / "audio" / "childproject_vtc_example.rttm", coder="lab")
    out = write_any(data, tmp_path / "back.rttm")
    again = read_any(out, coder="lab")
    key = lambda a: (a.attr("part"), a.start_s, a.tier)  # noqa: E731
    for a, b in zip(sorted(data.annotations, key=key), again.annotations, strict=True):
        assert (a.tier, a.start_s, a.attr("part")) == (b.tier, b.start_s, b.attr("part"))
        assert a.end_s == pytest.approx(b.end_s, abs=1e-6)
    with pytest.raises(Exception, match="exists already"):
        write_any(data, out)


def test_bad_lines_name_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rttm"
    bad.write_text("SPEAKER f 1 0.5 x <NA> <NA> FEM <NA> <NA>\n")
    with pytest.raises(InterchangeError, match=r"bad.rttm: line 1: duration 'x' is not a number"):
        read_rttm(bad)
    bad.write_text("SPEAKER f 1 0.5\n")
    with pytest.raises(InterchangeError, match="line 1: a SPEAKER line needs at least 8 fields"):
        read_rttm(bad)


def test_other_lines_are_skipped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "mixed.rttm"
    path.write_text(
        ";; a comment\nSPKR-INFO f 1 <NA> <NA> <NA> unknown FEM <NA> <NA>\n"
        "SPEAKER f 1 1.0 2.0 <NA> <NA> FEM <NA> <NA>\n"
    )
    data = read_rttm(path)
    assert len(data.annotations) == 1 and data.annotations[0].end_s == 3.0
    assert data.warnings == (f"{path}: 1 SPKR-INFO lines skipped (only SPEAKER lines are read)",)


def test_points_cannot_be_written(shared_fixtures: Path) -> None:
    data = read_any(shared_fixtures / "audio" / "childproject_vtc_example.rttm")
    point = data.annotations[0].replace(end_s=data.annotations[0].start_s)
    with pytest.raises(InterchangeError, match="1 point events"):
        rttm_text(type(data)(data.scheme, (point,), (), "x"))
