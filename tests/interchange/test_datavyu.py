"""Datavyu projects (.opf): read from real projects of datavyur and Datavyu, written back."""

from __future__ import annotations

import csv
import io
import random
import shutil
import zipfile
from pathlib import Path

import pytest

from annotate.coding.clips import ClipRef
from annotate.coding.records import Annotation, CodingData, MediaRef
from annotate.coding.schemes import Scheme
from annotate.coding.store import AnnotationStore
from annotate.errors import InterchangeError
from annotate.interchange.convert import convert, read_any, write_any
from annotate.interchange.datavyu import read_datavyu, split_escaped
from annotate.interchange.datavyu_write import clock, db_text, escape
from annotate.interchange.store_files import export_clip, import_file

from .builders import FIXTURES, REPO, small_data

DATAVYU = FIXTURES / "datavyu"
PROJECTS = sorted(p for p in DATAVYU.glob("*.opf") if p.name != "datavyur_dyad3.opf")


def _key(data: CodingData) -> list[tuple[object, ...]]:
    return [(a.tier, a.code, a.value, a.start_s, a.end_s, a.note) for a in data.annotations]


@pytest.mark.parametrize("dyad", ["dyad1", "dyad2"])
@pytest.mark.parametrize("column", ["childhands", "parenthands"])
def test_import_matches_datavyur_cell_for_cell(dyad: str, column: str) -> None:
    data = read_datavyu(DATAVYU / f"datavyur_{dyad}.opf")
    with (DATAVYU / f"datavyur_{column}__{dyad}.csv").open(newline="") as handle:
        expected = list(csv.DictReader(handle))
    cells = [a for a in data.annotations if a.tier == column]
    assert len(cells) == len(expected) > 0
    arguments = [
        n for n in expected[0] if n not in ("file", "column", "ordinal", "onset", "offset")
    ]
    for a, row in zip(cells, expected, strict=True):
        assert round(a.start_s * 1000) == int(row["onset"])
        assert round(a.end_s * 1000) == int(row["offset"])
        values = [a.code, *a.value.split("|")] if len(arguments) > 1 else [a.code]
        assert values == [row[n] for n in arguments]
    tier = data.scheme.tier(column)
    assert tier is not None and tier.open
    if len(arguments) > 1:
        assert [m.name for m in tier.codes[0].modifiers] == arguments[1:]


def test_malformed_project_is_refused_with_its_line() -> None:
    path = DATAVYU / "datavyur_dyad3.opf"
    with pytest.raises(
        InterchangeError, match=r"datavyur_dyad3.opf: line 5: offset 00:52:35:076 is before onset"
    ):
        read_any(path)


def test_missing_argument_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "short.opf"
    db = (
        "#4\r\nhands (MATRIX,true,)-hand|NOMINAL,look|NOMINAL\r\n"
        "00:00:01:000,00:00:02:000,(left)\r\n"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("db", db)
        archive.writestr("project", "!project\nname: short\n")
    with pytest.raises(
        InterchangeError,
        match=r"line 3: column 'hands' has 2 arguments \(hand, look\), the cell gives 1",
    ):
        read_datavyu(path)


def test_old_format_in_a_folder_with_media() -> None:
    data = read_datavyu(DATAVYU / "datavyu_oldProjectFormat.opf")
    assert data.scheme.meta["datavyu"]["version"] == 2
    assert [t.name for t in data.scheme.tiers][-3:] == ["momlookside", "babylookside", "comments"]
    assert data.media[0].url.endswith("S#16ETBabyMom_Synced.mov")
    first = next(a for a in data.annotations if a.tier == "path")
    assert (first.code, first.value, first.start_s, first.end_s) == ("f", ".", 133.197, 136.142)


def test_typed_columns_escapes_and_hidden_column() -> None:
    demo = read_datavyu(DATAVYU / "datavyu_demo_data_to_csv.opf")
    texts = {a.code for a in demo.annotations if a.tier == "text"}
    assert texts == {"textdata1 with a \\"}
    matrix = [a for a in demo.annotations if a.tier == "matrix"]
    assert (matrix[1].code, matrix[1].value) == ("1.200000", '4|nm|"qs"')
    childes = read_datavyu(DATAVYU / "datavyu_datavyu-childes-template-combined.opf")
    header = next(a for a in childes.annotations if a.tier == "CHILDES_HEADER")
    assert header.value.split("|")[0] == "@Participants: MRX detailsOnMrX, MSY detailsOnMsY"
    simple3 = read_datavyu(DATAVYU / "datavyu_simple3.opf")
    columns = simple3.scheme.meta["datavyu"]["columns"]
    assert columns[0] == {"name": "hiddenColumn", "type": "TEXT", "visible": False, "args": []}


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.stem)
def test_every_project_round_trips(project: Path, tmp_path: Path) -> None:
    data = read_datavyu(project)
    out = write_any(data, tmp_path / "again.opf")
    again = read_datavyu(out)
    assert _key(again) == _key(data)
    assert again.media == data.media
    assert again.scheme.meta["datavyu"]["columns"] == [
        {**c, "type": "TEXT" if c["type"] == "PREDICATE" else c["type"]}
        for c in data.scheme.meta["datavyu"]["columns"]
    ]
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["db", "project"]
        assert archive.read("db").startswith(b"#4\r\n")


