"""The second look: faces the landmarker's own short-range detector misses.

MediaPipe's Tasks landmarker finds a face only where its short-range detector (trained on near,
frontal faces) fires, also in a crop. Faces turned three quarters, near profile, or partly
hidden (a pacifier, a hand, the other person's hair) are often missed although a person sees them.
Two models from MediaPipe's own pipeline, run through OpenCV's TFLite reader (no new runtime):
- the full-range face detector (BlazeFace, 192x192, faces up to about 5 m) proposes faces in
  the whole frame, with its six key points (eyes, nose, mouth, ears) giving the face's roll;
- the bare 468-point face mesh (192x192) is fitted directly in a region turned upright, with no
  detector in front of it; its own face score (0-1) accepts or rejects the fit.
A region comes from a proposal or from the last box of a face a track lost. Measured on
fd_video.mp4 (README): the detector's proposals that lay on no face there got mesh scores
of 0.00-0.01, the infant's three-quarter face 0.96-1.00; the bare mesh's landmarks on a frontal
face lie within a few pixels of the landmarker's.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from annotate.errors import ModelError
from annotate.faces.landmarker import RawFace
from annotate.faces.mesh_face import CHIN, FOREHEAD, MESH_POINTS, face_from_mesh

INPUT_PX = 192
GRID = 48  # the full-range detector's anchors: one per cell of a 48 x 48 grid
MESH_REGION_PER_FACE = 1.6  # region side / the face's larger side (MediaPipe uses about 1.5)
# where else to look for a lost face, in face sizes from its last box, and how much larger
NEAR_OFFSETS = ((0.0, 0.0), (-0.3, 0.0), (0.3, 0.0), (0.0, -0.3), (0.0, 0.3))
NEAR_SCALES = (1.0, 1.3)
# how much a lost face's size may change from one fit to the next, and a proposal's (the
# detector's box is narrower than the face's length near profile: up to 1.7 times, measured)
LOST_FACE_GROWTH = 1.25
PROPOSAL_GROWTH = 2.0
# a frontal mesh's larger box side per forehead-to-chin length (measured on real faces)
FACE_SIDE_PER_LENGTH = 1.0


@dataclass(frozen=True)
class Proposal:
    """A face the detector proposes: centre and side in frame pixels, roll in degrees
    (clockwise on screen), the detector's score."""

    centre_px: tuple[float, float]
    side_px: float
    roll_deg: float
    score: float


def _sigmoid(values: np.ndarray) -> np.ndarray:
    result: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(values, -80.0, 80.0)))
    return result


def _load(path: Path) -> cv2.dnn.Net:
    try:
        return cv2.dnn.readNetFromTFLite(str(path))
    except cv2.error as exc:
        raise ModelError(f"OpenCV cannot read the model: {str(exc).strip()[:160]}", path) from None


def _outputs(net: cv2.dnn.Net, blob: np.ndarray) -> list[np.ndarray]:
    net.setInput(blob)
    return list(net.forward(net.getUnconnectedOutLayersNames()))


class FullRangeDetector:
    """MediaPipe's full-range face detector on a whole frame (letterboxed to a square)."""

    def __init__(self, model_path: Path, min_score: float = 0.5) -> None:
        self._net = _load(model_path)
        self.min_score = min_score
        cells = (np.arange(GRID) + 0.5) / GRID
        ax, ay = np.meshgrid(cells, cells)
        self._anchors = np.stack([ax.ravel(), ay.ravel()], axis=1)

    def propose(self, rgb: np.ndarray) -> list[Proposal]:
        """Faces proposed in an RGB frame, best first, overlapping ones merged."""
        height, width = rgb.shape[:2]
        side = max(height, width)
        square = np.zeros((side, side, 3), dtype=np.uint8)
        ox, oy = (side - width) // 2, (side - height) // 2
        square[oy : oy + height, ox : ox + width] = rgb
        small = cv2.resize(square, (INPUT_PX, INPUT_PX), interpolation=cv2.INTER_AREA)
        blob = (small.astype(np.float32) / 127.5 - 1.0).transpose(2, 0, 1)[None]
        outputs = _outputs(self._net, blob)
        boxes = next(o for o in outputs if o.shape[-1] == 16)[0]
        scores = _sigmoid(next(o for o in outputs if o.shape[-1] == 1)[0, :, 0])
        found: list[Proposal] = []
        for i in np.argsort(-scores):
            if scores[i] < self.min_score:
                break
            box = boxes[i] / INPUT_PX
            centre = (self._anchors[i] + box[:2]) * side - (ox, oy)
            points = (self._anchors[i] + box[4:16].reshape(6, 2)) * side
            right_eye, left_eye = points[0], points[1]
            roll = float(
                np.degrees(np.arctan2(left_eye[1] - right_eye[1], left_eye[0] - right_eye[0]))
            )
            face_side = float(max(box[2], box[3]) * side)
            if any(
                np.hypot(centre[0] - p.centre_px[0], centre[1] - p.centre_px[1]) < 0.5 * p.side_px
                for p in found
            ):
                continue
            found.append(
                Proposal((float(centre[0]), float(centre[1])), face_side, roll, float(scores[i]))
            )
        return found


