"""What the browser gets to play: playability, frame times, and the H.264 proxy."""

from __future__ import annotations

import itertools
from pathlib import Path

import av
import cv2
import pytest

from annotate.app.clip_media import frame_times, playability, proxy_path
from annotate.app.proxy import make_proxy
from annotate.errors import VideoError
from tests.app.builders import HEVC_CLIP, SAMPLES, mp4v_clip


def opencv_times(path: Path) -> list[float]:
    """Each frame's time as OpenCV gives it to the feature extraction."""
    capture = cv2.VideoCapture(str(path))
    times = []
    while capture.grab():
        times.append(capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0)
    capture.release()
    return times


@pytest.fixture(scope="module")
def hevc_proxy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The proxy of the HEVC camera clip (variable frame rate, AAC sound from 2.4 s)."""
    target = proxy_path(tmp_path_factory.mktemp("cache"), "f" * 64)
    seen: list[tuple[int, int]] = []
    made = make_proxy(
        HEVC_CLIP, target, total_frames=169, progress=lambda d, t: seen.append((d, t))
    )
    assert seen[-1] == (169, 169)
    return made


def test_playability(tmp_path: Path) -> None:
    assert playability(SAMPLES / "dyad_play.mp4").playable
    mpeg4 = playability(mp4v_clip(tmp_path / "mp4v.mp4"))
    assert not mpeg4.playable and mpeg4.reason == "video codec mpeg4"
    hevc = playability(HEVC_CLIP)
    assert not hevc.playable and hevc.reason == "video codec hevc"
    with pytest.raises(VideoError):
        playability(tmp_path / "missing.mp4")


def test_frame_times_match_opencv_on_a_variable_frame_rate_clip() -> None:
    times = frame_times(HEVC_CLIP)
    assert times == pytest.approx(opencv_times(HEVC_CLIP), abs=1e-5)
    steps = {round(b - a, 3) for a, b in itertools.pairwise(times)}
    assert len(steps) > 1  # not one constant step: the clip's frame rate varies


def test_the_proxy_is_h264_with_sound_on_the_original_time_base(hevc_proxy: Path) -> None:
    assert playability(hevc_proxy).playable
    with av.open(str(hevc_proxy)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        assert container.streams.audio[0].codec_context.name == "aac"
    assert frame_times(hevc_proxy) == pytest.approx(frame_times(HEVC_CLIP), abs=1e-4)


def test_a_made_proxy_is_kept(hevc_proxy: Path) -> None:
    stamp = hevc_proxy.stat().st_mtime_ns
    assert make_proxy(HEVC_CLIP, hevc_proxy) == hevc_proxy
    assert hevc_proxy.stat().st_mtime_ns == stamp
    assert not list(hevc_proxy.parent.glob(".*partial"))


def test_an_undecodable_clip_leaves_no_proxy(tmp_path: Path) -> None:
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200)
    target = tmp_path / "proxies" / "x.mp4"
    with pytest.raises(VideoError, match="browser proxy"):
        make_proxy(broken, target)
    assert not target.exists() and not list(target.parent.iterdir())