def test_other_data_gets_matrix_columns_with_notes_and_media_offsets(tmp_path: Path) -> None:
    data = small_data()
    data = CodingData(
        data.scheme,
        data.annotations,
        (MediaRef(url="/videos/dyad 1.mp4", time_origin_s=-1.5),),
        data.source,
    )
    out = write_any(data, tmp_path / "small.opf")
    again = read_datavyu(out)
    assert again.media == data.media
    for before, after in zip(
        sorted(data.annotations, key=lambda a: (a.tier, a.start_s)),
        sorted(again.annotations, key=lambda a: (a.tier, a.start_s)),
        strict=True,
    ):
        assert (after.tier, after.code, after.start_s, after.end_s) == (
            before.tier,
            before.code,
            before.start_s,
            before.end_s,
        )
        parts = after.value.split("|")
        if before.note:
            assert parts[-1] == before.note
        if before.value:
            assert "|".join(parts[: len(before.value.split("|"))]) == before.value


def test_escapes_and_clock() -> None:
    assert clock(3_723_045) == "01:02:03:045"
    value = "a, (b) \\ c"
    assert split_escaped(escape(value, matrix=True)) == [value]
    assert split_escaped(escape("x", True) + "," + escape("y,z", True)) == ["x", "y,z"]


def test_line_break_is_refused_not_dropped() -> None:
    a = Annotation("", "c", "speech", "two\nlines", 0.0, 1.0)
    data = CodingData(Scheme("s", "1"), (a,))
    with pytest.raises(InterchangeError, match="line break"):
        db_text(data)


def test_convert_datavyu_to_elan_and_back(tmp_path: Path) -> None:
    convert(DATAVYU / "datavyur_dyad1.opf", tmp_path / "dyad1.eaf")
    back = convert(tmp_path / "dyad1.eaf", tmp_path / "dyad1.opf")
    assert back.count == len(read_datavyu(DATAVYU / "datavyur_dyad1.opf").annotations)
    assert io.BytesIO(back.path.read_bytes()).read(2) == b"PK"


