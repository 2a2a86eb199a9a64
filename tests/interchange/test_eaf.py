"""ELAN files: round trips of real files from other projects, our own layout, and refusals."""

from __future__ import annotations

import dataclasses
import gzip
import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotate.coding.records import Annotation, CodingData, MediaRef
from annotate.errors import InterchangeError, OutputError
from annotate.interchange.eaf import eaf_from_data, read_eaf, write_eaf
from annotate.interchange.eaf_xml import eaf_to_bytes, parse_eaf

from .builders import ELAN_FILES, FIXTURES, small_data


def _records(data: CodingData) -> list[tuple[object, ...]]:
    return [
        (a.tier, a.code, a.start_s, a.end_s, a.value, a.note, a.coder, a.attrs)
        for a in data.annotations
    ]


def _slots_with_times(path: Path) -> dict[str, int | None]:
    return dict(parse_eaf(path).time_slots)


def test_fixtures_are_there() -> None:
    assert len(ELAN_FILES) == 7


@pytest.mark.parametrize("source", ELAN_FILES, ids=lambda p: p.name)
def test_round_trip_keeps_every_tier_annotation_value_and_time(
    source: Path, tmp_path: Path
) -> None:
    original = parse_eaf(source)
    data = read_eaf(source)
    out = write_eaf(data, tmp_path / "out.eaf")
    again = parse_eaf(out)

    assert [t.id for t in again.tiers] == [t.id for t in original.tiers]
    assert again.tiers == original.tiers  # ids, attributes, values, slot and annotation references
    assert sorted(again.time_slots) == sorted(original.time_slots)  # times, unaligned ones too
    assert again.header == original.header  # media descriptors, linked files, properties
    assert again.after == original.after  # linguistic types, vocabularies, languages, refs
    assert again.before == original.before  # license
    assert again.attrs == original.attrs
    assert _records(read_eaf(out)) == _records(data)


def test_sample_keeps_its_unaligned_slots_and_tier_types(tmp_path: Path) -> None:
    source = FIXTURES / "elan" / "pympi_sample_3.0.eaf.gz"
    data = read_eaf(source)
    out = write_eaf(data, tmp_path / "sample.eaf.gz")
    slots = _slots_with_times(out)

    assert gzip.decompress(out.read_bytes()).startswith(b"<?xml")
    assert sum(v is None for v in slots.values()) == 1572
    assert len(data.annotations) == 8778
    unaligned = [a for a in data.annotations if a.attr("eaf.unaligned")]
    assert unaligned and all(a.tier == "words-timesub" for a in unaligned)


def test_unaligned_slots_are_interpolated_along_their_chain() -> None:
    data = read_eaf(FIXTURES / "elan" / "pympi_sample_3.0.eaf.gz")
    by_id = {a.attr("eaf.id"): a for a in data.annotations}
    parent = by_id["a3"]  # 'The quick brown fox 003', ts38-ts55
    words = [by_id[f"a{n}"] for n in range(410, 415)]  # its time subdivision, ts38 ... ts55

    assert words[0].start_s == parent.start_s
    assert words[-1].end_s == parent.end_s
    assert all(b.start_s == a.end_s for a, b in itertools.pairwise(words))
    assert all(a.start_s < a.end_s for a in words)
    assert words[0].attr("eaf.unaligned") == "end"


def test_reference_annotations_take_their_parents_times() -> None:
    data = read_eaf(FIXTURES / "elan" / "pympi_sample_3.0.eaf.gz")
    by_id = {a.attr("eaf.id"): a for a in data.annotations}
    sentence = by_id["a1"]
    words = [a for a in data.annotations if a.attr("eaf.ref") == "a1"]  # Symbolic_Subdivision
    pos = [
        a for a in data.annotations if a.attr("eaf.ref") == words[1].attr("eaf.id")
    ]  # Association

    assert words[0].start_s == sentence.start_s
    assert words[-1].end_s == pytest.approx(sentence.end_s)
    lengths = {round(w.end_s - w.start_s, 9) for w in words}
    assert len(lengths) == 1  # an equal share each
    assert (pos[0].start_s, pos[0].end_s) == (words[1].start_s, words[1].end_s)
    assert pos[0].code == "adj" and pos[0].attr("eaf.cve_ref") == "cveid6"


