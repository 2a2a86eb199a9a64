"""What the browser is given to play, and the times of a clip's frames.

Chromium plays H.264 (8-bit 4:2:0) and AV1 in MP4 and VP8, VP9 and AV1 in WebM, with AAC, MP3,
Opus, Vorbis or FLAC sound; anything else (MPEG-4 Part 2 from OpenCV's `mp4v`, HEVC from phones,
10-bit or 4:2:2 H.264 from cameras, PCM sound) gets an H.264 proxy (annotate.app.proxy), made
once and kept in the project's `.annotate/proxies/` by the clip's sha256.

Frame times are each frame's presentation timestamp less the stream's start, in seconds: the
clock OpenCV gives the feature table and the one the page shows (variable frame rates included).
The proxy keeps these times, so an annotation made on the proxy lies on the original's time base.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av

from annotate.errors import VideoError

PROXY_FOLDER = "proxies"
_PLAYABLE_VIDEO = {
    "mp4": {"h264", "av1"},
    "webm": {"vp8", "vp9", "av1"},
}
_PLAYABLE_AUDIO = {"aac", "mp3", "mp3float", "opus", "vorbis", "flac"}
_PLAYABLE_PIXELS = {"yuv420p", "yuvj420p"}


@dataclass(frozen=True)
class Playability:
    """Whether the browser plays a file as it is.

    Attributes:
        playable: True when it plays without a proxy.
        reason: why not ('' when playable), e.g. 'video codec hevc'.
    """

    playable: bool
    reason: str = ""


def _family(format_name: str, suffix: str) -> str:
    names = set(format_name.split(","))
    if "webm" in names and suffix == ".webm":
        return "webm"
    if "mp4" in names or "mov" in names:
        return "mp4" if suffix in (".mp4", ".m4v", ".mov") else ""
    return ""


def playability(path: Path) -> Playability:
    """Whether Chromium plays this file directly (container, codecs and pixel format).

    Raises:
        VideoError: the file cannot be opened or has no video stream.
    """
    try:
        with av.open(str(path)) as container:
            if not container.streams.video:
                raise VideoError("has no video stream", path)
            video = container.streams.video[0].codec_context
            family = _family(container.format.name, path.suffix.lower())
            audio = [s.codec_context.name for s in container.streams.audio]
            pixels = video.pix_fmt or ""
            codec = video.name
    except av.error.FFmpegError as exc:
        raise VideoError(f"cannot be opened ({exc})", path) from None
    if not family:
        return Playability(False, f"container {container.format.name}")
    if codec not in _PLAYABLE_VIDEO[family]:
        return Playability(False, f"video codec {codec}")
    if codec == "h264" and pixels not in _PLAYABLE_PIXELS:
        return Playability(False, f"pixel format {pixels}")
    unplayable = [a for a in audio if a not in _PLAYABLE_AUDIO]
    if unplayable:
        return Playability(False, f"audio codec {unplayable[0]}")
    return Playability(True)


def frame_times(path: Path) -> list[float]:
    """Each frame's time in seconds from the stream's start, in presentation order.

    Read from the packets (no decoding): a three-minute clip takes a few tens of milliseconds.

    Raises:
        VideoError: the file cannot be read or holds no video packets.
    """
    try:
        with av.open(str(path)) as container:
            stream = container.streams.video[0]
            base = stream.time_base
            start = stream.start_time or 0
            stamps = sorted(
                packet.pts for packet in container.demux(stream) if packet.pts is not None
            )
    except (av.error.FFmpegError, IndexError) as exc:
        raise VideoError(f"cannot be read ({exc})", path) from None
    if not stamps or base is None:
        raise VideoError("holds no video frames", path)
    return [round(float((pts - start) * base), 6) for pts in stamps]


def proxy_path(cache: Path, sha256: str) -> Path:
    """Where the proxy of the clip with this sha256 is kept."""
    return cache / PROXY_FOLDER / f"{sha256}.mp4"
