"""Finding each sampled frame's faces: the whole frame, then a crop around each missed face.

The landmarker in VIDEO mode follows faces from frame to frame, but loses a face that turns far
or lies on its side (its detector is trained on upright faces). So after the whole-frame pass,
every face that a track saw recently but this frame's pass missed is looked for again in a crop
around its last box, turned upright by quarter turns (the one nearest the face's last roll
first, then the others): an infant lying on a mat is found and followed. And when the frame
holds fewer faces than expected, the whole frame is searched turned by a quarter turn each way,
at most once a second, so that a face that appears lying down (or a clip filmed sideways) is
found in the first place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from annotate.faces.landmarker import RawFace

CROP_SCALE = 2.2  # crop side / face side
MIN_CROP_PX = 192  # smaller crops are enlarged to this, so small faces are detected
SAME_FACE_IOU = 0.3


class Detects(Protocol):
    """A face landmarker: the real one (annotate.faces.landmarker) or a test's fake."""

    device: str

    def detect(self, rgb: np.ndarray, t_s: float = 0.0) -> list[RawFace]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ExpectedFace:
    """A face a track saw recently: its last box (fractions of the frame) and roll (degrees)."""

    box_xywh_norm: tuple[float, float, float, float]
    roll_deg: float


def box_of(face: RawFace) -> tuple[float, float, float, float]:
    low = face.landmarks[:, :2].min(axis=0)
    high = face.landmarks[:, :2].max(axis=0)
    return float(low[0]), float(low[1]), float(high[0] - low[0]), float(high[1] - low[1])


def iou(a: Sequence[float], b: Sequence[float]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def z_rotation(quarter_turns: int) -> np.ndarray:
    """Camera-frame rotation about the viewing axis by quarter_turns x 90 degrees, CCW on screen."""
    angle = np.radians(90.0 * quarter_turns)
    c, s = np.cos(angle), np.sin(angle)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def unrotate_points(
    points_px: np.ndarray, quarter_turns: int, width: int, height: int
) -> np.ndarray:
    """Pixel (x, y) in an image turned CCW by quarter_turns back to the unturned image's pixels.

    `width` and `height` are the unturned image's size.
    """
    x, y = points_px[:, 0], points_px[:, 1]
    k = quarter_turns % 4
    if k == 0:
        return points_px.copy()
    if k == 1:
        return np.stack([width - y, x], axis=1)
    if k == 2:
        return np.stack([width - x, height - y], axis=1)
    return np.stack([y, height - x], axis=1)


def face_from_crop(
    face: RawFace,
    origin_px: tuple[int, int],
    crop_size: tuple[int, int],
    quarter_turns: int,
    scale: float,
    frame_size: tuple[int, int],
) -> RawFace:
    """Map a face found in a (scaled, turned) crop back onto the whole frame.

    Args:
        face: the landmarker's face in the turned crop.
        origin_px: the crop's top-left corner in the frame.
        crop_size: the enlarged crop's (width, height) in pixels, before turning.
        quarter_turns: how the crop was turned (CCW) before detection.
        scale: how much the crop was enlarged (crop pixels per frame pixel).
        frame_size: the frame's (width, height).
    """
    scaled_w, scaled_h = crop_size
    turned_w, turned_h = (scaled_h, scaled_w) if quarter_turns % 2 else (scaled_w, scaled_h)
    pixels = face.landmarks[:, :2] * np.array([turned_w, turned_h])
    unturned = unrotate_points(pixels, quarter_turns, scaled_w, scaled_h)
    frame_w, frame_h = frame_size
    x = (unturned[:, 0] / scale + origin_px[0]) / frame_w
    y = (unturned[:, 1] / scale + origin_px[1]) / frame_h
    z = face.landmarks[:, 2] * turned_w / scale / frame_w
    matrix = face.matrix.copy()
    back = z_rotation(-quarter_turns)
    matrix[:3, :3] = back @ face.matrix[:3, :3]
    matrix[:3, 3] = back @ face.matrix[:3, 3]
    landmarks = np.stack([x, y, z], axis=1).astype(np.float32)
    return RawFace(landmarks=landmarks, blendshapes=face.blendshapes, matrix=matrix)


def crop_around(
    rgb: np.ndarray, box_xywh_norm: tuple[float, float, float, float]
) -> tuple[np.ndarray, tuple[int, int], float]:
    """A square crop CROP_SCALE times the face's larger side, clipped to the frame, enlarged to
    at least MIN_CROP_PX. Returns the crop, its top-left corner and the enlargement."""
    import cv2

    height, width = rgb.shape[:2]
    x, y, w, h = box_xywh_norm
    side = max(w * width, h * height) * CROP_SCALE
    cx, cy = (x + w / 2) * width, (y + h / 2) * height
    x0, y0 = int(max(0, cx - side / 2)), int(max(0, cy - side / 2))
    x1, y1 = int(min(width, cx + side / 2)), int(min(height, cy + side / 2))
    crop = rgb[y0:y1, x0:x1]
    scale = 1.0
    if crop.size and min(crop.shape[:2]) < MIN_CROP_PX:
        scale = MIN_CROP_PX / min(crop.shape[:2])
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR)
    return crop, (x0, y0), scale


