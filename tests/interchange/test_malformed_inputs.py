"""Issue 10, findings 4-6: every malformed annotation file ends in one line naming the file and
what is wrong (`error: FILE: ...`, exit 1), never a traceback, and nothing malformed is read
as wrong data. Each test is named after the shape the attack used."""

from __future__ import annotations

import gzip
import html
import json
import math
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotate import budgets
from annotate.cli import app
from annotate.errors import AnnotateError, InterchangeError
from annotate.interchange.convert import convert, read_any

from .builders import BORIS, FIXTURES

TIERS_OK = '<TIER TIER_ID="t" LINGUISTIC_TYPE_REF="lt"><ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>x</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION></ANNOTATION></TIER>'  # noqa: E501


def eaf(tiers: str = TIERS_OK, header: str = "", slots: str = "") -> str:
    """A small ELAN document: two slots (0 and 1000 ms) unless `slots` replaces them."""
    slots = (
        slots
        or '<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="0"/>'
        '<TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="1000"/>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<ANNOTATION_DOCUMENT FORMAT="3.0" VERSION="3.0">\n'
        f'<HEADER MEDIA_FILE="" TIME_UNITS="milliseconds">{header}</HEADER>\n'
        f"<TIME_ORDER>{slots}</TIME_ORDER>\n{tiers}\n"
        '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="lt" TIME_ALIGNABLE="true"/>\n'
        '<LINGUISTIC_TYPE LINGUISTIC_TYPE_ID="ref" TIME_ALIGNABLE="false" '
        'CONSTRAINTS="Symbolic_Association"/>\n</ANNOTATION_DOCUMENT>\n'
    )


def ref_tier(count: int, cycle: bool) -> str:
    """A reference tier whose annotations refer one to the next; the last back to the first
    (a cycle) or to the aligned annotation a1."""
    items = []
    for i in range(count):
        target = f"r{i + 1}" if i + 1 < count else ("r0" if cycle else "a1")
        items.append(
            f'<ANNOTATION><REF_ANNOTATION ANNOTATION_ID="r{i}" ANNOTATION_REF="{target}">'
            f"<ANNOTATION_VALUE>v{i}</ANNOTATION_VALUE></REF_ANNOTATION></ANNOTATION>"
        )
    return (
        TIERS_OK
        + '<TIER TIER_ID="refs" LINGUISTIC_TYPE_REF="ref" PARENT_REF="t">'
        + "".join(items)
        + "</TIER>"
    )


def media(origin: str) -> str:
    return f'<MEDIA_DESCRIPTOR MEDIA_URL="file:///c.mp4" MIME_TYPE="video/mp4" TIME_ORIGIN="{origin}"/>'  # noqa: E501


def boris(observations: object) -> str:
    return json.dumps({"project_name": "p", "behaviors_conf": {}, "observations": observations})


def refused(path: Path, message: str) -> str:
    """Read `path`: an InterchangeError of one line naming the file and holding `message`."""
    with pytest.raises(AnnotateError) as info:
        read_any(path)
    text = str(info.value)
    assert text.startswith(f"{path}: ") and "\n" not in text, text
    assert message in text, text
    return text


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def cli_error(*args: str | Path) -> str:
    """Run the CLI: it ends in exit code 1 and one line `error: ...` (printed by the command
    group, or by cli.main from the AnnotateError that reaches it), never another exception."""
    result = CliRunner().invoke(app, [str(a) for a in args])
    if isinstance(result.exception, AnnotateError):
        line = f"error: {result.exception}"
    else:
        assert isinstance(result.exception, SystemExit) and result.exit_code == 1, result.output
        line = result.output.strip()
    assert "\n" not in line and "Traceback" not in result.output, result.output
    return line


