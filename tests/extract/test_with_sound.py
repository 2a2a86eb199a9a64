"""End to end: `annotate extract`'s library call on clips made in the test, with the real face
and voice models: audio.parquet, vocal episodes in episodes.csv, summary.json's vocal figures,
provenance.json's audio record; a clip without sound and one with a damaged sound track keep
their video results and say why there is no sound."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from annotate import columns as C
from annotate.config import FeatureConfig
from annotate.extract.job import extract_to_folder
from annotate.media.video import probe
from tests.sound.clips import SCENE, SCENE_S, scene_sound, write_clip


def test_a_clip_with_sound(tmp_path: Path, feature_config: FeatureConfig, face_model: Path) -> None:
    clip = write_clip(tmp_path / "scene.mp4", scene_sound(SCENE, SCENE_S), SCENE_S, fps=5)
    result = extract_to_folder(probe(clip), tmp_path / "out", feature_config)
    out = tmp_path / "out"
    audio = pd.read_parquet(out / "audio.parquet")
    assert list(audio.columns)[:4] == ["clip_id", "frame", "t", "video_frame"]
    assert abs(len(audio) * 0.016 - SCENE_S) < 0.1
    assert audio["video_frame"].max() == round((len(audio) - 1) * 0.016 * 5)
    episodes = pd.read_csv(out / "episodes.csv")
    assert list(episodes.columns) == list(C.EPISODE_COLUMNS)
    kinds = set(episodes["kind"])
    assert {C.VOCALISATION, C.CRY, C.VOCAL_RESPONSE, C.SINGING_HINT} <= kinds
    responses = episodes[episodes["kind"] == C.VOCAL_RESPONSE]
    assert responses["value"].notna().all()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["vocal"]["sound"] == "read"
    assert summary["vocal"]["roles"]["infant"]["cries"] == 1
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["audio"]["status"] == "read"
    assert provenance["audio"]["vad_model_sha256"].startswith("1a153a22")
    assert "audio.parquet" in provenance["outputs"]
    assert "voice" in result.describe() and "singing hints" in result.describe()


def test_a_clip_without_sound(
    tmp_path: Path, feature_config: FeatureConfig, face_model: Path
) -> None:
    clip = write_clip(tmp_path / "mute.mp4", None, 2.0, fps=5)
    result = extract_to_folder(probe(clip), tmp_path / "out", feature_config)
    assert not (tmp_path / "out" / "audio.parquet").exists()
    assert (tmp_path / "out" / "features.parquet").exists()
    provenance = json.loads((tmp_path / "out" / "provenance.json").read_text())
    assert f"{clip}: no sound track; the vocal channel is empty" in provenance["warnings"]
    assert provenance["audio"]["status"] == "none"
    assert result.summary.to_json()["vocal"] == {"sound": "none"}


def test_a_damaged_sound_track(
    tmp_path: Path, feature_config: FeatureConfig, face_model: Path
) -> None:
    clip = write_clip(tmp_path / "bad.mp4", None, 2.0, fps=5, damaged_sound=True)
    extract_to_folder(probe(clip), tmp_path / "out", feature_config)
    out = tmp_path / "out"
    assert (out / "features.parquet").exists() and not (out / "audio.parquet").exists()
    provenance = json.loads((out / "provenance.json").read_text())
    assert provenance["audio"]["status"] == "unreadable"
    assert any("results for the video only" in w for w in provenance["warnings"])


def test_vocal_lanes_of_the_timeline() -> None:
    from annotate.extract.plots import vocal_lanes
    from annotate.timeline.episodes import Episode

    episodes = [
        Episode(C.CRY, "infant", 6.5, 8.5, 65, 85),
        Episode(C.VOCALISATION, "infant", 2.8, 3.6, 28, 36),
        Episode(C.VOCALISATION, "mother", 0.5, 2.3, 5, 23),
        Episode(C.VOCALISATION, "mother", 4.0, 6.0, 40, 60),
        Episode(C.VOCAL_RESPONSE, "mother", 3.6, 4.0, 36, 40, value=0.4),
    ]
    lanes = vocal_lanes(episodes)
    assert [label for label, _, _ in lanes] == [
        "mother: vocalises",
        "infant: vocalises",
        "infant: cries",
    ]
    assert lanes[0][2] == [(0.5, pytest.approx(1.8)), (4.0, 2.0)]


def test_episodes_read_back_with_their_latencies(tmp_path: Path) -> None:
    from annotate.analysis.clip_features import read_episodes
    from annotate.faces.episodes import episode_table
    from annotate.timeline.episodes import Episode

    episodes = [
        Episode(C.VOCAL_RESPONSE, "mother", 3.6, 4.0, 36, 40, value=0.4),
        Episode(C.SINGING_HINT, "mother", 13.0, 19.0, 130, 190),
    ]
    path = tmp_path / "episodes.csv"
    episode_table("c", episodes).to_csv(path, index=False)
    assert read_episodes(path) == tuple(episodes)