class FaceFinder:
    """Whole-frame faces (VIDEO mode), plus crop searches for expected faces it missed.

    Args:
        video: the whole-frame landmarker (VIDEO mode).
        crops: a landmarker for crops (IMAGE mode, one face).
        turned: a landmarker for whole frames turned by a quarter turn (IMAGE mode, up to
            `max_faces`), used when a frame shows fewer faces than expected.
        max_faces: how many faces a frame is expected to hold at most.
        turned_every_s: the least time between two turned searches.
    """

    def __init__(
        self,
        video: Detects,
        crops: Detects | None,
        turned: Detects | None = None,
        max_faces: int = 2,
        turned_every_s: float = 1.0,
    ) -> None:
        self.video = video
        self.crops = crops
        self.turned = turned
        self.max_faces = max_faces
        self.turned_every_s = turned_every_s
        self.device = video.device
        self.crop_calls = 0
        self.turned_calls = 0
        self._last_turned_t = -float("inf")

    def find(self, rgb: np.ndarray, t_s: float, expected: Sequence[ExpectedFace]) -> list[RawFace]:
        """All faces of one frame (RGB), given the faces that tracks expect to see."""
        faces = self.video.detect(rgb, t_s)
        boxes = [box_of(f) for f in faces]

        def add(found: RawFace | None) -> None:
            if found is not None and all(iou(box_of(found), b) < SAME_FACE_IOU for b in boxes):
                faces.append(found)
                boxes.append(box_of(found))

        if self.crops is not None:
            for wanted in expected:
                if not any(iou(wanted.box_xywh_norm, b) > 0.1 for b in boxes):
                    add(self._search_crop(rgb, wanted))
        if (
            self.turned is not None
            and len(faces) < self.max_faces
            and t_s - self._last_turned_t >= self.turned_every_s
        ):
            self._last_turned_t = t_s
            for found in self._search_turned(rgb):
                add(found)
        return faces

    def _search_turned(self, rgb: np.ndarray) -> list[RawFace]:
        assert self.turned is not None
        height, width = rgb.shape[:2]
        found = []
        for turns in (1, 3):
            self.turned_calls += 1
            turned = np.ascontiguousarray(np.rot90(rgb, turns))
            for face in self.turned.detect(turned):
                found.append(
                    face_from_crop(face, (0, 0), (width, height), turns, 1.0, (width, height))
                )
        return found

    def _search_crop(self, rgb: np.ndarray, wanted: ExpectedFace) -> RawFace | None:
        assert self.crops is not None
        crop, origin, scale = crop_around(rgb, wanted.box_xywh_norm)
        if crop.size == 0 or min(crop.shape[:2]) < 16:
            return None
        height, width = rgb.shape[:2]
        size = (crop.shape[1], crop.shape[0])
        first = round(wanted.roll_deg / 90.0) % 4
        for turns in (first, (first + 1) % 4, (first + 3) % 4):
            self.crop_calls += 1
            found = self.crops.detect(np.ascontiguousarray(np.rot90(crop, turns)))
            if found:
                return face_from_crop(found[0], origin, size, turns, scale, (width, height))
        return None

    def close(self) -> None:
        self.video.close()
        for extra in (self.crops, self.turned):
            if extra is not None:
                extra.close()
