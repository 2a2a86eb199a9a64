"""Picklable fakes for the runner's unit tests (worker processes import them by name)."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from annotate.config import FeatureConfig
from annotate.errors import VideoError
from annotate.extract.features import FaceSource
from annotate.faces.finder import ExpectedFace
from annotate.faces.landmarker import RawFace
from tests.helpers import grey_frames, raw_face, write_video

FPS = 25.0


def two_faces(t_s: float) -> list[RawFace]:
    """A large face left and a small one right, looking at each other, the small one away
    from 2 to 3 s of every 5 s."""
    faces = [raw_face((0.25, 0.5), 0.3, yaw=35.0)]
    if not 2.0 <= t_s % 5.0 < 3.0:
        faces.append(raw_face((0.75, 0.5), 0.18, yaw=-35.0))
    return faces


@dataclass(frozen=True)
class FakeFactory:
    """Faces by time (two_faces), and failures on demand.

    Attributes:
        calls: a folder where each landmarker made leaves a file (None: not counted).
        fail: at frames from `from_s` on: "video" raises VideoError, "bug" KeyError (a bug),
            "die_once" ends the worker process the first time (`marker` remembers), "die" every
            time; "" works.
        from_s: where failures start, in seconds.
        marker: the file that "die_once" leaves.
        delay_s: seconds each frame takes (a slow landmarker, to kill a batch mid-way).
    """

    calls: Path | None = None
    fail: str = ""
    from_s: float = 0.0
    marker: Path | None = None
    delay_s: float = 0.0

    def __call__(self, config: FeatureConfig) -> FaceSource:
        if self.calls is not None:
            self.calls.mkdir(parents=True, exist_ok=True)
            (self.calls / f"call-{os.getpid()}-{len(list(self.calls.iterdir()))}").touch()
        return _Source(self)


class _Source:
    device = "cpu"

    def __init__(self, factory: FakeFactory) -> None:
        self.factory = factory

    def find(self, rgb: np.ndarray, t_s: float, expected: Sequence[ExpectedFace]) -> list[RawFace]:
        fail = self.factory.fail if t_s >= self.factory.from_s else ""
        if fail == "video":
            raise VideoError("cannot be decoded (a fake failure)", "fake.mp4")
        if fail == "bug":
            raise KeyError("a planted bug")
        marker = self.factory.marker
        if fail == "die":
            os._exit(1)
        if fail == "die_once" and marker is not None and not marker.exists():
            marker.touch()
            os._exit(1)
        if self.factory.delay_s:
            time.sleep(self.factory.delay_s)
        return two_faces(t_s)

    def close(self) -> None:
        return None


def grey_clip(path: Path, seconds: float, width: int = 160, height: int = 120) -> Path:
    """A plain H.264 clip of `seconds` at 25 fps."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_video(path, grey_frames(round(seconds * FPS), width, height), FPS)
