"""The vocal channel against scripted sound with known truth (annotate/sound/synthesis.py),
read back from a clip made in the test (H.264 + AAC), with the real voice activity model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotate import columns as C
from annotate.config import SoundConfig
from annotate.sound.analysis import SoundResult, analyse_clip_sound
from annotate.sound.attribution import OTHER_ADULT
from annotate.sound.synthesis import ScriptedSound
from tests.sound.clips import SCENE, SCENE_S, TALK, TALK_S, scene_sound, write_clip


def truth(result: SoundResult, script: list[ScriptedSound]) -> tuple[np.ndarray, np.ndarray]:
    assert result.table is not None
    t = result.table["t"].to_numpy()
    voiced = np.zeros(t.size, dtype=bool)
    who = np.full(t.size, "", dtype=object)
    for s in script:
        inside = (t >= s.start_s) & (t < s.end_s)
        voiced |= inside
        who[inside & (who == "")] = OTHER_ADULT if s.role == "adult_2" else s.role
    return voiced, who


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> SoundResult:
    clip = write_clip(
        tmp_path_factory.mktemp("scene") / "scene.mp4", scene_sound(SCENE, SCENE_S), SCENE_S
    )
    return analyse_clip_sound(clip, "scene", SoundConfig(), 10.0)


def test_voice_activity_precision_and_recall_on_the_script(scene: SoundResult) -> None:
    assert scene.table is not None
    voiced = scene.table["voiced"].to_numpy()
    expected, _ = truth(scene, SCENE)
    hits = int((voiced & expected).sum())
    assert hits / voiced.sum() >= 0.9  # precision
    assert hits / expected.sum() >= 0.9  # recall


def test_who_vocalises_matches_the_script(scene: SoundResult) -> None:
    assert scene.table is not None
    voiced = scene.table["voiced"].to_numpy()
    expected, who = truth(scene, SCENE)
    both = voiced & expected
    roles = scene.table["role"].astype(str).to_numpy()
    assert (roles[both] == who[both]).mean() >= 0.85


def _one(scene: SoundResult, kind: str, role: str, near_s: float) -> float | None:
    found = [
        e
        for e in scene.episodes
        if e.kind == kind and e.role == role and abs(e.end_s - near_s) < 1.0
    ]
    return found[0].value if found else None


def test_response_latencies_within_a_tenth_of_a_second(scene: SoundResult) -> None:
    # (responder, where the answer starts, scripted latency)
    for responder, answer_s, latency in (
        ("infant", 2.8, 0.5),
        ("mother", 4.0, 0.4),
        ("infant", 6.5, 0.5),
        ("infant", 20.0, 1.0),
        ("mother", 21.1, 0.3),
    ):
        value = _one(scene, C.VOCAL_RESPONSE, responder, answer_s)
        assert value is not None, (responder, answer_s)
        assert abs(value - latency) <= 0.1, (responder, answer_s, value)


def test_the_cry_is_its_own_code(scene: SoundResult) -> None:
    cries = [e for e in scene.episodes if e.kind == C.CRY]
    assert len(cries) == 1 and cries[0].role == "infant"
    assert abs(cries[0].start_s - 6.5) < 0.1
    infant_talk = [e for e in scene.episodes if e.kind == C.VOCALISATION and e.role == "infant"]
    assert all(e.end_s <= 6.5 or e.start_s >= 8.5 for e in infant_talk)


def test_the_sung_phrase_gives_a_singing_hint(scene: SoundResult) -> None:
    hints = [e for e in scene.episodes if e.kind == C.SINGING_HINT]
    assert len(hints) == 1
    assert hints[0].role == "mother"
    assert abs(hints[0].start_s - 13.0) < 0.5 and abs(hints[0].end_s - 19.0) < 0.5


def test_summary_figures_per_role(scene: SoundResult) -> None:
    vocal = scene.summary
    assert vocal.sound == "read"
    assert (vocal.roles["mother"].vocalisations or 0) >= 5
    assert vocal.roles["infant"].cries == 1
    assert (vocal.roles[OTHER_ADULT].vocalisation_s or 0.0) >= 1.2
    assert vocal.dyad.infant_vocalisations_answered_share == 1.0
    assert vocal.singing_hints == 1


def test_speech_gives_no_singing_hint(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "talk.mp4", scene_sound(TALK, TALK_S, seed=3), TALK_S)
    result = analyse_clip_sound(clip, "talk", SoundConfig(), 10.0)
    assert (result.summary.voiced_share or 0.0) > 0.6
    assert not [e for e in result.episodes if e.kind == C.SINGING_HINT]


def test_silence_is_not_voice(tmp_path: Path) -> None:
    quiet = scene_sound([], 4.0)
    result = analyse_clip_sound(write_clip(tmp_path / "q.mp4", quiet, 4.0), "q", SoundConfig(), 10)
    assert result.summary.voiced_share == 0.0
    assert not result.episodes
