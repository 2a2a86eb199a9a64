"""The sample clips and their scripts: the ground truth the end-to-end tests rely on."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from annotate.errors import ConfigError
from annotate.media.video import probe
from annotate.samples.presets import PRESETS, SAMPLE_CLIPS, dyad_play
from annotate.samples.script import load_script, script_from_dict
from annotate.samples.sound_track import add_sound, mux_sound
from annotate.sound.reader import sound_blocks, sound_track
from annotate.sound.synthesis import RATE
from tests.conftest import REPO, SAMPLES


@pytest.mark.parametrize("name", SAMPLE_CLIPS)
def test_each_sample_clip_is_small_h264_with_its_script(name: str) -> None:
    clip = SAMPLES / f"{name}.mp4"
    assert clip.stat().st_size < 3_000_000
    info = probe(clip, with_hash=False)
    assert info.codec in ("avc1", "h264")
    script = load_script(SAMPLES / f"{name}.script.yaml")
    assert (info.width, info.height) == (script.width, script.height)
    assert info.duration_s == pytest.approx(script.duration_s, abs=0.1)
    track = sound_track(clip)
    assert track is not None and track.codec == "aac" and track.sample_rate == RATE
    assert script.sounds  # who sounds when: the truth of the sound track


def test_the_sample_clips_together_stay_under_three_megabytes() -> None:
    assert sum(p.stat().st_size for p in SAMPLES.iterdir()) < 3_000_000


def _pictures(path: Path) -> tuple[str, str]:
    """Hashes of a file's video packets and of its decoded frames."""
    packets, frames = hashlib.sha256(), hashlib.sha256()
    with av.open(str(path)) as container:
        for packet in container.demux(video=0):
            packets.update(bytes(packet))
    with av.open(str(path)) as container:
        for frame in container.decode(video=0):
            frames.update(frame.to_ndarray(format="rgb24").tobytes())
    return packets.hexdigest(), frames.hexdigest()


def test_a_sound_track_is_added_without_touching_the_pictures(tmp_path: Path) -> None:
    clip = tmp_path / "dyad_play.mp4"
    clip.write_bytes((SAMPLES / "dyad_play.mp4").read_bytes())
    before = _pictures(clip)
    script = dyad_play()
    add_sound(clip, script)
    assert _pictures(clip) == before
    assert load_script(tmp_path / "dyad_play.script.yaml").sounds == script.sounds
    # a tone muxed in comes back at its place
    tone = np.zeros(int(4 * RATE), dtype=np.float32)
    tone[RATE : 2 * RATE] = 0.3 * np.sin(2 * np.pi * 300 * np.arange(RATE) / RATE)
    out = mux_sound(clip, tone, tmp_path / "tone.mp4")
    assert _pictures(out) == before
    heard = np.concatenate(list(sound_blocks(out)))
    loud = np.flatnonzero(np.abs(heard) > 0.1) / RATE
    assert loud[0] == pytest.approx(1.0, abs=0.03) and loud[-1] == pytest.approx(2.0, abs=0.03)


def test_the_script_round_trips_through_yaml() -> None:
    script = dyad_play()
    again = script_from_dict(script.to_dict())
    assert again.to_dict() == script.to_dict()


@pytest.mark.parametrize(
    ("sound", "message"),
    [
        ({"role": "mother", "kind": "whistle", "start": 1.0, "end": 2.0}, "is a 'whistle'"),
        ({"role": "mother", "kind": "speech", "start": 2.0, "end": 1.0}, "before it starts"),
        ({"role": "mother", "kind": "speech", "start": 1.0}, "not a valid sample script"),
    ],
)
def test_a_bad_sound_in_a_script_is_refused(sound: dict[str, object], message: str) -> None:
    data = {**dyad_play().to_dict(), "sounds": [sound]}
    with pytest.raises(ConfigError, match=message):
        script_from_dict(data, "x.script.yaml")


def test_dyad_play_scripts_every_event_of_the_issue() -> None:
    script = dyad_play()
    assert script.truth_intervals("mutual_gaze")[0] == (0.0, 3.0)
    assert script.truth_intervals("infant_gaze_aversion")  # infant looks away, mother at it
    assert script.truth_intervals("face_absent:infant")  # leaves the frame and comes back
    away = [a for a, b in script.truth_intervals("looking_at_partner:mother") if a >= 6.0]
    assert away and away[0] > 8.5  # the mother looks away from 6 s
    assert script.pose("infant", 15.0).roll == pytest.approx(90.0)  # lying at 90 degrees
    mother, infant = script.pose("mother", 1.0), script.pose("infant", 1.0)
    assert mother.yaw > 20 and infant.yaw < -20 and mother.width_px > infant.width_px
    # the sound track: both voices, silences, an overlap and a sung phrase
    assert {s.kind for s in script.sounds} == {"speech", "song"}
    assert len(script.voice_intervals()) < len(script.sounds)  # two voices at once somewhere
    assert script.voice_intervals()[0][0] > 0 and script.voice_intervals()[-1][1] < 16.0


def test_long_presets_take_a_duration() -> None:
    assert PRESETS["long_dyad"](30.0).duration_s == 30.0
    assert PRESETS["hd_small_infant"](None).faces["infant"].width_px == 70


def test_samples_make_sound_only_keeps_the_pictures(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from annotate.cli import app

    clip = tmp_path / "dyad_cross.mp4"
    clip.write_bytes((SAMPLES / "dyad_cross.mp4").read_bytes())
    before = _pictures(clip)
    done = CliRunner().invoke(
        app, ["samples", "make", "dyad_cross", "--sound-only", "--out", str(tmp_path)]
    )
    assert done.exit_code == 0, done.output
    assert _pictures(clip) == before
    assert load_script(tmp_path / "dyad_cross.script.yaml").sounds
    missing = CliRunner().invoke(
        app, ["samples", "make", "dyad_play", "--sound-only", "--out", str(tmp_path)]
    )
    assert missing.exit_code != 0
    assert "run `annotate samples make dyad_play`" in missing.output


def test_without_scikit_image_the_generator_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from annotate.errors import AnnotateError
    from annotate.samples.face_mesh import astronaut_photo

    monkeypatch.setitem(sys.modules, "skimage", None)  # `import skimage` raises ImportError
    with pytest.raises(AnnotateError, match=r"pip install 'annotate\[samples\]'"):
        astronaut_photo()


def test_only_the_sample_generator_imports_scikit_image() -> None:
    for path in [*(REPO / "annotate").rglob("*.py"), *(REPO / "pipelines").rglob("*.py")]:
        if path.parent.name == "samples":
            continue
        text = path.read_text(encoding="utf-8")
        assert "import skimage" not in text and "from skimage" not in text, path
