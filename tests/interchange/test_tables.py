"""Long tables (CSV, Parquet) and `convert` between every format."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotate.coding.records import LONG_COLUMNS, Annotation, CodingData
from annotate.errors import InterchangeError, OutputError
from annotate.interchange.convert import convert, read_any, select_part, write_any
from annotate.interchange.eaf_xml import parse_eaf
from annotate.interchange.tables import frame_of, read_csv, read_parquet, write_csv, write_parquet

from .builders import BORIS, FIXTURES, small_data


def _fields(data: CodingData) -> list[tuple[object, ...]]:
    return [
        (
            a.clip_sha256,
            a.media,
            a.coder,
            a.scheme,
            a.tier,
            a.code,
            a.start_s,
            a.end_s,
            a.value,
            a.note,
            a.attrs,
        )
        for a in data.annotations
    ]


def test_csv_has_the_long_columns_and_frames(tmp_path: Path) -> None:
    out = write_csv(small_data(), tmp_path / "a.csv", fps=25.0)
    rows = list(csv.DictReader(out.open()))
    assert tuple(rows[0]) == LONG_COLUMNS
    assert (rows[0]["start"], rows[0]["end"], rows[0]["start_frame"], rows[0]["end_frame"]) == (
        "0.5",
        "2.25",
        "12",
        "56",
    )
    assert rows[3]["duration"] == "0.0"  # a point event


@pytest.mark.parametrize(
    ("t", "fps", "frame"),
    [(0.0, 25.0, 0), (0.04, 25.0, 1), (0.0399, 25.0, 0), (1 / 3, 30.0, 10), (2.0, 29.97, 59)],
)
def test_frame_of(t: float, fps: float, frame: int) -> None:
    assert frame_of(t, fps) == frame


def test_csv_round_trip(tmp_path: Path) -> None:
    data = small_data()
    back = read_csv(write_csv(data, tmp_path / "a.csv"))
    assert _fields(back) == _fields(data)
    assert back.scheme.tier("gaze").open  # type: ignore[union-attr]  # a CSV brings no vocabulary


def test_parquet_round_trip_keeps_scheme_and_media(tmp_path: Path) -> None:
    data = small_data()
    back = read_parquet(write_parquet(data, tmp_path / "a.parquet", fps=30.0))
    assert _fields(back) == _fields(data)
    assert back.scheme == data.scheme and back.media == data.media
    table = pq.read_table(tmp_path / "a.parquet")
    assert (
        table.schema.field("start").type == "double"
        and table.column("end_frame").to_pylist()[0] == 67
    )


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=10)
_time = st.floats(min_value=0, max_value=1e5, allow_nan=False)


@st.composite
def _rows(draw: st.DrawFn) -> list[Annotation]:
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(_time)
        end = start + draw(st.floats(min_value=0, max_value=1e3, allow_nan=False))
        attrs = tuple(
            sorted(
                draw(
                    st.dictionaries(
                        st.sampled_from(["eaf.id", "part", "x"]), _text.filter(bool), max_size=2
                    )
                ).items()
            )
        )
        rows.append(
            Annotation(
                draw(st.sampled_from(["", "ab" * 32])),
                draw(_text),
                draw(_text.filter(bool)),
                draw(_text),
                start,
                end,
                draw(_text),
                draw(_text),
                "s@1",
                draw(_text),
                attrs,
            )
        )
    return rows


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=_rows())
def test_any_rows_survive_csv_and_parquet(rows: list[Annotation], tmp_path: Path) -> None:
    data = dataclasses.replace(small_data(), annotations=tuple(rows))
    assert _fields(read_csv(write_csv(data, tmp_path / "h.csv", force=True))) == _fields(data)
    assert _fields(
        read_parquet(write_parquet(data, tmp_path / "h.parquet", force=True))
    ) == _fields(data)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tier,code\nt,c\n", "line 1: missing column\\(s\\) start"),
        (
            "tier,code,start,end\nt,c,1.0,2.0\nt,c,soon,3\n",
            "line 3: column 'start': 'soon' is not a number",
        ),
        ("tier,code,start,end\nt,c,5.0,2.0\n", "line 2: end 2.0 is before start 5.0"),
        ("tier,code,start,attrs\nt,c,1,[1]\n", "line 2: column 'attrs' is not a JSON object"),
    ],
)
def test_malformed_csv_names_the_line(text: str, message: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InterchangeError, match=message):
        read_csv(path)


def test_minimal_csv_reads_with_defaults(tmp_path: Path) -> None:
    path = tmp_path / "min.csv"
    path.write_text("tier,code,start\ninfant,cries,1.5\n")
    (a,) = read_csv(path).annotations
    assert (a.tier, a.code, a.start_s, a.end_s, a.coder) == ("infant", "cries", 1.5, 1.5, "")


ELAN_SAMPLE = FIXTURES / "elan" / "pympi_sample_3.0.eaf.gz"


def test_elan_through_parquet_and_back_is_the_same_document(tmp_path: Path) -> None:
    convert(FIXTURES / "elan" / "speach_test.eaf", tmp_path / "x.parquet")
    convert(tmp_path / "x.parquet", tmp_path / "x.eaf")
    original, again = (
        parse_eaf(FIXTURES / "elan" / "speach_test.eaf"),
        parse_eaf(tmp_path / "x.eaf"),
    )
    assert again.tiers == original.tiers and again.after == original.after
    assert sorted(again.time_slots) == sorted(original.time_slots)


@pytest.mark.parametrize("target", ["out.csv", "out.parquet"])
def test_boris_project_converts_to_tables_with_every_observation(
    target: str, tmp_path: Path
) -> None:
    result = convert(BORIS / "test.boris", tmp_path / target)
    back = read_any(result.path)
    assert result.count == len(back.annotations) == len(read_any(BORIS / "test.boris").annotations)
    assert {a.attr("part") for a in back.annotations} >= {"observation #1", "observation #2"}


def test_boris_observation_opens_in_elan(tmp_path: Path) -> None:
    with pytest.raises(InterchangeError, match="observations"):
        convert(BORIS / "test.boris", tmp_path / "all.eaf")
    result = convert(BORIS / "test.boris", tmp_path / "obs2.eaf", part="observation #2")
    back = read_any(result.path)
    expected = select_part(read_any(BORIS / "test.boris"), "observation #2")
    assert sorted((a.tier, a.code, a.start_s, a.end_s) for a in back.annotations) == sorted(
        (a.tier, a.code, a.start_s, a.end_s) for a in expected.annotations
    )
    assert back.scheme == expected.scheme  # carried in the ELAN file
    assert [m.name for m in back.media] == [
        "video_test_25fps_180s.mp4",
        "video_test_25fps_360s.mp4",
    ]


def test_boris_exports_convert_too(tmp_path: Path) -> None:
    result = convert(BORIS / "test_export_events_tabular.csv", tmp_path / "obs1.eaf")
    assert result.count == 4


def test_unknown_part_lists_the_known(tmp_path: Path) -> None:
    with pytest.raises(InterchangeError, match=r"no observation 'nope'.*'observation #1'"):
        convert(BORIS / "test.boris", tmp_path / "x.csv", part="nope")


@pytest.mark.parametrize(
    ("source", "target", "error", "message"),
    [
        ("in.txt", "out.csv", InterchangeError, "this one is neither"),  # .txt: VCode or iCatcher+
        ("in.csv", "out.docx", InterchangeError, "unknown output format '.docx'"),
        ("in.csv", "exists.csv", OutputError, "exists already; use --force"),
    ],
)
def test_convert_refusals(
    source: str, target: str, error: type[Exception], message: str, tmp_path: Path
) -> None:
    for name in ("in.txt", "in.csv", "exists.csv"):
        (tmp_path / name).write_text("tier,code,start\nt,c,1\n")
    with pytest.raises(error, match=message):
        convert(tmp_path / source, tmp_path / target)
    assert (tmp_path / "exists.csv").read_text() == "tier,code,start\nt,c,1\n"


def test_write_any_picks_the_writer(tmp_path: Path) -> None:
    for name in ("a.eaf", "a.eaf.gz", "a.csv", "a.parquet"):
        path = write_any(small_data(), tmp_path / name)
        assert len(read_any(path).annotations) == 5
