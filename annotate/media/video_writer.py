"""Writing H.264 MP4 that browsers play.

PyAV's libx264 does it; OpenCV's wheel writes only MPEG-4 Part 2, which browsers refuse.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import numpy as np

from annotate.errors import OutputError


class H264Writer:
    """Writes RGB frames to an H.264 MP4 at a constant frame rate.

    Args:
        path: the file to write.
        width, height: frame size in pixels (odd sizes are padded by one pixel: yuv420p).
        fps: frames per second (fractional rates such as 29.97 are kept).
        crf: x264 quality (lower is better and larger; 23 is x264's default).
    """

    def __init__(self, path: Path, width: int, height: int, fps: float, crf: int = 23) -> None:
        self.path = path
        self.width, self.height = width + width % 2, height + height % 2
        try:
            self._container = av.open(str(path), mode="w")
        except OSError as exc:
            raise OutputError(f"cannot be written ({exc})", path) from None
        rate = Fraction(fps).limit_denominator(1001)
        self._stream = self._container.add_stream("libx264", rate=rate)
        self._stream.width, self._stream.height = self.width, self.height
        self._stream.pix_fmt = "yuv420p"
        self._stream.options = {"crf": str(crf), "preset": "medium"}
        self.frames = 0

    def write(self, rgb: np.ndarray) -> None:
        """Append one RGB frame (H x W x 3 uint8).

        Raises:
            OutputError: FFmpeg cannot write it (PyAV's errors are translated here).
        """
        if rgb.shape[0] != self.height or rgb.shape[1] != self.width:
            padded = np.zeros((self.height, self.width, 3), dtype=np.uint8)
            padded[: rgb.shape[0], : rgb.shape[1]] = rgb[: self.height, : self.width]
            rgb = padded
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        try:
            for packet in self._stream.encode(frame):
                self._container.mux(packet)
        except av.error.FFmpegError as exc:  # a full disk, a vanished folder
            raise OutputError(f"cannot be written ({exc})", self.path) from None
        self.frames += 1

    def close(self) -> None:
        """Flush the encoder and close the file.

        Raises:
            OutputError: FFmpeg cannot write the rest of the file.
        """
        try:
            for packet in self._stream.encode(None):
                self._container.mux(packet)
            self._container.close()
        except av.error.FFmpegError as exc:
            raise OutputError(f"cannot be written ({exc})", self.path) from None

    def __enter__(self) -> H264Writer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
