"""Regions of a frame where faces are looked for, and mapping faces found there back.

A region is a crop around a face, a tile of the frame, or the whole frame turned by quarter
turns; each may be enlarged before detection. Faces found in a region come back as if found in
the whole frame: landmarks in frame fractions, and the pose matrix turned back.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from annotate.faces.landmarker import RawFace

CROP_SCALE = 2.2  # crop side / face side
MIN_CROP_PX = 192  # smaller crops are enlarged to this, so small faces are detected
SAME_FACE_IOU = 0.3
# MediaPipe's face detector misses faces narrower than about 1/8 of the image it is given;
# tiles are sized so that the smallest face wanted fills this share of a tile.
FACE_SHARE_OF_TILE = 0.17


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


def same_face(a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether two boxes (x, y, w, h) are one face: they overlap well, or one's centre lies
    inside the other (a face cut by a tile's edge against the whole face)."""
    if iou(a, b) >= SAME_FACE_IOU:
        return True
    for one, other in ((a, b), (b, a)):
        cx, cy = one[0] + one[2] / 2, one[1] + one[3] / 2
        if other[0] <= cx <= other[0] + other[2] and other[1] <= cy <= other[1] + other[3]:
            return True
    return False


def tile_grid(
    width: int, height: int, min_face_px: float, overlap: float = 0.25
) -> list[tuple[int, int, int, int]]:
    """Overlapping square tiles (x0, y0, x1, y1) covering the frame, each small enough that a
    face `min_face_px` wide fills FACE_SHARE_OF_TILE of it, and overlapping by `overlap` of a
    tile (more than the widest face it is meant for, so every such face is whole in a tile).
    Frames already small enough give no tiles."""
    side = int(max(min_face_px / FACE_SHARE_OF_TILE, MIN_CROP_PX))
    if side >= max(width, height):
        return []
    side = min(side, width, height)
    step = max(int(side * (1.0 - overlap)), 1)

    def starts(length: int) -> list[int]:
        count = max(math.ceil((length - side) / step), 0) + 1
        if count == 1:
            return [0]
        return [round(k * (length - side) / (count - 1)) for k in range(count)]

    return [(x, y, x + side, y + side) for y in starts(height) for x in starts(width)]
