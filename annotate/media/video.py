"""Reading clips: probe a video and stream its frames at a sampling rate.

Times are seconds on the video's own time base, taken from each frame's presentation timestamp
in the container (never index / fps, which drifts on variable-frame-rate camera files). Frames
count from 0 in decoding order. Rotation metadata is honoured: frames come out upright, and the
width and height reported are those of the upright frames. Frames are streamed one at a time, so
memory does not grow with the clip's length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import cv2
import numpy as np

from annotate import budgets
from annotate.errors import VideoError
from annotate.io.file_hash import HashCache, file_sha256

ProgressHook = Callable[[int, int], None]
"""Called with (frames decoded so far, frames expected in the clip)."""


@dataclass(frozen=True)
class ClipInfo:
    """What the container says about a clip, plus the sha256 that identifies it."""

    path: Path
    sha256: str
    fps: float
    frame_count: int
    duration_s: float
    width: int
    height: int
    rotation_deg: int
    codec: str

    @property
    def clip_id(self) -> str:
        """The clip's name without its extension: how tables and file names refer to it."""
        return self.path.stem


@dataclass(frozen=True)
class Frame:
    """One decoded frame: its index in the clip, its time in seconds, and its RGB pixels."""

    index: int
    t: float
    rgb: np.ndarray  # (height, width, 3) uint8


def _open(path: Path) -> cv2.VideoCapture:
    try:
        found, is_file = path.exists(), path.is_file()
    except OSError as exc:  # a folder on the way that may not be entered
        raise VideoError(f"cannot be read ({exc.strerror or exc})", path) from None
    if not found:
        raise VideoError("file not found", path)
    if not is_file:
        raise VideoError("not a file", path)
    with opencv_errors(path):
        capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    if not capture.isOpened():
        raise VideoError(_why_unreadable(path), path)
    return capture


def _why_unreadable(path: Path) -> str:
    """Why OpenCV could not open a file, as precisely as the container lets PyAV say."""
    import av

    try:
        with av.open(str(path)) as container:
            streams = container.streams.video
            if not container.streams:
                return f"holds no frames (an empty {container.format.name.split(',')[0]} container)"
            if not streams:
                return "is not a video file (nothing in it is a video stream)"
            if not any(packet.size for packet in container.demux(streams[0])):
                return "holds no frames (an empty video stream)"
            return f"its video stream ({streams[0].codec_context.name}) cannot be decoded"
    except (av.error.FFmpegError, UnicodeDecodeError, ValueError):
        return "cannot be opened as a video (not a video file, or a damaged or truncated container)"


