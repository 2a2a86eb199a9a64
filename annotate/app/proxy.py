"""The browser proxy of a clip the browser cannot play: H.264 and AAC in MP4, made with PyAV.

Each frame keeps its presentation time (less the stream's start, as annotate.app.clip_media
counts), so variable frame rates survive and a time read on the proxy is a time on the original.
Frames are turned upright as OpenCV turns them for the features (rotation metadata), and scaled
down to at most `MAX_WIDTH` pixels wide (overlays are drawn in fractions of the frame). The file
is written under a temporary name and renamed into place when complete.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

from annotate.errors import VideoError
from annotate.io.atomic import staged_file
from annotate.media.video import ProgressHook

MAX_WIDTH = 1280
_ROTATIONS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


def _size(width: int, height: int, rotation: int) -> tuple[int, int]:
    if rotation in (90, 270):
        width, height = height, width
    scale = min(1.0, MAX_WIDTH / width)
    return _even(width * scale), _even(height * scale)


def _upright(frame: av.VideoFrame, rotation: int) -> av.VideoFrame:
    if rotation not in _ROTATIONS:
        return frame
    rgb = np.ascontiguousarray(
        cv2.rotate(frame.to_ndarray(format="rgb24"), _ROTATIONS[rotation]), dtype=np.uint8
    )
    turned = av.VideoFrame.from_ndarray(rgb, format="rgb24")
    turned.pts, turned.time_base = frame.pts, frame.time_base
    return turned


class _Encoder:
    """The output side: an MP4 with an H.264 stream on the input's time base, and AAC sound."""

    def __init__(
        self,
        target: Path,
        video: av.VideoStream,
        audio: av.AudioStream | None,
        size: tuple[int, int],
    ) -> None:
        self.container = av.open(str(target), "w", format="mp4", options={"movflags": "+faststart"})
        rate = Fraction(video.average_rate or 25)
        self.video = self.container.add_stream("libx264", rate=rate)
        self.video.width, self.video.height = size
        self.video.pix_fmt = "yuv420p"
        base = video.time_base or Fraction(1, 90_000)
        self.video.time_base = base
        self.video.codec_context.time_base = base
        self.video.options = {"crf": "23", "preset": "veryfast", "bf": "0"}
        self.audio = None
        if audio is not None:
            self.audio = self.container.add_stream("aac", rate=audio.codec_context.sample_rate)
            self.audio.layout = audio.codec_context.layout

    def add_video(self, frame: av.VideoFrame) -> None:
        for packet in self.video.encode(frame):
            self.container.mux(packet)

    def add_audio(self, frame: av.AudioFrame) -> None:
        if self.audio is not None:
            for packet in self.audio.encode(frame):
                self.container.mux(packet)

    def close(self) -> None:
        for stream in (self.video, self.audio):
            if stream is not None:
                for packet in stream.encode(None):
                    self.container.mux(packet)
        self.container.close()


def _transcode(
    source: Path, target: Path, rotation: int, total: int, progress: ProgressHook | None
) -> None:
    with av.open(str(source)) as container:
        video = container.streams.video[0]
        video.thread_type = "AUTO"
        audio = container.streams.audio[0] if container.streams.audio else None
        context = video.codec_context
        encoder = _Encoder(target, video, audio, _size(context.width, context.height, rotation))
        start = video.start_time or 0
        audio_shift = 0
        if audio is not None and audio.time_base is not None and video.time_base is not None:
            audio_shift = round(start * video.time_base / audio.time_base)
        done = 0
        try:
            for frame in container.decode(*(s for s in (video, audio) if s is not None)):
                if frame.pts is None:
                    continue
                if isinstance(frame, av.VideoFrame):
                    frame.pts -= start
                    encoder.add_video(_upright(frame, rotation))
                    done += 1
                    if progress is not None:
                        progress(done, max(total, done))
                elif isinstance(frame, av.AudioFrame):
                    frame.pts -= audio_shift
                    if frame.pts >= 0:
                        encoder.add_audio(frame)
        finally:
            encoder.close()


def make_proxy(
    source: Path,
    target: Path,
    *,
    rotation: int = 0,
    total_frames: int = 0,
    progress: ProgressHook | None = None,
) -> Path:
    """Write the H.264 proxy of `source` to `target` (kept when it exists already).

    Args:
        source: the original clip.
        target: the proxy file (see annotate.app.clip_media.proxy_path).
        rotation: the clip's rotation metadata in degrees (0, 90, 180, 270).
        total_frames: frames expected, for the progress hook.
        progress: called with (frames encoded, frames expected).

    Raises:
        VideoError: the clip cannot be decoded.
        OutputError: the proxy cannot be written.
    """
    if target.is_file():
        return target
    try:
        with staged_file(target) as partial:
            _transcode(source, partial, rotation % 360, total_frames, progress)
    except av.error.FFmpegError as exc:
        raise VideoError(f"cannot be turned into a browser proxy ({exc})", source) from None
    return target
