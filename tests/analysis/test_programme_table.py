"""The programme mechanism table: ratings from sessions, both input shapes, refusals, outputs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from annotate.analysis.programme_table import (
    MechanismRecord,
    ProgrammeTable,
    Rating,
    build_programme_table,
    derive_programme_table,
    read_mechanism_csv,
)
from annotate.analysis.table_outputs import (
    render_csv,
    render_markdown,
    write_programme_table,
)
from annotate.errors import InterchangeError, OutputError
from annotate.study.mechanisms import MechanismCatalogue

PRESENT_HEADER = "programme,session,mechanism,present\n"
SEGMENT_HEADER = "programme,session,mechanism,start,end\n"


def write_csv(folder: Path, text: str, name: str = "input.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def table_from(folder: Path, text: str, catalogue: MechanismCatalogue) -> ProgrammeTable:
    return build_programme_table(write_csv(folder, text), catalogue)


def record(
    programme: str, session: str, mechanism: str, present: bool, line: int
) -> MechanismRecord:
    return MechanismRecord(programme, session, mechanism, present, "study.csv", line)


# --- ratings ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("presence", "expected"),
    [
        ([], Rating.N),  # no record of the mechanism in any session
        ([False, False], Rating.N),
        ([True, True, True], Rating.Y),
        ([True, False, True], Rating.V),
        ([None, True], Rating.V),  # a session with no record of it counts as absent
    ],
)
def test_rating_follows_the_sessions(
    presence: list[bool | None], expected: Rating, catalogue: MechanismCatalogue
) -> None:
    # Every session of A1 has M4 recorded, so A1 has as many sessions as `presence` has entries.
    records = [record("A1", str(i), "M4", True, i) for i in range(1, max(len(presence), 1) + 1)]
    records += [
        record("A1", str(i), "M6", p, 10 + i)
        for i, p in enumerate(presence, start=1)
        if p is not None
    ]
    table = derive_programme_table(records, catalogue)
    assert table.rating("M6", "A1") is expected
    assert table.rating("M4", "A1") is Rating.Y


def test_hand_made_study_gives_the_table_worked_out_by_hand(
    study_dir: Path, expected_table: Path, catalogue: MechanismCatalogue
) -> None:
    table = build_programme_table(study_dir, catalogue)
    assert render_csv(table) == expected_table.read_text(encoding="utf-8")
    assert table.programmes == ("A1", "C8", "B7")  # order of first appearance
    assert table.sessions == {"A1": ("1", "2", "3"), "C8": ("1", "2"), "B7": ("1", "2")}
    assert [table.total(p) for p in table.programmes] == [3, 1, 3]


def test_total_counts_only_counted_mechanisms(
    tmp_path: Path, catalogue: MechanismCatalogue
) -> None:
    rows = "".join(f"A1,1,M{n},1\n" for n in range(1, 16))
    table = table_from(tmp_path, PRESENT_HEADER + rows, catalogue)
    assert all(table.rating(f"M{n}", "A1") is Rating.Y for n in range(1, 16))
    assert table.total("A1") == 14
    assert table.rows()[-1] == ["total", "14"]


def test_timed_segments_mark_their_session(tmp_path: Path, catalogue: MechanismCatalogue) -> None:
    text = SEGMENT_HEADER + "A1,1,M14,00:26:00,00:29:30\nA1,1,M14,4200,\nA1,2,M6,300,1500\n"
    path = write_csv(tmp_path, text)
    records = read_mechanism_csv(path, catalogue)
    assert [(r.start_s, r.end_s) for r in records] == [
        (1560.0, 1770.0),
        (4200.0, None),
        (300, 1500),
    ]
    table = build_programme_table(path, catalogue)
    assert table.rating("M14", "A1") is Rating.V
    assert table.rating("M6", "A1") is Rating.V


def test_programme_level_row_rates_the_whole_programme(
    tmp_path: Path, catalogue: MechanismCatalogue
) -> None:
    text = PRESENT_HEADER + "A1,,M1,1\nA1,1,M4,1\nA1,2,M4,0\nB7,,M1,0\n"
    table = table_from(tmp_path, text, catalogue)
    assert table.rating("M1", "A1") is Rating.Y
    assert table.rating("M1", "B7") is Rating.N
    assert table.sessions == {"A1": ("1", "2"), "B7": ()}


def test_extra_columns_bom_blank_lines_and_lower_case_ids_are_read(
    tmp_path: Path, catalogue: MechanismCatalogue
) -> None:
    text = (
        "\ufeffProgramme, Session ,mechanism,present,note\nA1,1,m4,1,warm room\n,,,,\nA1,2,M4,1,\n"
    )
    table = table_from(tmp_path, text, catalogue)
    assert table.rating("M4", "A1") is Rating.Y


# --- refused input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "missing column.*programme, session, mechanism, present"),
        ("programme,session,mechanism,start\n", r"missing column\(s\) end;"),
        (
            PRESENT_HEADER + "A1,1,M4,1\nA1,1,M16,1\n",
            r"line 3: unknown mechanism 'M16' \(known: M1-M15\)",
        ),
        (PRESENT_HEADER + "A1,1,M4,yes\n", "line 2: 'present' must be 1 or 0, got 'yes'"),
        (PRESENT_HEADER + ",1,M4,1\n", "line 2: the programme is empty"),
        (
            SEGMENT_HEADER + "A1,1,M6,20:00,10:00\n",
            r"line 2: segment ends \(600 s\) before it starts",
        ),
        (SEGMENT_HEADER + "A1,1,M6,soon,10:00\n", "line 2: time 'soon' is neither seconds"),
        (SEGMENT_HEADER + "A1,,M6,1,2\n", "line 2: a timed segment needs a session"),
        (
            PRESENT_HEADER + "A1,1,M4,1\nA1,2,M4,1\nA1,1,M4,0\n",
            "line 4: M4 in programme A1, session 1, is absent here but present on line 2 of",
        ),
        (
            PRESENT_HEADER + "A1,1,M1,1\nA1,,M1,1\n",
            "line 3: M1 in programme A1 is given for the whole programme",
        ),
        (PRESENT_HEADER, "no mechanism rows found"),
    ],
)
def test_refused_input_names_file_and_line(
    tmp_path: Path, text: str, message: str, catalogue: MechanismCatalogue
) -> None:
    path = write_csv(tmp_path, text)
    with pytest.raises(InterchangeError, match=message) as caught:
        build_programme_table(path, catalogue)
    assert str(caught.value).startswith(f"{path}: ")


def test_contradiction_across_files_names_both(
    tmp_path: Path, catalogue: MechanismCatalogue
) -> None:
    write_csv(tmp_path, PRESENT_HEADER + "A1,1,M6,0\n", "a_sessions.csv")
    write_csv(tmp_path, SEGMENT_HEADER + "A1,1,M6,10,20\n", "b_segments.csv")
    with pytest.raises(
        InterchangeError, match=r"present here but absent on line 2 of .*a_sessions"
    ):
        build_programme_table(tmp_path, catalogue)


def test_unreadable_inputs(tmp_path: Path, catalogue: MechanismCatalogue) -> None:
    with pytest.raises(InterchangeError, match="file not found"):
        build_programme_table(tmp_path / "absent.csv", catalogue)
    with pytest.raises(InterchangeError, match=r"no \.csv files"):
        build_programme_table(tmp_path, catalogue)
    (tmp_path / "latin1.csv").write_bytes(PRESENT_HEADER.encode() + "Ö,1,M4,1\n".encode("latin-1"))
    with pytest.raises(InterchangeError, match="not a readable UTF-8 CSV"):
        build_programme_table(tmp_path / "latin1.csv", catalogue)


# --- outputs ---------------------------------------------------------------------------------


def test_outputs_are_written_beside_the_csv_and_read_back(
    tmp_path: Path, study_dir: Path, catalogue: MechanismCatalogue
) -> None:
    table = build_programme_table(study_dir, catalogue)
    written = write_programme_table(table, tmp_path / "out" / "table.csv")
    assert [p.name for p in written] == ["table.csv", "table.md", "table.png"]
    with (tmp_path / "out" / "table.csv").open(newline="") as handle:
        assert list(csv.reader(handle)) == table.rows()
    assert (tmp_path / "out" / "table.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]  # no temp files


def test_markdown_has_names_totals_and_escapes_pipes(
    tmp_path: Path, catalogue: MechanismCatalogue
) -> None:
    table = table_from(tmp_path, PRESENT_HEADER + "A|1,1,M15,1\n", catalogue)
    lines = render_markdown(table).splitlines()
    assert lines[0] == "| mechanism | name | A\\|1 |"
    assert "| M15 | Encouraging reflective function (not in total) | Y |" in lines
    assert "| **total** | Y of M1-M14 | **0** |" in lines


def test_existing_output_is_kept_without_force(
    tmp_path: Path, study_dir: Path, catalogue: MechanismCatalogue
) -> None:
    table = build_programme_table(study_dir, catalogue)
    (tmp_path / "table.md").write_text("my notes")
    with pytest.raises(OutputError, match=r"table\.md: exists already; use --force"):
        write_programme_table(table, tmp_path / "table.csv")
    assert not (tmp_path / "table.csv").exists()  # nothing written when one output is taken
    assert (tmp_path / "table.md").read_text() == "my notes"
    write_programme_table(table, tmp_path / "table.csv", force=True)
    assert (tmp_path / "table.md").read_text().startswith("| mechanism |")


def test_outputs_must_differ(
    tmp_path: Path, study_dir: Path, catalogue: MechanismCatalogue
) -> None:
    table = build_programme_table(study_dir, catalogue)
    with pytest.raises(OutputError, match="must differ"):
        write_programme_table(table, tmp_path / "t.csv", heatmap_path=tmp_path / "t.csv")