class opencv_errors:  # noqa: N801 (used as `with opencv_errors(path):`, like a function)
    """OpenCV's own error (`cv2.error`, raised from its C++ code on a file it cannot handle)
    translated into a VideoError naming the clip, so that callers handle AnnotateErrors only.

    Raises:
        VideoError: what OpenCV said, on one line.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if isinstance(exc, cv2.error):
            said = " ".join(str(exc).split())[:200]
            raise VideoError(f"OpenCV cannot decode it ({said})", self.path) from None


def check_frame_size(width: float, height: float, path: Path) -> None:
    """Refuse frames of more than budgets.VIDEO_MAX_PIXELS (width x height), so that a small file
    declaring 16000x16000 pixels is not decoded into gigabytes.

    Raises:
        VideoError: naming the declared size and the limit.
    """
    if width * height > budgets.VIDEO_MAX_PIXELS:
        raise VideoError(
            f"its frames are {width:.0f}x{height:.0f} pixels, more than the "
            f"{budgets.VIDEO_MAX_PIXELS:,} (DCI 8K, 8192x4320) this tool decodes; "
            "make a smaller copy first",
            path,
        )


def _fourcc(capture: cv2.VideoCapture) -> str:
    code = int(capture.get(cv2.CAP_PROP_FOURCC))
    text = "".join(chr((code >> (8 * i)) & 0xFF) for i in range(4))
    return text.strip("\x00 ") or "unknown"


def probe(path: Path | str, *, with_hash: bool = True, hashes: HashCache | None = None) -> ClipInfo:
    """Read a clip's container facts and decode its first frame (to prove it is readable).

    The sha256 (skipped with `with_hash` False) is annotate.io.file_hash's: the file is read
    only when it is new or changed since it was last hashed; `hashes` is the remembered digests
    to use (the caller saves them), by default the user's cache.

    Raises:
        VideoError: the file is missing or cannot be read (for its hash too), is not a
            video, declares frames larger than budgets.VIDEO_MAX_PIXELS (refused from the
            header, before decoding), or holds no decodable frame.
    """
    path = Path(path)
    capture = _open(path)
    try:
        with opencv_errors(path):
            declared = (
                capture.get(cv2.CAP_PROP_FRAME_WIDTH),
                capture.get(cv2.CAP_PROP_FRAME_HEIGHT),
            )
            check_frame_size(*declared, path)  # before the first frame is decoded
            fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
            frame_count = max(int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0), 0)
            rotation = int(capture.get(cv2.CAP_PROP_ORIENTATION_META) or 0) % 360
            codec = _fourcc(capture)
            ok, first = capture.read()
    finally:
        capture.release()
    if not ok or first is None:
        raise VideoError("holds no frames that can be decoded", path)
    if not 0 < fps < 1000:
        raise VideoError(f"the container gives no usable frame rate ({fps})", path)
    height, width = first.shape[:2]
    check_frame_size(width, height, path)
    duration = frame_count / fps if frame_count else 0.0
    return ClipInfo(
        path=path,
        sha256=file_sha256(path, hashes) if with_hash else "",
        fps=fps,
        frame_count=frame_count,
        duration_s=duration,
        width=width,
        height=height,
        rotation_deg=rotation,
        codec=codec,
    )


class FrameSampler:
    """Chooses which decoded frames to keep for a target rate.

    A grid of sample times starts at 0 s on the clip's time base and steps 1 / fps, so that a clip
    read in time chunks samples the same frames as one read whole; each grid time takes the first
    frame whose timestamp reaches it, less half a frame interval (so the nearest frame wins). With
    fps None every frame is kept.
    """

    def __init__(self, fps: float | None, native_fps: float) -> None:
        self.step = None if fps is None or fps >= native_fps else 1.0 / fps
        self.tolerance = 0.5 / native_fps - 1e-6
        self.next_k = 0  # index of the next grid time; k * step avoids summing rounding errors

    def keep(self, t: float) -> bool:
        """Whether the frame at time `t` (seconds, increasing from call to call) is a sample."""
        if self.step is None:
            return True
        if t < self.next_k * self.step - self.tolerance:
            return False
        while self.next_k * self.step <= t + self.tolerance:
            self.next_k += 1
        return True


def iter_frames(
    info: ClipInfo,
    fps: float | None,
    progress: ProgressHook | None = None,
    start_s: float = 0.0,
    end_s: float | None = None,
) -> Iterator[Frame]:
    """Stream the frames of a clip sampled to `fps` (None: every frame), as RGB.

    Args:
        info: the clip, from `probe`.
        fps: frames per second to keep; None keeps every frame.
        progress: called after each decoded frame with (decoded, expected), both counted
            within [start_s, end_s).
        start_s: where to start: the reader seeks to a second before it (the nearest key
            frame) and skips the frames before it. Frame indices after a seek are the
            container's (exact for constant frame rates, estimated for variable ones).
        end_s: decoding stops at the first frame at or after this time.

    Yields:
        Frame objects in time order; timestamps strictly increase (a repeated container
        timestamp, common at a clip's start, is nudged forward by a microsecond).

    Raises:
        VideoError: the file cannot be opened, or OpenCV fails while decoding it.
    """
    capture = _open(info.path)
    try:
        with opencv_errors(info.path):
            yield from _decoded(capture, info, fps, progress, start_s, end_s)
    finally:
        capture.release()


def _decoded(
    capture: cv2.VideoCapture,
    info: ClipInfo,
    fps: float | None,
    progress: ProgressHook | None,
    start_s: float,
    end_s: float | None,
) -> Iterator[Frame]:
    """iter_frames' loop over an open capture (see there)."""
    sampler = FrameSampler(fps, info.fps)
    first_index = 0
    if start_s > 1.0:
        capture.set(cv2.CAP_PROP_POS_MSEC, (start_s - 1.0) * 1000.0)
        first_index = max(int(capture.get(cv2.CAP_PROP_POS_FRAMES)), 0)
    last_frame = info.frame_count if end_s is None else min(info.frame_count, end_s * info.fps)
    expected = max(int(last_frame - start_s * info.fps), 0)
    decoded = 0
    last_t = -1.0
    while capture.grab():
        t = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        if t <= last_t:
            t = last_t + 1e-6
        last_t = t
        index = first_index + decoded
        decoded += 1
        if progress is not None and t >= start_s:
            progress(max(index + 1 - round(start_s * info.fps), 0), expected)
        if end_s is not None and t >= end_s:
            break
        if t < start_s or not sampler.keep(t):
            continue
        ok, bgr = capture.retrieve()
        if not ok or bgr is None:
            continue
        yield Frame(index=index, t=t, rgb=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
