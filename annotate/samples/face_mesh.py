"""A textured 3D face mesh from one photograph, for rendering the sample clips.

The landmarker's 478 points on scikit-image's astronaut photograph (Eileen Collins, a NASA image
in the public domain, shipped inside the scikit-image wheel) give the face's shape; two rings
around the face oval, pushed back in depth, carry the hair, ears and neck along when the head
turns. The mesh is triangulated (Delaunay on the frontal view) and rendered by warping each
triangle of the photograph: a real 3D head turn, not a flat squeeze.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from scipy.spatial import Delaunay

from annotate.errors import AnnotateError
from annotate.faces.landmarker import RawFace

# The face oval of MediaPipe's mesh, in order around the face.
FACE_OVAL = (
    10,
    338,
    297,
    332,
    284,
    251,
    389,
    356,
    454,
    323,
    361,
    288,
    397,
    365,
    379,
    378,
    400,
    377,
    152,
    148,
    176,
    149,
    150,
    136,
    172,
    58,
    132,
    93,
    234,
    127,
    162,
    21,
    54,
    103,
    67,
    109,
)
# (scale of the oval, depth behind the face as a share of its width) for each outer ring
OUTER_RINGS = ((1.22, 0.25), (1.45, 0.45))
# The landmarker's depth is shallow for a single photograph; this deepens it to a head's.
DEPTH_SCALE = 1.3


@dataclass(frozen=True)
class FaceMesh:
    """A face to render.

    Attributes:
        texture: the photograph, RGB uint8.
        points_px: (N, 3) mesh points in the photograph's pixels: x right, y down, z toward the
            viewer (positive = nearer), centred on the face oval.
        source_px: (N, 2) where each point lies in the photograph.
        triangles: (T, 3) point indices, counter-clockwise in the photograph.
        face_width_px: the face oval's width in the photograph.
        neutral_deg: (yaw, pitch) added to every pose so that the landmarker reads the rendered
            face at pose 0, 0, 0 as facing the camera (the photograph's own head pose and the
            mesh's shallow depth otherwise bias it by several degrees); see `calibrated`.
    """

    texture: np.ndarray
    points_px: np.ndarray
    source_px: np.ndarray
    triangles: np.ndarray
    face_width_px: float
    neutral_deg: tuple[float, float] = (0.0, 0.0)

    def mirrored(self) -> FaceMesh:
        """The same face flipped left-right (another-looking face for a second person)."""
        width = self.texture.shape[1]
        source = self.source_px.copy()
        source[:, 0] = width - 1 - source[:, 0]
        points = self.points_px.copy()
        points[:, 0] *= -1
        triangles = self.triangles[:, ::-1].copy()  # keep them counter-clockwise
        return FaceMesh(self.texture[:, ::-1].copy(), points, source, triangles, self.face_width_px)

    def with_texture(self, texture: np.ndarray) -> FaceMesh:
        return replace(self, texture=texture)

    def with_neutral(self, yaw_deg: float, pitch_deg: float) -> FaceMesh:
        return replace(self, neutral_deg=(yaw_deg, pitch_deg))


def astronaut_photo() -> np.ndarray:
    """scikit-image's astronaut photograph (512 x 512 RGB), read from the installed wheel.

    Raises:
        AnnotateError: scikit-image is not installed (it is the optional extra `samples`).
    """
    try:
        from skimage import data
    except ImportError:
        raise AnnotateError(
            "the sample generator needs scikit-image (its astronaut photograph is the samples' "
            "face): pip install 'annotate[samples]'"
        ) from None
    return np.ascontiguousarray(data.astronaut())


def mesh_from_landmarks(texture: np.ndarray, landmarks: np.ndarray) -> FaceMesh:
    """Build the mesh from the landmarker's 478 normalised landmarks on `texture`."""
    height, width = texture.shape[:2]
    face = np.stack(
        [landmarks[:, 0] * width, landmarks[:, 1] * height, -landmarks[:, 2] * width * DEPTH_SCALE],
        axis=1,
    )
    oval = face[list(FACE_OVAL)]
    centre = oval.mean(axis=0)
    face_width = float(np.ptp(oval[:, 0]))
    rings = []
    for scale, depth in OUTER_RINGS:
        ring = oval.copy()
        ring[:, :2] = centre[:2] + (ring[:, :2] - centre[:2]) * scale
        ring[:, 2] = oval[:, 2] - depth * face_width
        rings.append(ring)
    points = np.vstack([face, *rings])
    source = points[:, :2].copy()
    triangles = Delaunay(source).simplices.astype(np.int64)
    # counter-clockwise on screen (y down): positive signed area in the photograph's coordinates
    a, b, c = (source[triangles[:, k]] for k in range(3))
    area = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (b[:, 1] - a[:, 1])
    triangles[area < 0] = triangles[area < 0][:, ::-1]
    points = points - np.array([centre[0], centre[1], oval[:, 2].mean()])
    return FaceMesh(texture, points, source, triangles, face_width)


def astronaut_mesh(detect: Callable[[np.ndarray], list[RawFace]]) -> FaceMesh:
    """The astronaut's face mesh, found by `detect` (the real landmarker, IMAGE mode).

    Raises:
        AnnotateError: the landmarker finds no face (a broken install).
    """
    texture = astronaut_photo()
    faces = detect(texture)
    if not faces:
        raise AnnotateError("the face landmarker found no face on the astronaut photograph")
    return mesh_from_landmarks(texture, faces[0].landmarks)
