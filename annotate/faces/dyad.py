"""Who looks at whom: gaze rays against the other faces' boxes, and mutual gaze.

A face looks at another when its image-plane gaze ray, starting between its eyes, meets the other
face's box grown by a margin (a share of the box's size on each side). A gaze that runs mostly
toward the camera (in-plane length below `min_in_plane`) looks at no one in the picture. Mutual
gaze is two faces looking at each other in the same frame. All in pixels, so that wide frames
are not squeezed.

`gaze_targets` also says when it cannot tell (`UNKNOWN`, confidence 0), distinct from looking at
no one: the eyes cannot be read (a face under `MIN_EYES_PX` wide, whose eyes are a few pixels),
the head is turned beyond `max_readable_yaw_deg` (the mesh's far eye is guessed), or the face's
partner (the mother for the infant and back) was not found in the frame and the face's gaze
meets no face that was: the partner may be just where it looks. Otherwise the confidence is how
far the gaze ray could turn (in the picture, up to `GAZE_ERROR_DEG`, about the eyes' reading
error) before the answer changes, times how well the face is read (1 up to 20 degrees short of
the readable yaw, falling to 0 there), halved when the eyes are closed (the gaze is then the
head's direction).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from annotate.config import GazeConfig
from annotate.faces.observation import FaceObservation

UNKNOWN = "unknown"
GAZE_ERROR_DEG = 12.0
MIN_EYES_PX = 24.0
_TURNS_DEG = np.arange(1.0, GAZE_ERROR_DEG + 1.0)


def ray_hits_box(
    origin: tuple[float, float],
    direction: tuple[float, float],
    box: tuple[float, float, float, float],
) -> float | None:
    """Distance along the ray (in units of `direction`) where it enters the box, or None.

    Args:
        origin: the ray's start (x, y).
        direction: the ray's direction (dx, dy), any length above 0.
        box: (x, y, w, h) in the same units as origin.
    """
    near, far = 0.0, float("inf")
    for axis in (0, 1):
        low, high = box[axis], box[axis] + box[axis + 2]
        start, step = origin[axis], direction[axis]
        if abs(step) < 1e-12:
            if not low <= start <= high:
                return None
            continue
        t0, t1 = sorted(((low - start) / step, (high - start) / step))
        near, far = max(near, t0), min(far, t1)
        if near > far:
            return None
    return near


def looking_at(
    faces: Mapping[str, FaceObservation],
    frame_size: tuple[int, int],
    config: GazeConfig,
) -> dict[str, str | None]:
    """For each role visible in a frame, the role it looks at (the nearest box hit) or None."""
    width, height = frame_size
    boxes_px = {}
    for role, face in faces.items():
        x, y, w, h = face.box_xywh_norm
        mx, my = config.target_margin * w, config.target_margin * h
        boxes_px[role] = (
            (x - mx) * width,
            (y - my) * height,
            (w + 2 * mx) * width,
            (h + 2 * my) * height,
        )
    result: dict[str, str | None] = {}
    for role, face in faces.items():
        result[role] = None
        if (face.gaze_dx**2 + face.gaze_dy**2) ** 0.5 < config.min_in_plane:
            continue
        origin = (face.eyes_xy_norm[0] * width, face.eyes_xy_norm[1] * height)
        direction = (face.gaze_dx, face.gaze_dy)
        hits = []
        for other, box in boxes_px.items():
            if other == role:
                continue
            distance = ray_hits_box(origin, direction, box)
            if distance is not None:
                hits.append((distance, other))
        if hits:
            result[role] = min(hits)[1]
    return result


def mutual_gaze(targets: Mapping[str, str | None]) -> dict[str, bool]:
    """For each role, whether the role it looks at looks back at it."""
    return {
        role: target is not None and targets.get(target) == role for role, target in targets.items()
    }


@dataclass(frozen=True)
class GazeTarget:
    """Where one face looks in one frame: a role, None (no one in the picture) or UNKNOWN."""

    target: str | None
    confidence: float
    reason: str = ""


def _grown_boxes_px(
    faces: Mapping[str, FaceObservation], frame_size: tuple[int, int], margin: float
) -> dict[str, tuple[float, float, float, float]]:
    width, height = frame_size
    boxes = {}
    for role, face in faces.items():
        x, y, w, h = face.box_xywh_norm
        mx, my = margin * w, margin * h
        boxes[role] = (
            (x - mx) * width,
            (y - my) * height,
            (w + 2 * mx) * width,
            (h + 2 * my) * height,
        )
    return boxes


def _first_hits(
    origin: tuple[float, float], directions: np.ndarray, boxes: np.ndarray
) -> np.ndarray:
    """For each direction (k, 2), the index of the nearest box (m, 4) its ray enters, or -1."""
    if boxes.size == 0:
        return np.full(len(directions), -1)
    o = np.asarray(origin, dtype=np.float64)
    near = np.zeros((len(directions), len(boxes)))
    far = np.full((len(directions), len(boxes)), np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        for axis in (0, 1):
            low, high = boxes[:, axis], boxes[:, axis] + boxes[:, axis + 2]
            step = directions[:, axis : axis + 1]
            flat = np.abs(step) < 1e-12
            t0, t1 = (low - o[axis]) / step, (high - o[axis]) / step
            lo, hi = np.minimum(t0, t1), np.maximum(t0, t1)
            inside = (low <= o[axis]) & (o[axis] <= high)
            lo = np.where(flat, np.where(inside, -np.inf, np.inf), lo)
            hi = np.where(flat, np.where(inside, np.inf, -np.inf), hi)
            near, far = np.maximum(near, lo), np.minimum(far, hi)
    hit = near <= far
    distance = np.where(hit, near, np.inf)
    best = np.argmin(distance, axis=1)
    return np.where(np.isfinite(distance[np.arange(len(directions)), best]), best, -1)


def _turned(direction: tuple[float, float]) -> np.ndarray:
    """The direction, then turned by +-1 .. GAZE_ERROR_DEG degrees (rows: 0, +1, -1, +2, ...)."""
    angles = np.radians(np.concatenate(([0.0], np.column_stack((_TURNS_DEG, -_TURNS_DEG)).ravel())))
    c, s = np.cos(angles), np.sin(angles)
    dx, dy = direction
    return np.column_stack((c * dx - s * dy, s * dx + c * dy))


def _readability(face: FaceObservation, config: GazeConfig) -> float:
    turned = float(np.clip((config.max_readable_yaw_deg - abs(face.yaw_deg)) / 20.0, 0.0, 1.0))
    return turned if face.eyes_read else 0.5 * turned


def gaze_targets(
    faces: Mapping[str, FaceObservation],
    frame_size: tuple[int, int],
    config: GazeConfig,
    partners: Mapping[str, str] | None = None,
) -> dict[str, GazeTarget]:
    """For each role visible in a frame, where it looks, with a confidence (module docstring).

    Args:
        faces: the frame's faces by role.
        frame_size: (width, height) in pixels.
        config: gaze settings.
        partners: each role's partner (mother <-> infant); a role whose partner is missing
            from `faces` and whose gaze meets no face is UNKNOWN.
    """
    partners = partners or {}
    width, height = frame_size
    grown = _grown_boxes_px(faces, frame_size, config.target_margin)
    result: dict[str, GazeTarget] = {}
    for role, face in faces.items():
        if abs(face.yaw_deg) > config.max_readable_yaw_deg:
            result[role] = GazeTarget(UNKNOWN, 0.0, "profile")
            continue
        if face.box_xywh_norm[2] * width < MIN_EYES_PX:
            result[role] = GazeTarget(UNKNOWN, 0.0, "eyes unreadable")
            continue
        others = [other for other in faces if other != role]
        partner_missing = role in partners and partners[role] not in faces
        in_plane = float(np.hypot(face.gaze_dx, face.gaze_dy))
        readable = _readability(face, config)
        if in_plane < config.min_in_plane:  # toward the camera: at no one in the picture
            if partner_missing:
                result[role] = GazeTarget(UNKNOWN, 0.0, "partner not found")
                continue
            margin = (config.min_in_plane - in_plane) / config.min_in_plane
            result[role] = GazeTarget(None, round(readable * min(1.0, 2 * margin), 3), "camera")
            continue
        origin = (face.eyes_xy_norm[0] * width, face.eyes_xy_norm[1] * height)
        boxes = np.array([grown[other] for other in others], dtype=np.float64).reshape(-1, 4)
        hits = _first_hits(origin, _turned((face.gaze_dx, face.gaze_dy)), boxes)
        target = others[hits[0]] if hits[0] >= 0 else None
        if target is None and partner_missing:
            result[role] = GazeTarget(UNKNOWN, 0.0, "partner not found")
            continue
        changed = np.flatnonzero(hits != hits[0])
        turn = GAZE_ERROR_DEG if changed.size == 0 else float((changed[0] + 1) // 2)
        geometric = min(turn / GAZE_ERROR_DEG, 1.0)
        result[role] = GazeTarget(target, round(readable * geometric, 3), "")
    return result


def mutual_known(targets: Mapping[str, GazeTarget]) -> dict[str, bool | None]:
    """For each role: True when it and the role it looks at look at each other, False when it
    is known not to be so, None when it cannot be told (its gaze or its target's is UNKNOWN)."""
    result: dict[str, bool | None] = {}
    for role, gaze in targets.items():
        if gaze.target == UNKNOWN:
            result[role] = None
        elif gaze.target is None:
            result[role] = False
        else:
            back = targets.get(gaze.target)
            if back is None or back.target == UNKNOWN:
                result[role] = None
            else:
                result[role] = back.target == role
    return result
