"""Builders for tests: observations, fake landmarker faces, small generated videos."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from annotate.faces.finder import ExpectedFace
from annotate.faces.geometry import rotation_from_pose
from annotate.faces.landmarker import RawFace
from annotate.faces.observation import FaceObservation
from annotate.media.video_writer import H264Writer


def observation(
    t: float,
    centre: tuple[float, float],
    size: float,
    *,
    frame: int | None = None,
    yaw: float = 0.0,
    roll: float = 0.0,
    gaze: tuple[float, float] = (0.0, 0.0),
) -> FaceObservation:
    """A face at `centre` (fractions of the frame) with a square box of side `size`."""
    x, y = centre[0] - size / 2, centre[1] - size / 2
    return FaceObservation(
        frame=frame if frame is not None else round(t * 10),
        t=t,
        box_xywh_norm=(x, y, size, size),
        eyes_xy_norm=(centre[0], centre[1] - size * 0.1),
        score=1.0,
        yaw_deg=yaw,
        pitch_deg=0.0,
        roll_deg=roll,
        gaze_yaw_deg=yaw,
        gaze_pitch_deg=0.0,
        gaze_dx=gaze[0],
        gaze_dy=gaze[1],
        eyes_open=1.0,
        smile=0.0,
        mouth_open=0.0,
        eyes_read=True,
    )


def raw_face(
    centre: tuple[float, float],
    size: float,
    yaw: float = 0.0,
    pitch: float = 0.0,
    roll: float = 0.0,
    smile: float = 0.0,
) -> RawFace:
    """A landmarker face: 478 points spread over a box, a pose matrix and some blendshapes."""
    rng = np.random.default_rng(0)
    points = np.zeros((478, 3), dtype=np.float32)
    points[:, 0] = centre[0] + (rng.random(478) - 0.5) * size
    points[:, 1] = centre[1] + (rng.random(478) - 0.5) * size
    matrix = np.eye(4)
    matrix[:3, :3] = rotation_from_pose(yaw, pitch, roll)
    # eyes shut (blink 0.8): gaze is the head direction, not read from random iris points
    shapes = {
        "mouthSmileLeft": smile,
        "mouthSmileRight": smile,
        "eyeBlinkLeft": 0.8,
        "eyeBlinkRight": 0.8,
        "jawOpen": 0.1,
    }
    return RawFace(landmarks=points, blendshapes=shapes, matrix=matrix)


class ScriptedFaces:
    """A fake face source: returns, for each call, the faces a schedule gives for that time."""

    device = "cpu"

    def __init__(self, schedule: dict[int, list[RawFace]], fps: float) -> None:
        self.schedule = schedule
        self.fps = fps
        self.closed = False
        self.expected_seen: list[Sequence[ExpectedFace]] = []

    def find(self, rgb: np.ndarray, t_s: float, expected: Sequence[ExpectedFace]) -> list[RawFace]:
        self.expected_seen.append(list(expected))
        return list(self.schedule.get(round(t_s * self.fps), []))

    def close(self) -> None:
        self.closed = True


def write_video(path: Path, frames: Iterable[np.ndarray], fps: float = 25.0) -> Path:
    """Write RGB frames as an H.264 MP4."""
    frames = list(frames)
    height, width = frames[0].shape[:2]
    with H264Writer(path, width, height, fps) as writer:
        for frame in frames:
            writer.write(frame)
    return path


def grey_frames(count: int, width: int = 160, height: int = 120) -> list[np.ndarray]:
    """Plain frames with a moving bar, so that the encoder has something to encode."""
    frames = []
    for k in range(count):
        frame = np.full((height, width, 3), 90, dtype=np.uint8)
        frame[:, (k * 3) % width : (k * 3) % width + 5] = 200
        frames.append(frame)
    return frames


def interval_iou(a: Sequence[tuple[float, float]], b: Sequence[tuple[float, float]]) -> float:
    """Intersection over union of two sets of intervals (each set's intervals disjoint)."""
    grid = np.arange(0.0, max([e for _, e in [*a, *b]] or [0.0]) + 0.01, 0.01)

    def covered(intervals: Sequence[tuple[float, float]]) -> np.ndarray:
        mask = np.zeros(grid.size, dtype=bool)
        for start, end in intervals:
            mask |= (grid >= start) & (grid < end)
        return mask

    ca, cb = covered(a), covered(b)
    union = (ca | cb).sum()
    return float((ca & cb).sum() / union) if union else 1.0


def set_rotation_metadata(path: Path, matrix: tuple[int, ...]) -> Path:
    """Write a display matrix into an MP4's first track header (tkhd), as phones do.

    (0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30) is a quarter turn clockwise.
    """
    import struct

    data = bytearray(path.read_bytes())
    at = data.find(b"tkhd")
    version = data[at + 4]
    # version/flags, then times, track id, reserved, duration (20 or 32 bytes), reserved,
    # layer, alternate group, volume, reserved (16 bytes): the matrix follows
    offset = at + 4 + 4 + (20 if version == 0 else 32) + 16
    data[offset : offset + 36] = struct.pack(">9i", *matrix)
    path.write_bytes(bytes(data))
    return path