def test_controlled_vocabularies_become_codes() -> None:
    data = read_eaf(FIXTURES / "elan" / "pympi_sample_3.0.eaf.gz")
    gestures = data.scheme.tier("gestures")
    text = data.scheme.tier("text")

    assert gestures is not None and [c.name for c in gestures.codes] == [
        "prep",
        "hold",
        "stroke",
        "retr",
    ]
    assert gestures.codes[0].description == "preparation"
    assert text is not None and text.open and not text.codes  # free text
    assert data.scheme.name == "eaf:pympi_sample_3.0"


def test_external_vocabulary_leaves_the_tier_open() -> None:
    data = read_eaf(FIXTURES / "elan" / "childproject_example_basic.eaf")
    xds = data.scheme.tier("xds@FA1")
    assert xds is not None and xds.open and xds.role == "FA1" and xds.parent == "FA1"


def test_our_own_file_restores_the_scheme_points_values_and_notes(tmp_path: Path) -> None:
    data = small_data()
    out = write_eaf(data, tmp_path / "clip.eaf")
    back = read_eaf(out)

    assert back.scheme == data.scheme  # embedded in a header PROPERTY
    assert [
        (a.tier, a.code, a.start_s, a.end_s, a.value, a.note, a.coder) for a in back.annotations
    ] == [(a.tier, a.code, a.start_s, a.end_s, a.value, a.note, a.coder) for a in data.annotations]
    doc = parse_eaf(out)
    names = [t.id for t in doc.tiers]
    assert names == ["gaze", "gaze:note", "mother", "mother:value"]
    cv_ids = [n.attrs["CV_ID"] for n in doc.elements("CONTROLLED_VOCABULARY")]
    assert cv_ids == ["gaze", "mother"]
    mother = next(t for t in doc.tiers if t.id == "mother")
    assert mother.participant == "mother" and mother.annotator == "ana"


def test_time_origin_is_written_and_read(tmp_path: Path) -> None:
    data = dataclasses.replace(
        small_data(),
        media=(MediaRef("file:///x/long.mp4", mime_type="video/mp4", time_origin_s=12.5),),
    )
    out = write_eaf(data, tmp_path / "origin.eaf")
    descriptor = parse_eaf(out).header.find_all("MEDIA_DESCRIPTOR")[0]

    assert descriptor.attrs["TIME_ORIGIN"] == "12500"
    assert read_eaf(out).media[0].time_origin_s == 12.5


def test_several_coders_get_a_tier_each(tmp_path: Path) -> None:
    first, second = small_data("ana"), small_data("ben")
    both = dataclasses.replace(first, annotations=first.annotations + second.annotations)
    doc = parse_eaf(write_eaf(both, tmp_path / "two.eaf"))
    tiers = {t.id: t for t in doc.tiers}

    assert {"gaze [ana]", "gaze [ben]", "mother [ana]", "mother [ben]"} <= set(tiers)
    assert tiers["gaze [ben]"].annotator == "ben"
    assert tiers["mother [ben]:value"].parent == "mother [ben]"


def test_observations_cannot_share_one_elan_timeline(tmp_path: Path) -> None:
    data = small_data()
    mixed = dataclasses.replace(
        data,
        annotations=(
            data.annotations[0].with_attrs(part="obs 1"),
            data.annotations[1].with_attrs(part="obs 2"),
        ),
    )
    with pytest.raises(InterchangeError, match="2 observations"):
        write_eaf(mixed, tmp_path / "x.eaf")


def test_existing_output_is_kept_without_force(tmp_path: Path) -> None:
    target = tmp_path / "clip.eaf"
    target.write_text("keep me")
    with pytest.raises(OutputError, match="--force"):
        write_eaf(small_data(), target)
    assert target.read_text() == "keep me"
    write_eaf(small_data(), target, force=True)
    assert read_eaf(target).annotations
    assert [p.name for p in tmp_path.iterdir()] == ["clip.eaf"]  # no temporary file left


