"""A recording's timeline: the long form, the wide grid, the ELAN file read back identically, and
the picture."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pytest

from annotate.analysis.command_calls import timeline_bytes, timeline_format
from annotate.analysis.sources import RecordingSources
from annotate.analysis.timeline_elan import items_from_coding, timeline_coding_data
from annotate.analysis.timeline_export import (
    TIMELINE_COLUMNS,
    auto_lane,
    long_timeline,
    timeline_items,
)
from annotate.analysis.timeline_wide import wide_timeline
from annotate.coding.records import Annotation
from annotate.coding.scheme_files import find_scheme
from annotate.errors import AlignmentError, OutputError
from annotate.interchange.eaf import read_eaf
from annotate.interchange.eaf_xml import parse_eaf
from annotate.study.mechanisms import MechanismCatalogue

from .builders import event, extraction, feature_table, note, recording


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> RecordingSources:
    """20 s: mutual gaze 4-8 s; the infant away 12-14 s; M14 3-9 s and an open M8 from 15 s,
    M15 at 10 s; two coders; a value and a note on the manual annotations."""
    table = feature_table(20.0, mutual=[(4, 8)], absent={"infant": [(12, 14)]})
    features = extraction(tmp_path_factory.mktemp("features"), table)
    base = recording(
        20.0,
        annotations=(
            note("mother", "touches", 2.0, 6.5, value="gentle"),
            note("mother", "kisses", 7.25),
            note("infant_gaze", "at_mother", 4.0, 8.0).replace(note="clear"),
            note("infant_gaze", "away", 12.0, 13.5, coder="ben"),
        ),
        events=(
            event("M14", 3.0, 9.0, label="hello song"),
            event("M15", 10.0, 10.0),
            event("M8", 15.0, None, who="log"),
        ),
        features=features,
    )
    return dataclasses.replace(base, schemes=(find_scheme("care_clip"),))


def test_the_long_form_has_one_row_per_interval(sources: RecordingSources) -> None:
    items = timeline_items(sources)
    table = long_timeline(items, "session", dyad="d01")
    assert list(table.columns) == list(TIMELINE_COLUMNS)
    assert list(table["source"].unique()) == ["mechanism", "manual", "automatic"]
    mechanisms = table[table["source"] == "mechanism"]
    assert mechanisms[["label", "start", "end", "value"]].values.tolist() == [
        ["M14", 3.0, 9.0, "hello song"],
        ["M15", 10.0, 10.0, ""],
        ["M8", 15.0, 20.0, ""],  # open end: the recording's end
    ]
    touches = table[table["label"] == "touches"].iloc[0]
    assert (touches["who"], touches["tier"], touches["value"]) == ("ana", "mother", "gentle")
    assert touches["duration"] == 4.5
    mutual = table[(table["source"] == "automatic") & (table["label"] == "mutual_gaze")]
    assert mutual[["who", "tier", "start", "end"]].values.tolist() == [
        ["dyad", "episodes", 4.0, 8.0]
    ]
    absent = table[(table["label"] == "face_absent")]
    assert absent[["who", "start", "end"]].values.tolist() == [["infant", 12.0, 14.0]]
    assert set(table["dyad"]) == {"d01"} and set(table["clip"]) == {"session"}


def test_an_event_outside_the_recording_is_refused(sources: RecordingSources) -> None:
    late = dataclasses.replace(sources, events=(event("M14", 25.0, 30.0),))
    with pytest.raises(AlignmentError, match=r"M14 .* lies outside the recording"):
        timeline_items(late)


def test_the_wide_form_gives_features_and_active_labels_per_second(
    sources: RecordingSources,
) -> None:
    items = timeline_items(sources)
    wide = wide_timeline(items, sources.features, sources.span, 1.0, "session")
    assert len(wide) == 20
    assert wide["start"].tolist() == list(np.arange(20.0))
    assert wide["mutual_gaze"].tolist() == [0.0] * 4 + [1.0] * 4 + [0.0] * 12
    assert wide["infant_visible"].tolist() == [1.0] * 12 + [0.0] * 2 + [1.0] * 6
    assert wide["mother_yaw"].iloc[5] == 30.0 and wide["mother_yaw"].iloc[0] == 0.0
    assert np.isnan(wide["infant_smile"].iloc[12])  # not visible: no smile to average
    assert wide["faces_visible"].iloc[12] == 1.0
    # labels: a state in every bin it shares time with, a point in its bin
    assert wide["mechanisms"].iloc[2] == "" and wide["mechanisms"].iloc[3] == "M14"
    assert wide["mechanisms"].iloc[8] == "M14" and wide["mechanisms"].iloc[9] == ""
    assert wide["mechanisms"].iloc[10] == "M15" and wide["mechanisms"].iloc[19] == "M8"
    assert wide["mother"].iloc[6] == "touches" and wide["mother"].iloc[7] == "kisses"
    assert wide["infant_gaze [ana]"].iloc[4] == "at_mother"
    assert wide["infant_gaze [ben]"].iloc[13] == "away"
    assert wide[auto_lane("mutual_gaze", "dyad")].iloc[4] == "mutual_gaze"


def test_a_grid_of_half_seconds_ends_with_the_recording(sources: RecordingSources) -> None:
    wide = wide_timeline(timeline_items(sources), None, sources.span, 0.75)
    assert len(wide) == 27 and wide["end"].iloc[-1] == 20.0
    assert "mutual_gaze" not in wide.columns  # no features given


def test_the_elan_file_is_read_back_identically(
    sources: RecordingSources, catalogue: MechanismCatalogue, tmp_path: Path
) -> None:
    out = tmp_path / "elan" / "session.eaf"
    out.parent.mkdir()
    out.write_bytes(timeline_bytes(sources, catalogue, out, "eaf"))
    items = timeline_items(sources)
    written = timeline_coding_data(items, sources, catalogue, out.parent)
    back = read_eaf(out)

    assert back.scheme == written.scheme

    def fields(a: Annotation) -> tuple[object, ...]:
        return (a.tier, a.coder, a.code, a.start_s, a.end_s, a.value, a.note)

    assert sorted(map(fields, back.annotations)) == sorted(map(fields, written.annotations))
    assert sorted(items_from_coding(back), key=repr) == sorted(items, key=repr)  # ms already
    # linked to the media, absolute and relative to the ELAN file
    assert back.media[0].url == "file:///data/session.mp4"
    relative = os.path.relpath("/data/session.mp4", out.parent.resolve())
    assert back.media[0].relative_url == f"./{relative}"
    tiers = {t.id: t for t in parse_eaf(out).tiers}
    assert {"mechanisms [ana]", "mechanisms [log]", "mother", "infant_gaze [ben]"} <= set(tiers)
    assert tiers["auto_dyad_mutual_gaze"].participant == "dyad"
    assert tiers["auto_infant_face_absent"].annotator == "annotate"


@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG"), ("svg", b"<?xml")])
def test_the_picture_is_drawn(
    sources: RecordingSources, catalogue: MechanismCatalogue, fmt: str, magic: bytes
) -> None:
    blob = timeline_bytes(sources, catalogue, Path(f"t.{fmt}"), fmt)
    assert blob.startswith(magic) and len(blob) > 5000


@pytest.mark.parametrize(
    ("name", "fmt", "expected"),
    [
        ("t.csv", None, "csv"),
        ("t.eaf", None, "eaf"),
        ("t.parquet", "wide", "wide"),
        ("t.svg", "svg", "svg"),
    ],
)
def test_the_format_comes_from_the_option_or_the_suffix(
    name: str, fmt: str | None, expected: str
) -> None:
    assert timeline_format(Path(name), fmt) == expected


@pytest.mark.parametrize(
    ("name", "fmt", "message"),
    [
        ("t.txt", None, "give --format"),
        ("t.csv", "eaf", "--format eaf needs a file ending in .eaf"),
        ("t.csv", "pdf", "unknown format 'pdf'"),
    ],
)
def test_unknown_or_mismatched_formats_are_refused(
    name: str, fmt: str | None, message: str
) -> None:
    with pytest.raises(OutputError, match=message):
        timeline_format(Path(name), fmt)


def test_an_empty_timeline_is_refused(catalogue: MechanismCatalogue) -> None:
    with pytest.raises(AlignmentError, match="nothing to export"):
        timeline_bytes(recording(10.0), catalogue, Path("t.csv"), "csv")
