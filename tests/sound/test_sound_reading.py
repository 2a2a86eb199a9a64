"""Reading sound: blocks at 16 kHz mono, a clip without sound, a damaged sound track, the
real home recording of the fixtures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotate.config import SoundConfig
from annotate.errors import SoundError
from annotate.sound.analysis import analyse_clip_sound
from annotate.sound.frames import FRAME_S, FrameAnalyser
from annotate.sound.reader import ReadCounts, sound_blocks, sound_track
from annotate.sound.synthesis import RATE, ScriptedSound, render
from tests.sound.clips import write_clip


def test_blocks_are_16_khz_mono_and_add_up(tmp_path: Path) -> None:
    sound = render([ScriptedSound("mother", "speech", 0.5, 2.0)], 3.0)
    clip = write_clip(tmp_path / "c.mp4", sound, 3.0)
    track = sound_track(clip)
    assert track is not None and track.codec == "aac"
    counts = ReadCounts()
    blocks = list(sound_blocks(clip, 1.0, counts))
    assert all(b.dtype == np.float32 and b.ndim == 1 for b in blocks)
    assert [b.size for b in blocks[:-1]] == [RATE] * (len(blocks) - 1)
    assert abs(sum(b.size for b in blocks) / RATE - 3.0) < 0.07
    assert counts.bad_packets == 0


def test_frames_do_not_depend_on_the_block_size() -> None:
    sound = render([ScriptedSound("infant", "speech", 0.2, 1.5)], 2.0)
    whole, pieces = FrameAnalyser(), FrameAnalyser()
    whole.feed(sound)
    for k in range(0, sound.size, 3001):
        pieces.feed(sound[k : k + 3001])
    a, b = whole.finish(), pieces.finish()
    assert len(a) == len(b) == round(2.0 / FRAME_S)
    np.testing.assert_allclose(a.f0_hz, b.f0_hz, rtol=1e-9)
    np.testing.assert_allclose(a.level_db, b.level_db, rtol=1e-9)


def test_a_clip_without_sound_says_so(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "silent.mp4", None, 2.0)
    result = analyse_clip_sound(clip, "silent", SoundConfig(), 10.0)
    assert result.table is None and result.episodes == []
    assert result.summary.to_dict() == {"sound": "none"}
    assert result.warnings == [f"{clip}: no sound track; the vocal channel is empty"]


def test_a_damaged_sound_track_gives_a_warning(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "bad.mp4", None, 2.0, damaged_sound=True)
    with pytest.raises(SoundError, match="not one packet of the sound track decodes"):
        list(sound_blocks(clip))
    result = analyse_clip_sound(clip, "bad", SoundConfig(), 10.0)
    assert result.table is None and result.summary.to_dict() == {"sound": "unreadable"}
    assert "results for the video only" in result.warnings[0]


def test_sound_can_be_switched_off(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "c.mp4", render([], 1.0), 1.0)
    result = analyse_clip_sound(clip, "c", SoundConfig(enabled=False), 10.0)
    assert result.table is None and result.warnings == []


def test_the_real_home_recording(shared_fixtures: Path) -> None:
    """ALICE's 20-s child-centred recording (16 kHz WAV): read whole, voice found in part of it,
    every voiced frame attributed with a confidence."""
    wav = shared_fixtures / "audio" / "alice_ROS_5271_snippet_mono.wav"
    result = analyse_clip_sound(wav, "alice", SoundConfig(), 25.0)
    assert result.table is not None
    assert abs(len(result.table) * FRAME_S - 20.0) < 0.05
    assert 0.1 < (result.summary.voiced_share or 0.0) < 0.9
    voiced = result.table[result.table["voiced"]]
    assert (voiced["role"].astype(str) != "").all()
    assert result.provenance["sample_rate_in"] == 16000