_DOC = """<?xml version="1.0" encoding="UTF-8"?>
<ANNOTATION_DOCUMENT FORMAT="3.0" VERSION="3.0">
    <HEADER MEDIA_FILE="" TIME_UNITS="milliseconds"/>
    <TIME_ORDER>
        <TIME_SLOT TIME_SLOT_ID="ts1" TIME_VALUE="{t1}"/>
        <TIME_SLOT TIME_SLOT_ID="ts2" TIME_VALUE="2000"/>
    </TIME_ORDER>
    <TIER LINGUISTIC_TYPE_REF="lt" TIER_ID="{tier}">
        <ANNOTATION>
            <ALIGNABLE_ANNOTATION ANNOTATION_ID="a1" TIME_SLOT_REF1="ts1" TIME_SLOT_REF2="{ts2}">
                <ANNOTATION_VALUE>x</ANNOTATION_VALUE>
            </ALIGNABLE_ANNOTATION>
        </ANNOTATION>
        <ANNOTATION>
            <REF_ANNOTATION ANNOTATION_ID="{a2}" ANNOTATION_REF="{ref}">
                <ANNOTATION_VALUE>y</ANNOTATION_VALUE>
            </REF_ANNOTATION>
        </ANNOTATION>
    </TIER>
</ANNOTATION_DOCUMENT>
"""
_GOOD = {"t1": "1000", "tier": "t", "ts2": "ts2", "a2": "a2", "ref": "a1"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({}, None),
        ({"ts2": "ts9"}, "line 10: annotation a1 refers to unknown time slot ts9"),
        ({"ref": "a7"}, "line 15: annotation a2 refers to unknown annotation a7"),
        ({"a2": "a1"}, "line 15: annotation id a1 used twice"),
        ({"t1": "1.5"}, "line 5: time slot ts1: TIME_VALUE '1.5' is not whole milliseconds"),
        ({"tier": ""}, "line 8: TIER has no TIER_ID"),
    ],
)
def test_malformed_files_name_the_line_at_fault(
    change: dict[str, str], message: str | None, tmp_path: Path
) -> None:
    path = tmp_path / "bad.eaf"
    path.write_text(_DOC.format(**{**_GOOD, **change}))
    if message is None:
        assert [a.code for a in read_eaf(path).annotations] == ["x", "y"]
        return
    with pytest.raises(InterchangeError) as caught:
        read_eaf(path)
    assert str(caught.value) == f"{path}: {message}"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b"<ANNOTATION_DOCUMENT><HEADER></ANNOTATION_DOCUMENT>",
            r"line 1, column 32: not well-formed XML \(mismatched tag\)",
        ),
        (b"<?xml version='1.0'?>\n<html/>", "line 1: root element is html"),
        (b"\x1f\x8b\x08\x00broken", "damaged gzip file"),
    ],
)
def test_files_that_are_not_elan_are_refused(content: bytes, message: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.eaf"
    path.write_bytes(content)
    with pytest.raises(InterchangeError, match=message):
        read_eaf(path)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InterchangeError, match=r"nope\.eaf: file not found"):
        read_eaf(tmp_path / "nope.eaf")


_times = st.integers(min_value=0, max_value=600_000)


@st.composite
def _annotations(draw: st.DrawFn) -> list[Annotation]:
    scheme = small_data().scheme
    result = []
    start = 0
    for _ in range(draw(st.integers(0, 12))):
        start += draw(st.integers(1, 5000))
        tier = draw(st.sampled_from(["gaze", "mother"]))
        code = draw(st.sampled_from([c.name for c in scheme.tier(tier).codes]))  # type: ignore[union-attr]
        point = code == "kisses"
        end = start if point else start + draw(st.integers(1, 4000))
        note = draw(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8))
        result.append(
            Annotation(
                "", "ana", tier, code, start / 1000, end / 1000, note=note.strip(), scheme=scheme.id
            )
        )
        if not point and tier == "gaze":
            start = end  # gaze states are exclusive: keep them apart
    return result


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(annotations=_annotations())
def test_any_annotations_of_our_scheme_survive_elan(
    annotations: list[Annotation], tmp_path: Path
) -> None:
    data = dataclasses.replace(small_data(), annotations=tuple(annotations))
    out = tmp_path / "any.eaf"
    out.write_bytes(eaf_to_bytes(eaf_from_data(data)))
    back = read_eaf(out)
    # ELAN keeps annotations by tier, so compare them in tier order
    assert sorted((a.tier, a.start_s, a.end_s, a.code, a.note) for a in back.annotations) == sorted(
        (a.tier, a.start_s, a.end_s, a.code, a.note) for a in annotations
    )
