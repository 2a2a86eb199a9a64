"""The tool's sound: the energy lane (from audio.parquet, or read from the sound track when the
clip has not been extracted), 'no sound' for a clip without it, and the vocal lanes."""

from __future__ import annotations

import base64
from pathlib import Path

import numpy as np
import pytest
from starlette.testclient import TestClient

from annotate.app.features import features_document, swap_roles
from annotate.app.server import create_app, open_tool
from annotate.app.sound_lanes import levels_from_sound, sound_document, step_for
from annotate.samples.script import load_script
from tests.app.builders import SAMPLES, project_with, quick_h264
from tests.app.sound_builders import heard_features
from tests.sound.clips import write_clip


def _levels(document: dict[str, object]) -> np.ndarray:
    raw = np.frombuffer(base64.b64decode(str(document["levels"])), dtype=np.uint8)
    return float(document["db_min"]) * (1 - raw / 255.0)  # type: ignore[arg-type]


def _loud_where_the_script_has_voice(levels: np.ndarray, step_s: float) -> None:
    script = load_script(SAMPLES / "dyad_play.script.yaml")
    t = (np.arange(levels.size) + 0.5) * step_s
    voice = np.zeros(t.size, dtype=bool)
    for a, b in script.voice_intervals():
        voice |= (t >= a + 0.1) & (t < b - 0.1)
    quiet = np.ones(t.size, dtype=bool)
    for a, b in script.voice_intervals():
        quiet &= (t < a - 0.1) | (t >= b + 0.1)
    assert np.median(levels[voice]) > np.median(levels[quiet]) + 30  # dB
    assert levels[quiet].max() < -50


def test_the_energy_lane_is_read_from_the_sound_track(tmp_path: Path) -> None:
    document = sound_document(SAMPLES / "dyad_play.mp4", None, 16.0)
    assert document["sound"] == "read" and document["source"] == "sound track"
    assert document["step_s"] == 0.05 and document["count"] == 320
    _loud_where_the_script_has_voice(_levels(document), 0.05)


def test_the_energy_lane_comes_from_audio_parquet_once_extracted(tmp_path: Path) -> None:
    project = project_with(tmp_path / "p", SAMPLES / "dyad_play.mp4")
    folder = heard_features(project / "dyad_play.mp4", project)
    document = sound_document(project / "dyad_play.mp4", folder, 16.0)
    assert document["source"] == "audio.parquet"
    from_table = _levels(document)
    _loud_where_the_script_has_voice(from_table, 0.05)
    direct = levels_from_sound(project / "dyad_play.mp4", 0.05)
    n = min(direct.size, from_table.size)
    assert abs(n - 320) <= 1
    loud = direct[:n] > -40
    assert np.median(np.abs(direct[:n][loud] - from_table[:n][loud])) < 1.5  # the same levels


def test_a_clip_without_sound_says_so_and_a_damaged_one_why(tmp_path: Path) -> None:
    silent = quick_h264(tmp_path / "silent.mp4", 1.0)
    assert sound_document(silent, None, 1.0) == {"sound": "none", "message": "no sound"}
    damaged = write_clip(tmp_path / "bad.mp4", None, 2.0, damaged_sound=True)
    answer = sound_document(damaged, None, 2.0)
    assert answer["sound"] == "unreadable" and "bad.mp4" in answer["message"]


def test_a_long_recording_gets_a_longer_step() -> None:
    assert step_for(180.0) == 0.05
    assert step_for(90 * 60.0) * 20_000 >= 90 * 60.0


@pytest.fixture
def heard(tmp_path: Path) -> Path:
    project = project_with(tmp_path / "project", SAMPLES / "dyad_play.mp4")
    quick_h264(project / "silent.mp4", 2.0)
    heard_features(project / "dyad_play.mp4", project)
    return project


def test_the_endpoint_and_the_vocal_lanes(heard: Path) -> None:
    tool = open_tool(heard, coder="ana")
    try:
        client = TestClient(create_app(tool), base_url="http://127.0.0.1:8765")
        answer = client.get("/api/clip/sound", params={"clip": "dyad_play.mp4"})
        assert answer.status_code == 200 and answer.json()["source"] == "audio.parquet"
        assert answer.headers["cache-control"] == "no-store"
        none = client.get("/api/clip/sound", params={"clip": "silent.mp4"}).json()
        assert none == {"sound": "none", "message": "no sound"}
        refused = client.get("/api/clip/sound", params={"clip": "../elsewhere.mp4"})
        assert refused.status_code in (400, 403, 404)
        lanes = client.get("/api/clip/features", params={"clip": "dyad_play.mp4"}).json()["lanes"]
    finally:
        tool.coding.close()
    ids = [lane["id"] for lane in lanes]
    vocal = [i for i in ids if i.split("/")[0] in ("vocalisation", "overlap", "singing_hint")]
    assert vocal == [
        "vocalisation/mother",
        "vocalisation/infant",
        "overlap/dyad",
        "singing_hint/mother",
    ]
    assert ids.index("mutual_gaze/dyad") < ids.index("vocalisation/mother")  # faces first
    song = next(lane for lane in lanes if lane["id"] == "singing_hint/mother")
    assert song["label"] == "mother singing"
    assert song["intervals"][0][0] == pytest.approx(10.0, abs=0.3)


def test_a_swap_of_the_faces_roles_leaves_the_voices(heard: Path) -> None:
    from annotate.app.features import features_folder
    from annotate.app.project import CACHE_FOLDER
    from annotate.media.video import probe

    info = probe(heard / "dyad_play.mp4")
    document = features_document(features_folder(heard / CACHE_FOLDER, info.sha256), 16.0)
    swapped = swap_roles(document)
    voices = [lane for lane in document["lanes"] if lane.get("source") == "sound"]
    assert voices and [lane for lane in swapped["lanes"] if lane.get("source") == "sound"] == voices

    def faces(doc: dict[str, object]) -> list[str]:
        return [lane["label"] for lane in doc["lanes"] if lane.get("source") != "sound"]  # type: ignore[attr-defined]

    assert faces(swapped) != faces(document)  # the face lanes did swap
    assert swapped["lanes"][-len(voices) :] == voices  # the voices stay last, as they were