def _project(path: Path) -> Path:
    db = (
        "#4\r\n"
        "hands (MATRIX,true,)-hand|NOMINAL,look|NOMINAL,say|TEXT\r\n"
        "00:00:01:250,00:00:03:000,(left,1,hi\\, you \\(there\\))\r\n"
        "00:00:04:000,00:00:04:000,(,0,)\r\n"
        "hidden (TEXT,false,)\r\n"
        "talk (TEXT,true,)\r\n"
        "00:00:05:001,00:00:09:999,well\\, yes\r\n"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("db", db)
        archive.writestr("project", "!project\ndbFile: null\nname: small\nversion: 5\n")
    return path


def test_round_trip_through_the_store(tmp_path: Path) -> None:
    """A Datavyu project imported into a project store and exported again keeps every cell."""
    video = tmp_path / "clip.mp4"
    shutil.copy(REPO / "sample_clips" / "dyad_play.mp4", video)
    ref = ClipRef.from_video(video)
    source = _project(tmp_path / "small.opf")
    with AnnotationStore(tmp_path / "annotate.sqlite") as store:
        import_file(store, source, coder="ana", clip=ref)
        import_file(store, DATAVYU / "datavyu_simple3.opf", coder="ben", clip=ref)
        out, count = export_clip(store, ref, tmp_path / "back.opf", coder="ana")
        both, _ = export_clip(store, ref, tmp_path / "both.opf")
    again = read_datavyu(out)
    assert count == 3
    assert _key(again) == _key(read_datavyu(source))
    assert [c["name"] for c in again.scheme.meta["datavyu"]["columns"]] == [
        "hands",
        "hidden",
        "talk",
    ]
    assert again.annotations[0].value == "1|hi, you (there)"
    tiers = {a.tier for a in read_datavyu(both).annotations}
    assert {"hands__ana", "talk__ana", "testColumn__ben"} <= tiers


def test_mutated_db_lines_give_a_line_or_good_data(tmp_path: Path) -> None:
    """Seeded byte mutations of a real db inside a sound zip: an error naming the file (and
    for a bad line, the line) or annotations with ordered times, never another exception."""
    with zipfile.ZipFile(DATAVYU / "datavyur_dyad2.opf") as archive:
        db, project = archive.read("db"), archive.read("project")
    rng = random.Random(13)
    path = tmp_path / "m.opf"
    refused = 0
    for _ in range(300):
        data = bytearray(db)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            data[at] = rng.choice(b"(),:\\0123456789#-|x\r\n\xff")
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("db", bytes(data))
            archive.writestr("project", project)
        try:
            read = read_any(path)
        except InterchangeError as exc:
            refused += 1
            assert str(exc).startswith(f"{path}: ") and "\n" not in str(exc)
            continue
        assert all(0 <= a.start_s <= a.end_s for a in read.annotations)
    assert 0 < refused < 300


def test_viewer_offset_is_the_media_time_origin(tmp_path: Path) -> None:
    project = (
        "!project\ndbFile: null\nname: off\norigpath: ''\nversion: 5\nviewerSettings:\n"
        "- !vs\n  classifier: datavyu.video\n  feed: /videos/d1.mp4\n  offset: '1500'\n"
        "  plugin: 5d2c1d9a-4b83-4b5c-8a7e-16b2a6d2b1a1\n  version: 3\n"
    )
    path = tmp_path / "off.opf"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("db", "#4\ntalk (TEXT,true,)\n00:00:01:000,00:00:02:000,hello\n")
        archive.writestr("project", project)
    data = read_datavyu(path)
    assert data.media == (MediaRef(url="/videos/d1.mp4", time_origin_s=-1.5),)
    moved = CodingData(
        data.scheme, data.annotations, (MediaRef("/v/it's.mp4", time_origin_s=-0.25),)
    )
    again = read_datavyu(write_any(moved, tmp_path / "moved.opf"))
    assert again.media == moved.media
    with zipfile.ZipFile(tmp_path / "moved.opf") as archive:
        assert "offset: '250'" in archive.read("project").decode()


@pytest.mark.parametrize("header", ["#3", "#2"], ids=["v3", "v2"])
def test_older_headers_with_and_without_visibility(header: str, tmp_path: Path) -> None:
    path = tmp_path / "old.opf"
    db = (
        f"{header}\nlook (MATRIX,false)-side|NOMINAL,n|INTEGER\n00:00:00:500,00:00:01:000,(l,3)\n"
        "note (TEXT)\n00:00:02:000,00:00:02:000,a\\, b\n"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("db", db)
    data = read_datavyu(path)
    assert [(a.tier, a.code, a.value, a.start_s, a.end_s) for a in data.annotations] == [
        ("look", "l", "3", 0.5, 1.0),
        ("note", "a, b", "", 2.0, 2.0),
    ]
    assert data.scheme.meta["datavyu"]["columns"][0]["visible"] is False
    assert data.media == ()


def test_a_note_added_later_is_written_not_dropped(tmp_path: Path) -> None:
    data = read_datavyu(DATAVYU / "datavyur_dyad1.opf")
    first = data.annotations[0].replace(note="hand hidden, unsure")
    noted = CodingData(data.scheme, (first, *data.annotations[1:]), data.media)
    again = read_datavyu(write_any(noted, tmp_path / "noted.opf"))
    column = next(c for c in again.scheme.meta["datavyu"]["columns"] if c["name"] == "childhands")
    assert [a[0] for a in column["args"]] == ["hand", "look", "note"]
    assert again.annotations[0].value.split("|")[-1] == "hand hidden, unsure"
    assert again.annotations[1].value.split("|")[-1] == ""
    text = read_datavyu(DATAVYU / "datavyu_simple2.opf")
    with pytest.raises(InterchangeError, match="TEXT column of Datavyu cannot hold"):
        write_any(
            CodingData(text.scheme, (text.annotations[0].replace(note="n"),)), tmp_path / "t.opf"
        )
    assert not (tmp_path / "t.opf").exists()