class MeshFitter:
    """The 468-point face mesh fitted directly in a region of a frame (no detector)."""

    def __init__(self, model_path: Path, min_score: float = 0.5) -> None:
        self._net = _load(model_path)
        self.min_score = min_score

    def fit(
        self, rgb: np.ndarray, centre_px: tuple[float, float], side_px: float, roll_deg: float
    ) -> tuple[float, RawFace]:
        """The mesh's face score and face in a square region (`side_px` of the face's larger
        side, centred on `centre_px`, turned by `roll_deg` so the face stands upright)."""
        region = side_px * MESH_REGION_PER_FACE
        warp = cv2.getRotationMatrix2D(centre_px, roll_deg, INPUT_PX / region)
        warp[:, 2] += np.array([INPUT_PX / 2, INPUT_PX / 2]) - np.array(centre_px)
        patch = cv2.warpAffine(rgb, warp, (INPUT_PX, INPUT_PX), flags=cv2.INTER_LINEAR)
        blob = (patch.astype(np.float32) / 255.0).transpose(2, 0, 1)[None]
        outputs = _outputs(self._net, blob)
        points = next(o for o in outputs if o.size == MESH_POINTS * 3).reshape(MESH_POINTS, 3)
        score = float(_sigmoid(next(o for o in outputs if o.size == 1).ravel())[0])
        back = cv2.invertAffineTransform(warp)
        xy = points[:, :2] @ back[:, :2].T + back[:, 2]
        z = points[:, 2] * region / INPUT_PX
        height, width = rgb.shape[:2]
        face = face_from_mesh(np.column_stack([xy, z]).astype(np.float64), (width, height))
        return score, face

    def fit_near(
        self,
        rgb: np.ndarray,
        centre_px: tuple[float, float],
        side_px: float,
        roll_deg: float,
        max_growth: float = LOST_FACE_GROWTH,
    ) -> tuple[RawFace | None, int]:
        """The first fit at or near a face's last place that the mesh accepts (centre first,
        then a third of a face each way, then 1.3 times larger), refitted once on its own box;
        and how many fits it took. The refit's size stays within `max_growth` of `side_px`
        either way: fitted on a region too large, the mesh draws a larger face, which would
        otherwise grow from frame to frame while a track follows it."""
        calls = 0
        for scale in NEAR_SCALES:
            for dx, dy in NEAR_OFFSETS:
                centre = (centre_px[0] + dx * side_px, centre_px[1] + dy * side_px)
                score, face = self.fit(rgb, centre, side_px * scale, roll_deg)
                calls += 1
                if score < self.min_score:
                    continue
                box_centre, box_side, box_roll = region_of(face, rgb.shape[1], rgb.shape[0])
                growth = box_side / max(side_px, 1.0)
                clamped = side_px * min(max(growth, 1.0 / max_growth), max_growth)
                again, refitted = self.fit(rgb, box_centre, clamped, box_roll)
                calls += 1
                if again >= self.min_score:
                    return refitted, calls
                if 1.0 / max_growth <= growth <= max_growth:
                    return face, calls
        return None, calls


def region_of(face: RawFace, width: int, height: int) -> tuple[tuple[float, float], float, float]:
    """A face's centre and size in pixels, and its roll (degrees, from the eye corners).

    The size is the length from forehead to chin (upright: it does not shrink or grow as the
    head turns, where the mesh's width does), scaled to a frontal face's larger side."""
    points = face.landmarks[:MESH_POINTS, :2] * np.array([width, height])
    low, high = points.min(axis=0), points.max(axis=0)
    right, left = points[33], points[263]
    roll = float(np.degrees(np.arctan2(left[1] - right[1], left[0] - right[0])))
    centre = (float((low[0] + high[0]) / 2), float((low[1] + high[1]) / 2))
    length = float(np.linalg.norm(points[FOREHEAD] - points[CHIN]))
    return centre, length * FACE_SIDE_PER_LENGTH, roll


class MeshSecondLook:
    """The second look as the finder uses it: proposals from the full-range detector, fits by
    the face mesh (annotate.faces.finder.SecondLook)."""

    def __init__(self, detector: FullRangeDetector, fitter: MeshFitter) -> None:
        self.detector = detector
        self.fitter = fitter

    @classmethod
    def from_files(
        cls, detector_path: Path, mesh_path: Path, min_score: float = 0.5
    ) -> MeshSecondLook:
        return cls(FullRangeDetector(detector_path), MeshFitter(mesh_path, min_score))

    def fit_near(
        self,
        rgb: np.ndarray,
        centre_px: tuple[float, float],
        side_px: float,
        roll_deg: float,
        max_growth: float = LOST_FACE_GROWTH,
    ) -> tuple[RawFace | None, int]:
        return self.fitter.fit_near(rgb, centre_px, side_px, roll_deg, max_growth)

    def propose(self, rgb: np.ndarray) -> list[tuple[tuple[float, float], float, float]]:
        return [(p.centre_px, p.side_px, p.roll_deg) for p in self.detector.propose(rgb)]
