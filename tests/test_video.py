"""Probing and streaming video: container facts, container timestamps, sampling, bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotate.errors import VideoError
from annotate.video import FrameSampler, iter_frames, probe
from tests.helpers import grey_frames, set_rotation_metadata, write_video


def test_probe_reads_the_containers_facts(shared_fixtures: Path) -> None:
    info = probe(shared_fixtures / "faces" / "WolfgangLanger_Pexels.mp4")
    assert (info.width, info.height) == (640, 360)
    assert info.fps == pytest.approx(23.976, abs=0.001)  # 29.97-style rates are not truncated
    assert info.frame_count == 472
    assert info.duration_s == pytest.approx(19.686, abs=0.01)
    assert len(info.sha256) == 64 and info.rotation_deg == 0


def test_times_come_from_the_container_not_from_index_over_fps(shared_fixtures: Path) -> None:
    # face_noface.mov (HEVC) has a variable frame rate: its frames are not 1/fps apart
    info = probe(shared_fixtures / "faces" / "face_noface.mov")
    times = np.array([f.t for f in iter_frames(info, None)])
    assert times.size == 169
    assert np.all(np.diff(times) > 0)
    steps = np.diff(times)
    # index / fps would make every step 1 / 26.4 s; the container's steps differ
    assert steps.max() - steps.min() > 0.005
    assert steps[0] == pytest.approx(1 / 30, abs=1e-4) != pytest.approx(1 / info.fps, abs=1e-3)


@pytest.mark.parametrize(
    ("native", "target", "count"),
    [(25.0, 10.0, 10), (25.0, None, 25), (25.0, 50.0, 25), (30.0, 1.0, 1), (23.976, 10.0, 10)],
)
def test_sampling_keeps_the_target_rate(native: float, target: float | None, count: int) -> None:
    sampler = FrameSampler(target, native)
    kept = [k for k in range(int(native * 10)) if sampler.keep(k / native)]
    assert len(kept) == pytest.approx(count * 10, abs=1)


def test_sampling_grid_is_anchored_at_zero_so_chunks_agree() -> None:
    whole = FrameSampler(10.0, 25.0)
    times = [k / 25 for k in range(250)]
    kept_whole = [t for t in times if whole.keep(t)]
    late = FrameSampler(10.0, 25.0)
    kept_late = [t for t in times if t >= 4.0 and late.keep(t)]
    assert kept_late == [t for t in kept_whole if t >= 4.0]


def test_frames_stream_in_order_with_indices(tmp_path: Path) -> None:
    clip = write_video(tmp_path / "bar.mp4", grey_frames(50))
    info = probe(clip)
    frames = list(iter_frames(info, 5.0))
    assert [f.index for f in frames] == [0, 5, 10, 15, 20, 25, 30, 35, 40, 45]
    assert frames[0].rgb.shape == (120, 160, 3)


def test_start_and_end_bound_the_stream(tmp_path: Path) -> None:
    info = probe(write_video(tmp_path / "bar.mp4", grey_frames(50)))
    times = [f.t for f in iter_frames(info, None, start_s=0.5, end_s=1.0)]
    assert times[0] == pytest.approx(0.52) and times[-1] < 1.0


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="file not found"):
        probe(tmp_path / "gone.mp4")


def test_a_text_file_named_mp4(tmp_path: Path) -> None:
    fake = tmp_path / "notes.mp4"
    fake.write_text("these are my notes, not a video\n" * 20)
    with pytest.raises(VideoError, match="not a video file"):
        probe(fake)


def test_a_folder_is_not_a_video(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="not a file"):
        probe(tmp_path)


def test_rotation_metadata_is_honoured(tmp_path: Path) -> None:
    frames = []
    for _ in range(10):
        frame = np.zeros((96, 160, 3), dtype=np.uint8)
        frame[:, :40] = 255  # a white band on the stored frame's left
        frames.append(frame)
    clip = write_video(tmp_path / "phone.mp4", frames)
    set_rotation_metadata(clip, (0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30))
    info = probe(clip)
    assert info.rotation_deg == 90
    assert (info.width, info.height) == (96, 160)  # the upright frame's size
    first = next(iter_frames(info, None))
    assert first.rgb.shape == (160, 96, 3)
    assert first.rgb[:20].mean() > 200 and first.rgb[-20:].mean() < 50  # the band is on top