# --- finding 5: tracebacks ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("observations", "message"),
    [
        ({"o": None}, None),  # an empty observation: read, with no events
        ({"o": "text"}, "observation 'o' must be a mapping, got str"),
        ({"o": {"events": None}}, None),
        ({"o": {"events": "later"}}, "'events' must be a list, got str"),
        ({"o": {"events": ["e"]}}, "event 1: expected [time, subject, code"),
        ({"o": {"events": [[1.0, "", {"x": 1}]]}}, "a field is a list or mapping"),
        ({"o": {"media_info": []}}, "'media_info' must be a mapping, got list"),
        ({"o": {"media_info": {"length": [1]}}}, "media_info 'length' must be a mapping"),
        ({"o": {"independent_variables": ["a"]}}, "'independent_variables' must be a mapping"),
    ],
)
def test_boris_observations_null_strings_and_lists_where_mappings_are_expected(
    observations: object, message: str | None, tmp_path: Path
) -> None:
    path = write(tmp_path, "p.boris", boris(observations))
    if message is None:
        assert read_any(path).annotations == ()
    else:
        refused(path, message)


@pytest.mark.parametrize("offset", ["abc", "1_0", [1], {"a": 1}, "inf"])
def test_boris_text_time_offsets_are_refused(offset: object, tmp_path: Path) -> None:
    observation = {"time offset": offset, "file": {"1": ["a.mp4"]}, "events": []}
    refused(write(tmp_path, "p.boris", boris({"o": observation})), "'time offset'")


def test_boris_project_lists_where_mappings_are_expected(tmp_path: Path) -> None:
    project = json.loads(boris({}))
    for key, message in [
        ("subjects_conf", "'subjects_conf' must be a mapping"),
        ("independent_variables", "'independent_variables' must be a mapping"),
    ]:
        path = write(tmp_path, f"{key}.boris", json.dumps({**project, key: ["x"]}))
        refused(path, message)
    bad_set = {"0": {"code": "a", "type": "Point event", "modifiers": {"0": "x"}}}
    path = write(tmp_path, "m.boris", json.dumps({**project, "behaviors_conf": bad_set}))
    refused(path, "modifier set 0 must be a mapping")


@pytest.mark.parametrize("origin", ["abc", "inf", "nan", "-500", "1_000", "1e400"])
def test_time_origin_abc_inf_nan_and_negative_are_refused(origin: str, tmp_path: Path) -> None:
    path = write(tmp_path, "o.eaf", eaf(header=media(origin)))
    refused(path, f"line 3: MEDIA_DESCRIPTOR TIME_ORIGIN '{origin}' is not a number")


def test_a_good_time_origin_is_read(tmp_path: Path) -> None:
    data = read_any(write(tmp_path, "o.eaf", eaf(header=media("1500"))))
    assert data.media[0].time_origin_s == 1.5


def test_long_ref_annotation_cycles_are_refused(tmp_path: Path) -> None:
    """5000 reference annotations in a ring (a RecursionError before; stored at 0-0 s before
    that)."""
    text = refused(write(tmp_path, "c.eaf", eaf(ref_tier(5000, cycle=True))), "refers to itself")
    assert "REF_ANNOTATION r0 refers to itself through 5000 annotation(s)" in text


def test_a_two_annotation_ref_cycle_is_refused_with_its_line(tmp_path: Path) -> None:
    refused(write(tmp_path, "c.eaf", eaf(ref_tier(2, cycle=True))), "line 5: REF_ANNOTATION r0")


def test_a_long_ref_annotation_chain_is_read_with_its_parents_times(tmp_path: Path) -> None:
    data = read_any(write(tmp_path, "chain.eaf", eaf(ref_tier(5000, cycle=False))))
    refs = [a for a in data.annotations if a.tier == "refs"]
    assert len(refs) == 5000 and {(a.start_s, a.end_s) for a in refs} == {(0.0, 1.0)}


def test_deep_xml_is_refused(tmp_path: Path) -> None:
    deep = "<X>" * 100_000 + "</X>" * 100_000
    path = write(tmp_path, "deep.eaf", eaf(header=deep))
    refused(path, "line 3: elements nested deeper than 64 levels")


