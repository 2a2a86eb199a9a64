"""The one adapter that touches MediaPipe: FaceLandmarker in VIDEO (or IMAGE) mode.

Everything downstream works on `RawFace`, plain numpy arrays, so that geometry, tracking and
roles are tested with made-up numbers. One landmarker per process and per clip or chunk; it is
not shared across threads (MediaPipe's VIDEO mode keeps state between frames).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import numpy as np

from annotate.errors import ModelError

Device = Literal["cpu", "gpu"]


@dataclass(frozen=True)
class RawFace:
    """One face as the landmarker gives it, in plain arrays.

    Attributes:
        landmarks: (478, 3) float32; x and y as fractions of the frame's width and height
            (y down), z the landmarker's relative depth on the scale of x (smaller = nearer).
        blendshapes: the 52 ARKit-style blendshape scores (0-1) by name.
        matrix: (4, 4) facial transformation matrix, canonical face model to camera (camera
            x right, y up, z toward the viewer).
    """

    landmarks: np.ndarray
    blendshapes: dict[str, float]
    matrix: np.ndarray


@contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Silence the C++ side's stderr (MediaPipe's start-up log lines) for a block."""
    try:
        saved = os.dup(2)
    except OSError:  # no file descriptor 2 (some embedded interpreters)
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _faces_from_result(result: Any) -> list[RawFace]:
    faces = []
    count = len(result.face_landmarks)
    for k in range(count):
        points = np.array([(p.x, p.y, p.z) for p in result.face_landmarks[k]], dtype=np.float32)
        shapes = {}
        if result.face_blendshapes and k < len(result.face_blendshapes):
            shapes = {c.category_name: float(c.score) for c in result.face_blendshapes[k]}
        matrix = np.eye(4, dtype=np.float64)
        if result.facial_transformation_matrixes and k < len(result.facial_transformation_matrixes):
            matrix = np.asarray(result.facial_transformation_matrixes[k], dtype=np.float64)
        faces.append(RawFace(landmarks=points, blendshapes=shapes, matrix=matrix))
    return faces


class FaceLandmarker:
    """MediaPipe's face landmarker for one clip (VIDEO mode) or for still images (IMAGE mode).

    Use as a context manager; `detect` takes RGB frames and their times in seconds.
    """

    def __init__(
        self,
        model_path: Path,
        max_faces: int = 2,
        *,
        video: bool = True,
        min_detection_confidence: float = 0.5,
        min_presence_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        device: Device = "cpu",
    ) -> None:
        from mediapipe.tasks.python import BaseOptions, vision

        self._mode = vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE
        self.device: str = device
        delegate = BaseOptions.Delegate.GPU if device == "gpu" else BaseOptions.Delegate.CPU
        options = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model_path), delegate=delegate),
            running_mode=self._mode,
            num_faces=max_faces,
            min_face_detection_confidence=min_detection_confidence,
            min_face_presence_confidence=min_presence_confidence,
            min_tracking_confidence=min_tracking_confidence,
            output_face_blendshapes=True,
            output_facial_transformation_matrixes=True,
        )
        try:
            with _native_stderr_silenced():
                self._task = vision.FaceLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as exc:
            if device != "gpu":
                raise ModelError(f"the face landmarker cannot start: {exc}", model_path) from None
            reason = str(exc).split("cannot be created:")[-1].strip()[:160]
            warnings.warn(
                f"the GPU cannot be used for the face landmarker ({reason}); using the CPU instead",
                RuntimeWarning,
                stacklevel=2,
            )
            self.device = "cpu"
            options.base_options = BaseOptions(
                model_asset_path=str(model_path), delegate=BaseOptions.Delegate.CPU
            )
            try:
                with _native_stderr_silenced():
                    self._task = vision.FaceLandmarker.create_from_options(options)
            except (RuntimeError, ValueError) as again:
                raise ModelError(f"the face landmarker cannot start: {again}", model_path) from None
        self._last_ms = -1
        self._calls = 0

    def detect(self, rgb: np.ndarray, t_s: float = 0.0) -> list[RawFace]:
        """Faces in one RGB frame (uint8, H x W x 3). In VIDEO mode, times must increase.

        Raises:
            ModelError: MediaPipe fails on the frame (its errors are translated here, so that
                a batch records them for the clip).
        """
        import mediapipe as mp

        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        self._calls += 1
        # the first calls set up the graph's inference, which logs to stderr from C++
        quiet = _native_stderr_silenced() if self._calls <= 2 else nullcontext()
        with quiet:
            try:
                if self._mode.name == "IMAGE":
                    result = self._task.detect(image)
                else:
                    # VIDEO mode wants strictly increasing whole milliseconds; never send one twice.
                    stamp = max(round(t_s * 1000.0), self._last_ms + 1)
                    self._last_ms = stamp
                    result = self._task.detect_for_video(image, stamp)
            except (RuntimeError, ValueError) as exc:  # MediaPipe's C++ errors come as these
                said = " ".join(str(exc).split())[:200]
                raise ModelError(
                    f"the face landmarker failed on the frame at {t_s:.3f} s ({said})"
                ) from None
        return _faces_from_result(result)

    def close(self) -> None:
        """Release the landmarker (MediaPipe's own finaliser is noisy at interpreter exit)."""
        if self._task is not None:
            self._task.close()
            self._task = None

    def __enter__(self) -> FaceLandmarker:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
