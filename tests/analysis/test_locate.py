"""Finding a clip in the recording it was cut from: generated media, cut and re-encoded with
PyAV, found back at its known offset by its frames and its sound."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotate.analysis.command_calls import write_location
from annotate.analysis.events import read_time_map
from annotate.analysis.locate import best_lag, locate_clip
from annotate.analysis.signatures import ncc_curve
from annotate.errors import AlignmentError

from .media import cut, make_recording

START_S, END_S = 12.52, 22.52  # frame 313 at 25 per second: between two first-pass samples


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("media")
    recording = make_recording(folder / "session.mp4", 32.0)
    silent = make_recording(folder / "silent.mp4", 32.0, sound=False)
    return {
        "recording": recording,
        "clip": cut(recording, folder / "clip.mp4", START_S, END_S),
        "silent": silent,
        "silent_clip": cut(silent, folder / "silent_clip.mp4", 3.0, 11.0),
        "other": make_recording(folder / "other.mp4", 8.0, seed=7),
    }


def test_a_cut_clip_is_found_at_its_offset_by_frames_and_sound(media: dict[str, Path]) -> None:
    location = locate_clip(media["clip"], media["recording"])

    assert location.offset_s == pytest.approx(START_S, abs=0.001)  # to the frame
    assert location.video.offset_s == pytest.approx(START_S, abs=0.001)
    assert location.audio is not None
    assert location.audio.offset_s == pytest.approx(START_S, abs=0.03)
    assert location.video.score > 0.9 and location.audio.score > 0.9
    assert location.confidence > 0.95 and not location.warnings
    assert location.clip_duration_s == pytest.approx(END_S - START_S, abs=0.05)


def test_without_sound_the_frames_alone_find_it(media: dict[str, Path]) -> None:
    location = locate_clip(media["silent_clip"], media["silent"])
    assert location.audio is None
    assert location.offset_s == pytest.approx(3.0, abs=0.001)
    assert location.confidence > 0.8


def test_the_location_is_recorded_as_a_time_map(media: dict[str, Path], tmp_path: Path) -> None:
    location = locate_clip(media["clip"], media["recording"], use_audio=False)
    path = write_location(location, tmp_path / "clip_to_session.json")
    assert location.audio is None
    assert read_time_map(path).a_to_b(1.0) == pytest.approx(START_S + 1.0, abs=0.001)


def test_a_clip_from_another_recording_is_refused(media: dict[str, Path]) -> None:
    location = locate_clip(media["other"], media["recording"])
    assert location.confidence < 0.5
    with pytest.raises(AlignmentError, match=r"no confident match in session\.mp4"):
        location.check(0.5)


def test_a_clip_longer_than_the_recording_is_refused(media: dict[str, Path]) -> None:
    with pytest.raises(AlignmentError, match="longer than the recording"):
        locate_clip(media["recording"], media["other"])


def test_the_correlation_ignores_what_never_changes() -> None:
    rng = np.random.default_rng(3)
    moving = rng.standard_normal((200, 4)).astype(np.float32)
    recording = moving + np.array([100.0, -50.0, 0.0, 7.0], dtype=np.float32)  # a still scene
    curve = ncc_curve(recording[60:100] * 2.0 + 3.0, recording)  # brighter, more contrast
    lag, score, runner_up, confidence = best_lag(curve, exclusion=10)
    assert lag == 60 and score == pytest.approx(1.0)
    assert runner_up < 0.6 and confidence > 0.5
    assert ncc_curve(np.zeros((5, 4), dtype=np.float32), recording).max() == 0.0
