"""Head pose and gaze from a face's landmarks and transformation matrix.

Conventions (design.md), in the image as a coder sees it, degrees:
    yaw   > 0  the nose points toward the image's right edge
    pitch > 0  the nose points up
    roll  > 0  the face is rotated clockwise in the image
0, 0, 0 is upright and facing the camera. A head rotation is R = Ry(yaw) Rx(-pitch) Rz(-roll) in
camera coordinates (x right, y up, z toward the viewer): the pose angles are that product's
Euler angles, and mirroring the image (x -> -x) flips yaw and roll and leaves pitch alone.
Gaze angles use the same signs. The image-plane gaze direction (gaze_dx, gaze_dy) is the unit
gaze vector's projection on the image axes (x right, y down): its length is near 1 when the gaze
runs across the image and near 0 when it points at the camera.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Landmark indices of MediaPipe's 478-point face mesh (the person's right eye is on the image's
# left in an unmirrored frame).
RIGHT_EYE_CORNERS = (33, 133)
LEFT_EYE_CORNERS = (362, 263)
RIGHT_EYE_LIDS = (159, 145)
LEFT_EYE_LIDS = (386, 374)
RIGHT_IRIS = 468
LEFT_IRIS = 473
# An eyeball's radius is about 0.43 of the visible eye's width (about 12 of 28 mm).
EYEBALL_RADIUS_PER_EYE_WIDTH = 0.43
# Degrees of eye turn per unit of eyeLook blendshape score; matched to the iris reading on the
# real fixture video (WolfgangLanger_Pexels.mp4: a score of 0.65 where the iris says 20 degrees).
BLENDSHAPE_EYE_DEG = 30.0


@dataclass(frozen=True)
class HeadPose:
    """Head orientation in degrees (see the module's conventions)."""

    yaw_deg: float
    pitch_deg: float
    roll_deg: float


@dataclass(frozen=True)
class Gaze:
    """Where the eyes point: angles in degrees and the image-plane direction (x right, y down)."""

    yaw_deg: float
    pitch_deg: float
    dx: float
    dy: float


def rotation_from_pose(yaw_deg: float, pitch_deg: float, roll_deg: float) -> np.ndarray:
    """The (3, 3) camera-frame rotation of a head with the given pose."""
    a, b, c = np.radians([yaw_deg, -pitch_deg, -roll_deg])
    ry = np.array([[np.cos(a), 0, np.sin(a)], [0, 1, 0], [-np.sin(a), 0, np.cos(a)]])
    rx = np.array([[1, 0, 0], [0, np.cos(b), -np.sin(b)], [0, np.sin(b), np.cos(b)]])
    rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    # einsum rather than `@`: no BLAS call, so the same bits on every machine (see render.py)
    result: np.ndarray = np.einsum("ij,jk,kl->il", ry, rx, rz)
    return result


def nearest_rotation(matrix: np.ndarray) -> np.ndarray:
    """The rotation closest to the upper-left 3x3 of `matrix` (removes scale and shear)."""
    u, _, vt = np.linalg.svd(np.asarray(matrix, dtype=np.float64)[:3, :3])
    rotation: np.ndarray = u @ vt
    if np.linalg.det(rotation) < 0:
        rotation = u @ np.diag([1.0, 1.0, -1.0]) @ vt
    return rotation


def pose_from_rotation(rotation: np.ndarray) -> HeadPose:
    """Yaw, pitch and roll of a camera-frame head rotation (the inverse of rotation_from_pose)."""
    r = nearest_rotation(rotation)
    yaw = np.degrees(np.arctan2(r[0, 2], r[2, 2]))
    pitch = np.degrees(np.arcsin(np.clip(r[1, 2], -1.0, 1.0)))
    roll = -np.degrees(np.arctan2(r[1, 0], r[1, 1]))
    return HeadPose(float(yaw), float(pitch), float(roll))


def camera_points(landmarks: np.ndarray, width: int, height: int) -> np.ndarray:
    """Landmarks (fractions of the frame, y down) as camera-frame pixels (x right, y up, z out)."""
    points = np.asarray(landmarks, dtype=np.float64)
    return np.stack([points[:, 0] * width, -points[:, 1] * height, -points[:, 2] * width], axis=1)


def _eye_angles(
    head: np.ndarray, corners: tuple[int, int], lids: tuple[int, int], iris: int
) -> tuple[float, float]:
    """Eye-in-head yaw and pitch (degrees) of one eye, from points in the head's own frame."""
    inner_outer = head[list(corners)]
    width = float(np.linalg.norm(inner_outer[0, :2] - inner_outer[1, :2]))
    if width <= 1e-6:
        return 0.0, 0.0
    centre_x = float(inner_outer[:, 0].mean())
    centre_y = float(head[list(lids), 1].mean())
    radius = EYEBALL_RADIUS_PER_EYE_WIDTH * width
    dx = np.clip((head[iris, 0] - centre_x) / radius, -1.0, 1.0)
    dy = np.clip((head[iris, 1] - centre_y) / radius, -1.0, 1.0)
    return float(np.degrees(np.arcsin(dx))), float(np.degrees(np.arcsin(dy)))


def eye_in_head(
    landmarks: np.ndarray, rotation: np.ndarray, width: int, height: int
) -> tuple[float, float]:
    """Eye-in-head yaw and pitch (degrees, mean of both eyes) from the irises within the eyes.

    The landmarks are turned into the head's own frame (undoing the head rotation), where the
    iris's offset from the eye's centre, over the eyeball's radius, is the sine of the eye's turn.
    """
    points = camera_points(landmarks, width, height)
    head = (points - points.mean(axis=0)) @ nearest_rotation(rotation)
    right = _eye_angles(head, RIGHT_EYE_CORNERS, RIGHT_EYE_LIDS, RIGHT_IRIS)
    left = _eye_angles(head, LEFT_EYE_CORNERS, LEFT_EYE_LIDS, LEFT_IRIS)
    return (right[0] + left[0]) / 2.0, (right[1] + left[1]) / 2.0


def eye_turn_from_blendshapes(shapes: dict[str, float]) -> tuple[float, float]:
    """Eye-in-head yaw and pitch (degrees) from the eyeLook blendshapes (image conventions).

    The person's right eye looking in (toward the nose) and left eye looking out both point to
    the image's right (in an unmirrored frame).
    """

    def score(name: str) -> float:
        return shapes.get(name, 0.0)

    horizontal = (
        score("eyeLookInRight")
        - score("eyeLookOutRight")
        + score("eyeLookOutLeft")
        - score("eyeLookInLeft")
    ) / 2.0
    vertical = (
        score("eyeLookUpLeft")
        + score("eyeLookUpRight")
        - score("eyeLookDownLeft")
        - score("eyeLookDownRight")
    ) / 2.0
    return BLENDSHAPE_EYE_DEG * horizontal, BLENDSHAPE_EYE_DEG * vertical


def gaze_from_head_and_eyes(rotation: np.ndarray, eye_yaw_deg: float, eye_pitch_deg: float) -> Gaze:
    """Combine the head rotation with the eyes' turn in the head into a gaze direction."""
    eye = rotation_from_pose(eye_yaw_deg, eye_pitch_deg, 0.0)
    vector = nearest_rotation(rotation) @ eye @ np.array([0.0, 0.0, 1.0])
    yaw = np.degrees(np.arctan2(vector[0], vector[2]))
    pitch = np.degrees(np.arcsin(np.clip(vector[1], -1.0, 1.0)))
    return Gaze(float(yaw), float(pitch), float(vector[0]), float(-vector[1]))


def face_box(landmarks: np.ndarray) -> tuple[float, float, float, float]:
    """The landmarks' bounding box (x, y, w, h) as fractions of the frame, clipped to it."""
    x0, y0 = np.clip(landmarks[:, :2].min(axis=0), 0.0, 1.0)
    x1, y1 = np.clip(landmarks[:, :2].max(axis=0), 0.0, 1.0)
    return float(x0), float(y0), float(x1 - x0), float(y1 - y0)


def share_in_frame(landmarks: np.ndarray) -> float:
    """Share of the face's landmarks inside the frame (1.0: the whole face is in view)."""
    inside = np.all((landmarks[:, :2] >= 0.0) & (landmarks[:, :2] <= 1.0), axis=1)
    return float(inside.mean())


def eyes_midpoint(landmarks: np.ndarray) -> tuple[float, float]:
    """The point between the irises (fractions of the frame): where a gaze ray starts."""
    x, y = (landmarks[RIGHT_IRIS, :2] + landmarks[LEFT_IRIS, :2]) / 2.0
    return float(x), float(y)
