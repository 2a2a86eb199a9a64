"""MediaPipe's errors become the library's own where the landmarker calls it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotate.errors import ModelError
from annotate.faces.landmarker import FaceLandmarker


class _BrokenTask:
    def detect_for_video(self, image: object, stamp_ms: int) -> object:
        raise RuntimeError("CalculatorGraph::Run() failed:\nsomething inside MediaPipe")

    def close(self) -> None:
        return None


def test_a_mediapipe_failure_on_a_frame_is_a_model_error(face_model: Path) -> None:
    with FaceLandmarker(face_model, 1) as landmarker:
        landmarker._task.close()
        landmarker._task = _BrokenTask()
        with pytest.raises(ModelError, match=r"failed on the frame at 1\.250 s \(CalculatorGraph"):
            landmarker.detect(np.zeros((64, 64, 3), dtype=np.uint8), 1.25)


def test_a_bug_below_mediapipe_is_not_translated(face_model: Path) -> None:
    """Our own code's errors (here a frame of the wrong shape given to mp.Image) are not
    dressed up as the model's."""
    with FaceLandmarker(face_model, 1) as landmarker, pytest.raises(Exception) as raised:
        landmarker.detect(np.zeros((64, 64), dtype=np.uint8), 0.0)
    assert not isinstance(raised.value, ModelError)