def test_a_tier_that_is_its_own_ancestor_is_refused(tmp_path: Path) -> None:
    tiers = TIERS_OK.replace('LINGUISTIC_TYPE_REF="lt"', 'LINGUISTIC_TYPE_REF="lt" PARENT_REF="u"')
    tiers += '<TIER TIER_ID="u" LINGUISTIC_TYPE_REF="lt" PARENT_REF="t"/>'
    refused(write(tmp_path, "p.eaf", eaf(tiers)), "tier 't' is its own ancestor")


def test_a_csv_field_over_the_field_limit_is_refused(tmp_path: Path) -> None:
    long = "x" * (budgets.CSV_FIELD_MAX_CHARS + 1)
    for name, text in [
        ("long.csv", f'tier,code,start\nt,"{long}",1\n'),
        (
            "boris.tsv",
            f"Observation id\tx\n\nTime\tSubject\tBehavior\tStatus\n1\t\t{long}\tPOINT\n",
        ),
    ]:
        refused(write(tmp_path, name, text), "a field is longer than 131,072 characters")


def test_5000_digit_numbers_are_refused(tmp_path: Path) -> None:
    digits = "5" * 5000
    refused(write(tmp_path, "n.csv", f"tier,code,start\nt,c,{digits}\n"), "line 2: column 'start'")
    path = write(tmp_path, "n.boris", boris({"o": {"events": [[int(digits[:10]), "", "c"]]}}))
    path.write_text(path.read_text().replace(digits[:10], digits))
    refused(path, "not a valid BORIS project (Exceeds the limit (4300 digits)")
    slots = f'<TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="{digits}"/><TIME_SLOT TIME_SLOT_ID="ts2"/>'
    refused(write(tmp_path, "n.eaf", eaf(slots=slots)), "is not whole milliseconds")


def test_malformed_files_end_in_one_error_line_through_the_cli(tmp_path: Path) -> None:
    cases = [
        (write(tmp_path, "a.boris", boris({"o": "text"})), "must be a mapping"),
        (write(tmp_path, "b.eaf", eaf(header=media("abc"))), "TIME_ORIGIN 'abc'"),
        (write(tmp_path, "c.eaf", eaf(ref_tier(3000, cycle=True))), "refers to itself"),
        (write(tmp_path, "d.csv", "tier,code,start\nt,c,1_0\n"), "'1_0' is not a number"),
    ]
    for source, message in cases:
        line = cli_error("convert", source, tmp_path / f"{source.stem}.out.csv")
        assert line.startswith(f"error: {source}: ") and message in line, line
        assert not (tmp_path / f"{source.stem}.out.csv").exists()


# --- finding 6: wrong data -----------------------------------------------------------------


def test_an_alignable_annotation_with_a_stray_annotation_ref_is_refused(tmp_path: Path) -> None:
    stray = TIERS_OK.replace('ANNOTATION_ID="a1"', 'ANNOTATION_ID="a1" ANNOTATION_REF="a2"')
    stray = stray.replace("</TIER>", "") + (
        '<ANNOTATION><ALIGNABLE_ANNOTATION ANNOTATION_ID="a2" TIME_SLOT_REF1="ts1" '
        'TIME_SLOT_REF2="ts2"><ANNOTATION_VALUE>y</ANNOTATION_VALUE></ALIGNABLE_ANNOTATION>'
        "</ANNOTATION></TIER>"
    )
    refused(
        write(tmp_path, "s.eaf", eaf(stray)),
        "line 5: ALIGNABLE_ANNOTATION a1 has an ANNOTATION_REF",
    )


def test_duplicate_tier_ids_are_refused_not_merged(tmp_path: Path) -> None:
    twice = TIERS_OK + TIERS_OK.replace('"a1"', '"a9"')
    refused(write(tmp_path, "d.eaf", eaf(twice)), "tier id 't' used twice")


