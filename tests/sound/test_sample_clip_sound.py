"""The committed sample clips' sound tracks against their scripts (sounds in the script YAML),
with the real voice activity model and the faces the real landmarker finds (audio-visual
attribution, as `annotate extract` does)."""

from __future__ import annotations

import numpy as np
import pytest

from annotate import columns as C
from annotate.config import FeatureConfig
from annotate.extract.features import ClipFeatures
from annotate.media.video import probe
from annotate.samples.script import Script, load_script
from annotate.sound.analysis import SoundResult, analyse_clip_sound
from annotate.sound.attribution import OTHER_ADULT
from tests.conftest import SAMPLES

NAMES = ("dyad_play", "dyad_cross")


@pytest.fixture(scope="module")
def heard(
    extracted: dict[str, ClipFeatures], feature_config: FeatureConfig
) -> dict[str, tuple[Script, SoundResult]]:
    out = {}
    for name in NAMES:
        clip = SAMPLES / f"{name}.mp4"
        script = load_script(SAMPLES / f"{name}.script.yaml")
        faces = extracted[name].table
        fps = probe(clip, with_hash=False).fps
        out[name] = (script, analyse_clip_sound(clip, name, feature_config.sound, fps, faces))
    return out


def _truth(script: Script, t: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per frame: any voice, the one voice's role, how many voices."""
    voices = np.zeros(t.size, dtype=np.int64)
    who = np.full(t.size, "", dtype=object)
    for s in script.sounds:
        inside = (t >= s.start_s) & (t < s.end_s)
        voices += inside
        who[inside] = OTHER_ADULT if s.role == "adult_2" else s.role
    return voices > 0, who, voices


@pytest.mark.parametrize("name", NAMES)
def test_voice_activity_precision_and_recall_on_the_sample_clip(
    heard: dict[str, tuple[Script, SoundResult]], name: str
) -> None:
    script, result = heard[name]
    assert result.table is not None and not result.warnings
    voiced = result.table["voiced"].to_numpy()
    expected, _, _ = _truth(script, result.table["t"].to_numpy())
    hits = int((voiced & expected).sum())
    assert hits / voiced.sum() >= 0.9  # precision
    assert hits / expected.sum() >= 0.9  # recall


@pytest.mark.parametrize("name", NAMES)
def test_who_vocalises_on_the_sample_clip(
    heard: dict[str, tuple[Script, SoundResult]], name: str
) -> None:
    script, result = heard[name]
    assert result.table is not None
    voiced = result.table["voiced"].to_numpy()
    _, who, voices = _truth(script, result.table["t"].to_numpy())
    one_voice = voiced & (voices == 1)  # in an overlap the script names two
    roles = result.table["role"].astype(str).to_numpy()
    assert (roles[one_voice] == who[one_voice]).mean() >= 0.85
    assert sorted(result.summary.faces_used) == ["infant", "mother"]


def _found(result: SoundResult, kind: str, role: str) -> list[tuple[float, float]]:
    return [(e.start_s, e.end_s) for e in result.episodes if e.kind == kind and e.role == role]


def test_the_scripted_turns_overlap_and_song_of_dyad_play(
    heard: dict[str, tuple[Script, SoundResult]],
) -> None:
    script, result = heard["dyad_play"]
    for role in ("mother", "infant"):
        starts = [a for a, _ in _found(result, C.VOCALISATION, role)]
        for a, _ in script.voice_intervals(role):
            assert any(abs(s - a) <= 0.25 for s in starts), (role, a, starts)
    overlaps = _found(result, C.OVERLAP, "dyad")
    assert len(overlaps) == 1 and overlaps[0][0] < 6.0 and overlaps[0][1] > 5.6  # script 5.2-6.2
    (song,) = _found(result, C.SINGING_HINT, "mother")
    assert abs(song[0] - 10.0) < 0.5 and abs(song[1] - 15.0) < 0.5
    # the clean turns (an answer after a silence): responder, where the answer starts, latency
    for responder, answer_s, latency in (
        ("infant", 2.7, 0.5),
        ("mother", 4.3, 0.8),
        ("mother", 8.2, 0.4),
    ):
        assert _latency(result, responder, answer_s) == pytest.approx(latency, abs=0.1)


def _latency(result: SoundResult, role: str, answer_s: float) -> float | None:
    """The latency of `role`'s answer that starts near answer_s to the nearest vocalisation before
    it (an answer also counts as the response to earlier ones within the window)."""
    found = [
        e.value
        for e in result.episodes
        if e.kind == C.VOCAL_RESPONSE
        and e.role == role
        and abs(e.end_s - answer_s) < 0.2
        and e.value is not None
    ]
    return min(found) if found else None


def test_the_other_adult_turns_and_overlap_of_dyad_cross(
    heard: dict[str, tuple[Script, SoundResult]],
) -> None:
    _, result = heard["dyad_cross"]
    others = _found(result, C.VOCALISATION, OTHER_ADULT)
    assert any(abs(a - 6.0) < 0.2 and abs(b - 7.5) < 0.2 for a, b in others), others
    assert _latency(result, "infant", 2.4) == pytest.approx(0.4, abs=0.1)
    assert _latency(result, "mother", 3.6) == pytest.approx(0.4, abs=0.1)
    (overlap,) = _found(result, C.OVERLAP, "dyad")  # the script's 4.3-5.3
    assert overlap[0] < 5.0 and overlap[1] > 5.0
