"""A face's proportions from its 478 landmarks, in the head's own frame: who the face belongs to.

The landmarks are turned into the head's own frame (undoing the head rotation read from the
facial transformation matrix), so that a head turned a little keeps its proportions. Each
proportion is a length over the face's height (forehead top to chin, landmarks 10 and 152) or
width (cheek to cheek, 234 and 454), so the face's size in the picture does not enter.

Infant faces differ from adult ones in ways the mesh keeps (craniofacial growth: the lower
face and the nose grow most after birth): the mouth is narrow for the face's width, the nose
small and flat, the eyes sit lower in the face, the face is round. annotate.faces.roles turns
these into evidence. The same vector is a face's geometric signature for re-identification
(annotate.faces.tracking): two people rarely share all six.

Beyond `MAX_READABLE_YAW_DEG` of yaw or pitch the far half of the mesh is guessed, not seen,
and the proportions are not read (NaN).
"""

from __future__ import annotations

import numpy as np

from annotate.faces import geometry

PROPORTION_NAMES = (
    "mouth_width",  # mouth corners (61, 291) / face width
    "nose_width",  # alae (129, 358) / face width
    "eye_height",  # eye line above the chin / face height
    "face_depth",  # nose tip in front of the cheeks / face width
    "roundness",  # face width / face height
    "forehead",  # brows (105, 334) to the forehead's top / face height
)
MAX_READABLE_YAW_DEG = 35.0
MAX_READABLE_PITCH_DEG = 30.0

_TOP, _CHIN, _CHEEK_R, _CHEEK_L = 10, 152, 234, 454
_EYES = (33, 133, 362, 263)
_MOUTH_CORNERS, _ALAE, _BROWS = (61, 291), (129, 358), (105, 334)
_NOSE_TIP = 1


def unreadable() -> np.ndarray:
    """The proportions of a face that could not be read: all NaN."""
    return np.full(len(PROPORTION_NAMES), np.nan, dtype=np.float32)


def face_proportions(
    landmarks: np.ndarray,
    rotation: np.ndarray,
    width: int,
    height: int,
    yaw_deg: float,
    pitch_deg: float,
) -> np.ndarray:
    """The face's proportions (float32, in the order of PROPORTION_NAMES), NaN when unreadable.

    Args:
        landmarks: (478, 3) landmarks as the landmarker gives them (fractions of the frame).
        rotation: the facial transformation matrix (its rotation part is used).
        width, height: the frame's size in pixels.
        yaw_deg, pitch_deg: the head's pose (beyond the readable range: NaN).
    """
    if abs(yaw_deg) > MAX_READABLE_YAW_DEG or abs(pitch_deg) > MAX_READABLE_PITCH_DEG:
        return unreadable()
    points = geometry.camera_points(landmarks, width, height)
    points = points - points.mean(axis=0)
    head = points @ geometry.nearest_rotation(rotation)  # each row: R^T p
    face_height = float(np.linalg.norm(head[_TOP] - head[_CHIN]))
    face_width = float(np.linalg.norm(head[_CHEEK_R] - head[_CHEEK_L]))
    if face_height < 1e-6 or face_width < 1e-6:
        return unreadable()
    eyes = head[list(_EYES)].mean(axis=0)
    brows = head[list(_BROWS)].mean(axis=0)
    cheeks_z = float(head[[_CHEEK_R, _CHEEK_L], 2].mean())
    values = (
        np.linalg.norm(head[_MOUTH_CORNERS[0]] - head[_MOUTH_CORNERS[1]]) / face_width,
        np.linalg.norm(head[_ALAE[0]] - head[_ALAE[1]]) / face_width,
        np.linalg.norm(eyes - head[_CHIN]) / face_height,
        abs(float(head[_NOSE_TIP, 2]) - cheeks_z) / face_width,
        face_width / face_height,
        np.linalg.norm(head[_TOP] - brows) / face_height,
    )
    return np.array(values, dtype=np.float32)
