"""The vocal episodes (vocalisation per role, cry, overlap, vocal_response, singing_hint) in every
format of `annotate export timeline`, as automatic tiers beside the face episodes."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from annotate.analysis.clip_features import read_clip_features
from annotate.analysis.command_calls import timeline_bytes
from annotate.analysis.sources import RecordingSources
from annotate.analysis.timeline_elan import items_from_coding
from annotate.analysis.timeline_export import auto_lane, timeline_items
from annotate.analysis.timeline_plot import plotted_lanes
from annotate.analysis.timeline_wide import wide_timeline
from annotate.faces.episodes import episode_table
from annotate.interchange.eaf import read_eaf
from annotate.interchange.eaf_xml import parse_eaf
from annotate.study.mechanisms import MechanismCatalogue
from annotate.timeline.episodes import Episode

from .builders import feature_table, recording, write_extraction

# (kind, role, start, end, value)
VOCAL = [
    ("vocalisation", "mother", 0.5, 2.2, None),
    ("vocalisation", "infant", 2.7, 3.5, None),
    ("vocal_response", "infant", 2.2, 2.7, 0.5),
    ("cry", "infant", 6.0, 8.0, None),
    ("vocalisation", "other_adult", 9.0, 10.5, None),
    ("overlap", "dyad", 7.5, 8.0, None),
    ("singing_hint", "mother", 12.0, 17.5, None),
]
LANES = {
    "auto_mother_vocalisation",
    "auto_infant_vocalisation",
    "auto_infant_vocal_response",
    "auto_infant_cry",
    "auto_other_adult_vocalisation",
    "auto_dyad_overlap",
    "auto_mother_singing_hint",
}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> RecordingSources:
    """20 s of faces (mutual gaze 4-8 s) with the vocal episodes of VOCAL in episodes.csv."""
    folder = write_extraction(
        tmp_path_factory.mktemp("vocal"), feature_table(20.0, mutual=[(4, 8)])
    )
    faces = pd.read_csv(folder / "episodes.csv")
    vocal = episode_table(
        "clip",
        [Episode(k, r, a, b, round(a * 10), round(b * 10) - 1, v) for k, r, a, b, v in VOCAL],
    )
    pd.concat([faces, vocal]).to_csv(folder / "episodes.csv", index=False)
    return recording(20.0, features=read_clip_features(folder))


def test_the_long_form_holds_the_vocal_episodes(
    sources: RecordingSources, catalogue: MechanismCatalogue, tmp_path: Path
) -> None:
    blob = timeline_bytes(sources, catalogue, tmp_path / "t.csv", "csv")
    table = pd.read_csv(io.BytesIO(blob), keep_default_na=False)
    auto = table[table["source"] == "automatic"]
    assert "mutual_gaze" in set(auto["label"])  # the face episodes stay
    for kind, role, start, end, value in VOCAL:
        row = auto[(auto["label"] == kind) & (auto["who"] == role)]
        assert row[["start", "end"]].values.tolist() == [[start, end]], (kind, role)
        assert row["value"].iloc[0] == ("" if value is None else f"{value:.3f}")
    parquet = timeline_bytes(sources, catalogue, tmp_path / "t.parquet", "parquet")
    assert len(pd.read_parquet(io.BytesIO(parquet))) == len(table)


def test_the_wide_form_has_a_column_per_vocal_lane(sources: RecordingSources) -> None:
    wide = wide_timeline(timeline_items(sources), sources.features, sources.span, 1.0, "clip")
    assert set(wide.columns) >= LANES
    assert wide[auto_lane("cry", "infant")].tolist()[5:9] == ["", "cry", "cry", ""]
    assert wide[auto_lane("vocalisation", "other_adult")].iloc[9] == "vocalisation"
    assert wide[auto_lane("overlap", "dyad")].iloc[7] == "overlap"


def test_the_elan_file_has_the_vocal_tiers_and_reads_back(
    sources: RecordingSources, catalogue: MechanismCatalogue, tmp_path: Path
) -> None:
    out = tmp_path / "t.eaf"
    out.write_bytes(timeline_bytes(sources, catalogue, out, "eaf"))
    tiers = {t.id: t for t in parse_eaf(out).tiers}
    assert set(tiers) >= LANES
    assert tiers["auto_other_adult_vocalisation"].participant == "other_adult"
    assert "auto_infant_vocal_response:value" in tiers  # the latency
    back = items_from_coding(read_eaf(out))
    vocal = sorted(
        (i.label, i.who, i.start_s, i.end_s, i.value)
        for i in back
        if i.source == "automatic" and i.label in {k for k, *_ in VOCAL}
    )
    expected = sorted((k, r, a, b, "" if v is None else f"{v:.3f}") for k, r, a, b, v in VOCAL)
    assert vocal == expected
    assert sorted(map(repr, back)) == sorted(map(repr, timeline_items(sources)))


def test_the_picture_has_a_lane_per_vocal_tier(sources: RecordingSources) -> None:
    lanes = {lane for lane, _ in plotted_lanes(timeline_items(sources))}
    assert lanes >= LANES  # other_adult's too, which the face lanes leave out
    assert auto_lane("mutual_gaze", "dyad") in lanes


@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG"), ("svg", b"<?xml")])
def test_the_picture_is_drawn_with_the_vocal_lanes(
    sources: RecordingSources, catalogue: MechanismCatalogue, fmt: str, magic: bytes
) -> None:
    blob = timeline_bytes(sources, catalogue, Path(f"t.{fmt}"), fmt)
    assert blob.startswith(magic)
    if fmt == "svg":  # matplotlib keeps each label's text in a comment beside its glyphs
        text = blob.decode()
        assert all(lane in text for lane in LANES)
