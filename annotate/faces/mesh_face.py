"""A face from MediaPipe's 468-point face mesh alone, in the landmarker's shape (RawFace).

The second look (annotate.faces.second_look) fits the bare face mesh in a region, without the
landmarker's own detector, blendshapes or pose matrix. Here its points become a RawFace that the
rest of the pipeline reads like any other:
- the 10 iris points the mesh lacks are put at the middle of each eye, so the eyes read as
  looking straight ahead in the head (the gaze is then the head's direction);
- no blendshapes: eyes, smile and mouth are unknown (annotate.faces.observation leaves them
  empty, and takes the gaze from the head);
- the head's rotation comes from the mesh itself: x from the right eye's outer corner to the
  left's, y from chin to forehead, made orthogonal, then turned by a fixed correction measured
  against the landmarker's own matrix on real frames (single_face.mp4 and
  WolfgangLanger_Pexels.mp4, 90 frames: median difference 1.2-1.4 degrees on each angle).
"""

from __future__ import annotations

import numpy as np

from annotate.faces.geometry import rotation_from_pose
from annotate.faces.landmarker import RawFace

MESH_POINTS = 468
RIGHT_EYE_RING = (33, 133, 159, 145)  # outer corner, inner corner, upper and lower lid
LEFT_EYE_RING = (263, 362, 386, 374)
RIGHT_OUTER, LEFT_OUTER = 33, 263
FOREHEAD, CHIN = 10, 152
# the landmarker's matrix = the mesh's axes turned by this (yaw, pitch, roll), in degrees
AXES_TO_LANDMARKER = rotation_from_pose(-4.2, 3.7, -1.3)


def head_rotation(points_px: np.ndarray) -> np.ndarray:
    """The (3, 3) camera-frame head rotation of mesh points (N, 3) in pixels (x right, y down,
    z smaller = nearer, on the scale of x)."""
    camera = np.column_stack([points_px[:, 0], -points_px[:, 1], -points_px[:, 2]])
    x = camera[LEFT_OUTER] - camera[RIGHT_OUTER]
    y = camera[FOREHEAD] - camera[CHIN]
    x = x / np.linalg.norm(x)
    y = y - x * float(x @ y)
    y = y / np.linalg.norm(y)
    z = np.cross(x, y)
    axes = np.column_stack([x, y, z])
    rotation: np.ndarray = axes @ AXES_TO_LANDMARKER
    return rotation


def _iris(points: np.ndarray, ring: tuple[int, ...]) -> np.ndarray:
    """Five iris points (centre, then four around it) at the middle of an eye."""
    centre = points[list(ring)].mean(axis=0)
    radius = 0.2 * float(np.linalg.norm(points[ring[0], :2] - points[ring[1], :2]))
    offsets = np.array([[0, 0], [radius, 0], [0, -radius], [-radius, 0], [0, radius]])
    iris = np.repeat(centre[None, :], 5, axis=0)
    iris[:, :2] += offsets
    return iris


def face_from_mesh(points_px: np.ndarray, frame_size: tuple[int, int]) -> RawFace:
    """A RawFace from the 468 mesh points (pixels of the frame; z on the scale of x).

    Raises:
        ValueError: not 468 points of three coordinates.
    """
    if points_px.shape != (MESH_POINTS, 3):
        raise ValueError(f"expected ({MESH_POINTS}, 3) mesh points, got {points_px.shape}")
    width, height = frame_size
    full = np.concatenate(
        [points_px, _iris(points_px, RIGHT_EYE_RING), _iris(points_px, LEFT_EYE_RING)]
    )
    landmarks = (full / np.array([width, height, width])).astype(np.float32)
    matrix = np.eye(4)
    matrix[:3, :3] = head_rotation(points_px)
    return RawFace(landmarks=landmarks, blendshapes={}, matrix=matrix)
