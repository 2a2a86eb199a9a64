"""Probing and streaming video: container facts, container timestamps, sampling, bad files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from annotate import budgets
from annotate.errors import OutputError, VideoError
from annotate.media.video import FrameSampler, check_frame_size, iter_frames, probe
from annotate.media.video_writer import H264Writer
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


def test_an_opencv_error_while_decoding_is_a_video_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    info = probe(write_video(tmp_path / "bar.mp4", grey_frames(10)))

    def broken(*args: object) -> None:
        raise cv2.error("OpenCV(4.11) error: (-215:Assertion failed)\n in function 'cvtColor'")

    monkeypatch.setattr(cv2, "cvtColor", broken)
    with pytest.raises(VideoError, match=r"bar\.mp4: OpenCV cannot decode it \(.*cvtColor"):
        list(iter_frames(info, None))


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


# --- issue 10, finding 4: a video header declaring huge frames --------------------------


def _declaring(path: Path, width: int, height: int) -> Path:
    """A 16x16 Motion-JPEG AVI (2 KB) whose headers (AVI and each JPEG's) are patched to
    declare `width` x `height` pixels, as the attack's file did."""
    import struct

    import av

    with av.open(str(path), "w", format="avi") as container:
        stream = container.add_stream("mjpeg", rate=10)
        stream.width, stream.height, stream.pix_fmt = 16, 16, "yuvj420p"
        for _ in range(3):
            frame = av.VideoFrame.from_ndarray(np.zeros((16, 16, 3), np.uint8), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    data = bytearray(path.read_bytes())
    at = data.find(b"\xff\xc0")  # each JPEG's start of frame: length, precision, height, width
    while at >= 0:
        struct.pack_into(">HH", data, at + 5, height, width)
        at = data.find(b"\xff\xc0", at + 2)
    small = struct.pack("<II", 16, 16)
    at = data.find(small)  # the AVI main and stream headers: width, height
    while at >= 0:
        struct.pack_into("<II", data, at, width, height)
        at = data.find(small, at + 8)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(("width", "height"), [(16000, 16000), (8192, 8192)])
def test_a_video_declaring_huge_frames_is_refused_before_decoding(
    width: int, height: int, tmp_path: Path
) -> None:
    path = _declaring(tmp_path / "huge.avi", width, height)
    assert path.stat().st_size < 10_000
    message, maxrss_mb = _probe_in_a_process(path)
    assert message == (
        f"{path}: its frames are {width}x{height} pixels, more than the 35,389,440 (DCI 8K, "
        "8192x4320) this tool decodes; make a smaller copy first"
    )
    _, baseline_mb = _probe_in_a_process(_declaring(tmp_path / "small.avi", 16, 16))
    # one decoded 8192x8192 frame alone would be 200 MB (16000x16000: 770 MB)
    assert maxrss_mb - baseline_mb < 50, (maxrss_mb, baseline_mb)


def _probe_in_a_process(path: Path) -> tuple[str, float]:
    """Probe `path` in a fresh interpreter: the error (or its width) and its peak memory, MB."""
    script = (
        "import resource, sys\n"
        "from annotate.errors import VideoError\n"
        "from annotate.media.video import probe\n"
        "try:\n    print(probe(sys.argv[1], with_hash=False).width)\n"
        "except VideoError as exc:\n    print(exc)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        check=True,
    )
    message, maxrss_kb = result.stdout.splitlines()
    return message, int(maxrss_kb) / 1024


@pytest.mark.parametrize(
    ("width", "height", "refused"),
    [
        (640, 360, False),
        (7680, 4320, False),
        (8192, 4320, False),
        (8192, 4321, True),
        (8192, 8192, True),
        (16000, 16000, True),
    ],
)
def test_the_largest_frame_is_dci_8k(width: int, height: int, refused: bool) -> None:
    if refused:
        with pytest.raises(VideoError, match="more than the 35,389,440"):
            check_frame_size(width, height, Path("v.mp4"))
    else:
        check_frame_size(width, height, Path("v.mp4"))
    assert budgets.VIDEO_MAX_PIXELS == 8192 * 4320


def test_a_full_disk_while_writing_h264_is_an_output_error(tmp_path: Path) -> None:
    target = tmp_path / "full.mp4"
    target.symlink_to("/dev/full")  # every write: ENOSPC, as on a full disk
    writer = H264Writer(target, 64, 64, 25.0)
    with pytest.raises(OutputError, match=r"full\.mp4: cannot be written \(.*No space left"):
        for frame in grey_frames(60, 64, 64):
            writer.write(frame)
        writer.close()