def test_an_elan_annotation_that_ends_before_it_starts_is_refused(tmp_path: Path) -> None:
    backwards = TIERS_OK.replace(
        'REF1="ts1" TIME_SLOT_REF2="ts2"', 'REF1="ts2" TIME_SLOT_REF2="ts1"'
    )
    refused(write(tmp_path, "b.eaf", eaf(backwards)), "annotation a1 ends (0 ms) before it starts")


@pytest.mark.parametrize("time", ["Infinity", "-Infinity", "NaN", "1e308", "-3"])
def test_boris_infinity_and_1e308_times_are_refused(time: str, tmp_path: Path) -> None:
    text = boris({"o": {"events": [["TIME", "", "c"]]}}).replace('"TIME"', time)
    refused(write(tmp_path, "t.boris", text), "observation 'o', event 1: time")


@pytest.mark.parametrize("time", ["inf", "1e308", "nan", "1_0"])
def test_boris_export_infinity_and_1e308_times_are_refused(time: str, tmp_path: Path) -> None:
    text = f"Observation id,o\n\nTime,Subject,Behavior,Status\n{time},,c,POINT\n"
    refused(write(tmp_path, "e.csv", text), "line 4: Time")


@pytest.mark.parametrize("start", ["1_0", "inf", "nan", "1e308", "-1", "0x10", " "])
def test_a_csv_start_1_0_is_refused(start: str, tmp_path: Path) -> None:
    refused(write(tmp_path, "s.csv", f"tier,code,start\nt,c,{start}\n"), "line 2: column 'start'")


def test_convert_never_writes_negative_durations_or_nan_times(tmp_path: Path) -> None:
    """The sources that gave them: an aggregated export with Stop before Start, a NaN time."""
    aggregated = (
        "Observation id\tSubject\tBehavior\tBehavior type\tStart (s)\tStop (s)\n"
        "o\t\tc\tSTATE\t5.0\t2.0\n"
    )
    sources = [
        (write(tmp_path, "agg.tsv", aggregated), "Stop (s) 2.0 is before Start (s) 5.0"),
        (
            write(
                tmp_path,
                "nan.boris",
                boris({"o": {"events": [["NAN", "", "c"]]}}).replace('"NAN"', "NaN"),
            ),
            "time",
        ),
        (write(tmp_path, "neg.csv", "tier,code,start,end\nt,c,5,2\n"), "end 2.0 is before start"),
    ]
    for source, message in sources:
        target = tmp_path / f"{source.stem}.eaf"
        with pytest.raises(InterchangeError) as info:
            convert(source, target)
        assert message in str(info.value), info.value
        assert not target.exists()


def test_what_convert_writes_reads_back(tmp_path: Path) -> None:
    for source in [BORIS / "test_export_aggregated_events_test_full_1.tsv", BORIS / "test.boris"]:
        target = tmp_path / f"{source.stem}.csv"
        convert(source, target)
        back = read_any(target)
        assert all(math.isfinite(a.start_s) and a.end_s >= a.start_s for a in back.annotations)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tier,code,start\n,c,1\n", "line 2: column 'tier' is empty"),
        ("tier,code,start\nt,c\x00d,1\n", "holds a NUL character"),
        ("tier,code,start\nt,c,1,extra\n", "line 2: more cells than the header has columns"),
    ],
)
def test_empty_tiers_nul_bytes_and_extra_cells_in_csv_are_refused(
    text: str, message: str, tmp_path: Path
) -> None:
    refused(write(tmp_path, "e.csv", text), message)


def test_empty_codes_and_nul_bytes_in_boris_are_refused(tmp_path: Path) -> None:
    refused(
        write(tmp_path, "e.boris", boris({"o": {"events": [[1.0, "", " "]]}})),
        "behaviour code is empty",
    )
    path = write(tmp_path, "n.boris", boris({"o": {"events": [[1.0, "", "c\u0000"]]}}))
    refused(path, "holds a NUL character")


