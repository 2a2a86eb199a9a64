"""The sample clips and their scripts: the ground truth the end-to-end tests rely on."""

from __future__ import annotations

import sys

import pytest

from annotate.samples.presets import PRESETS, SAMPLE_CLIPS, dyad_play
from annotate.samples.script import load_script, script_from_dict
from annotate.video import probe
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


def test_the_script_round_trips_through_yaml() -> None:
    script = dyad_play()
    again = script_from_dict(script.to_dict())
    assert again.to_dict() == script.to_dict()


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


def test_long_presets_take_a_duration() -> None:
    assert PRESETS["long_dyad"](30.0).duration_s == 30.0
    assert PRESETS["hd_small_infant"](None).faces["infant"].width_px == 70


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
