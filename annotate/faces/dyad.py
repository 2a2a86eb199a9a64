"""Who looks at whom: gaze rays against the other faces' boxes, and mutual gaze.

A face looks at another when its image-plane gaze ray, starting between its eyes, meets the other
face's box grown by a margin (a share of the box's size on each side). A gaze that runs mostly
toward the camera (in-plane length below `min_in_plane`) looks at no one in the picture. Mutual
gaze is two faces looking at each other in the same frame. All in pixels, so that wide frames
are not squeezed.
"""

from __future__ import annotations

from collections.abc import Mapping

from annotate.config import GazeConfig
from annotate.faces.observation import FaceObservation


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