def test_empty_elan_values_are_read_as_empty_codes() -> None:
    """ELAN files leave values empty on purpose (185 of 455 in this real file): read as ''."""
    data = read_any(FIXTURES / "elan" / "childproject_eaf_any_tier.eaf")
    assert sum(a.code == "" for a in data.annotations) == 185


# --- finding 4: budgets ------------------------------------------------------------------


def gzip_bomb(path: Path, inflated: int) -> Path:
    """A gzip file that inflates to `inflated` bytes of spaces inside an XML comment: one
    member of 1 MiB, compressed once and repeated (a gzip file may hold many members)."""
    block = gzip.compress(b" " * budgets.MiB, compresslevel=9, mtime=0)
    with path.open("wb") as handle:
        handle.write(gzip.compress(b'<?xml version="1.0"?><ANNOTATION_DOCUMENT><!--', mtime=0))
        for _ in range(inflated // budgets.MiB):
            handle.write(block)
        handle.write(gzip.compress(b"--></ANNOTATION_DOCUMENT>", mtime=0))
    return path


def test_a_gzip_file_of_several_members_is_read_whole(tmp_path: Path) -> None:
    text = eaf().encode()
    path = tmp_path / "two.eaf.gz"
    path.write_bytes(gzip.compress(text[:100]) + gzip.compress(text[100:]))
    assert read_any(path).annotations[0].code == "x"


def test_an_eaf_gz_inflating_to_1_gib_is_refused_while_streaming(tmp_path: Path) -> None:
    bomb = gzip_bomb(tmp_path / "bomb.eaf.gz", 1 << 30)
    assert bomb.stat().st_size < 2 * budgets.MiB
    tracemalloc.start()
    refused(bomb, "inflates to more than 128 MiB")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1.2 * budgets.EAF_MAX_BYTES, peak / budgets.MiB


def test_a_damaged_or_truncated_gzip_is_refused(tmp_path: Path) -> None:
    whole = gzip.compress(eaf().encode())
    path = tmp_path / "t.eaf.gz"
    path.write_bytes(whole[: len(whole) // 2])
    refused(path, "damaged gzip file")
    path.write_bytes(whole[:10] + b"\xff" * 20 + whole[30:])
    refused(path, "damaged gzip file")


# --- one error kind per boundary: a .tsv that is not BORIS's, a damaged embedded scheme -------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("clip\tcoder\ttier\tcode\tstart\tend\na\tb\tc\td\t0\t1\n", "(no 'Behavior' column)"),
        ("", "(no 'Behavior' column)"),
        (
            "Time\tSubject\tBehavior\tStatus\n1.0\tmum\tsmile\tPOINT\n",
            "line 1: not a BORIS tabular export (it should start with 'Observation id')",
        ),
    ],
)
def test_a_tsv_that_is_not_a_boris_export_says_so(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, "F.tsv", text)
    assert message in refused(path, "not a BORIS tabular export")


def test_a_tsv_that_is_not_a_boris_export_through_the_cli(tmp_path: Path) -> None:
    path = write(tmp_path, "F.tsv", "a\tb\n1\t2\n")
    line = cli_error("convert", path, tmp_path / "out.csv")
    assert line == f"error: {path}: not a BORIS tabular export (no 'Behavior' column)"


@pytest.mark.parametrize(
    "embedded",
    ['["a list"]', '"text"', "{}", '{"name": "s", "version": "1", "tiers": "abc"}', "[" * 100_000],
)
def test_a_damaged_embedded_scheme_is_refused_with_its_property(
    tmp_path: Path, embedded: str
) -> None:
    header = f'<PROPERTY NAME="annotate.scheme">{html.escape(embedded)}</PROPERTY>'
    path = write(tmp_path, "a.eaf", eaf(header=header))
    refused(path, "HEADER: PROPERTY annotate.scheme is damaged")
