"""FaceObservation: one face in one sampled frame, in plain numbers with units in the names."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from annotate.columns import BLENDSHAPE_NAMES
from annotate.config import GazeConfig
from annotate.faces import geometry
from annotate.faces.landmarker import RawFace
from annotate.faces.proportions import face_proportions, unreadable


def _no_blendshapes() -> np.ndarray:
    return np.full(len(BLENDSHAPE_NAMES), np.nan, dtype=np.float32)


@dataclass(frozen=True)
class FaceObservation:
    """What one face in one frame tells: where it is, where it points and looks, its expression.

    Boxes and points are fractions of the frame (x right, y down); angles are degrees with the
    conventions of annotate.faces.geometry; scores are 0-1.
    """

    frame: int
    t: float
    box_xywh_norm: tuple[float, float, float, float]
    eyes_xy_norm: tuple[float, float]
    score: float
    yaw_deg: float
    pitch_deg: float
    roll_deg: float
    gaze_yaw_deg: float
    gaze_pitch_deg: float
    gaze_dx: float
    gaze_dy: float
    eyes_open: float
    smile: float
    mouth_open: float
    eyes_read: bool
    blendshapes: np.ndarray = field(default_factory=_no_blendshapes, compare=False, repr=False)
    """float32 scores in the order of annotate.columns.BLENDSHAPE_NAMES (NaN where missing): an
    array, not a dict, because a 90-minute session holds hundreds of thousands of these."""
    proportions: np.ndarray = field(default_factory=unreadable, compare=False, repr=False)
    """float32 face proportions (annotate.faces.proportions; NaN where unreadable): the face's
    own evidence of who it is, for roles and re-identification."""

    @property
    def centre_xy_norm(self) -> tuple[float, float]:
        x, y, w, h = self.box_xywh_norm
        return x + w / 2.0, y + h / 2.0

    @classmethod
    def from_landmarker(
        cls,
        face: RawFace,
        frame: int,
        t: float,
        width: int,
        height: int,
        gaze: GazeConfig,
    ) -> FaceObservation:
        """Turn one landmarker face into an observation (the only step that reads RawFace).

        Args:
            face: the landmarker's output for one face.
            frame: the frame's index in the clip.
            t: the frame's time in seconds.
            width: the frame's width in pixels.
            height: the frame's height in pixels.
            gaze: thresholds for reading the eyes.
        """
        shapes = face.blendshapes
        pose = geometry.pose_from_rotation(face.matrix)
        blink = (shapes.get("eyeBlinkLeft", 0.0) + shapes.get("eyeBlinkRight", 0.0)) / 2.0
        # no blendshapes (a face from the bare mesh, annotate.faces.mesh_face): eyes, smile and
        # mouth are unknown, and the gaze is the head's direction
        read = bool(shapes)
        eyes_open = 1.0 - blink if read else float("nan")
        eyes_read = read and eyes_open >= gaze.eyes_open_min
        eye_yaw = eye_pitch = 0.0
        if eyes_read:  # closed eyes cannot be read: the gaze is then the head's direction
            # sideways: the iris within the eye and the blendshapes agree, so both are averaged;
            # up and down: the lids follow the iris, so only the blendshapes read it well
            iris_yaw, _ = geometry.eye_in_head(face.landmarks, face.matrix, width, height)
            shape_yaw, eye_pitch = geometry.eye_turn_from_blendshapes(shapes)
            eye_yaw = (iris_yaw + shape_yaw) / 2.0
            limit = gaze.max_eye_deg
            eye_yaw = max(-limit, min(limit, eye_yaw * gaze.eye_gain))
            eye_pitch = max(-limit, min(limit, eye_pitch * gaze.eye_gain))
        direction = geometry.gaze_from_head_and_eyes(face.matrix, eye_yaw, eye_pitch)
        smile = (shapes.get("mouthSmileLeft", 0.0) + shapes.get("mouthSmileRight", 0.0)) / 2.0
        if not read:
            smile = float("nan")
        return cls(
            frame=frame,
            t=t,
            box_xywh_norm=geometry.face_box(face.landmarks),
            eyes_xy_norm=geometry.eyes_midpoint(face.landmarks),
            score=geometry.share_in_frame(face.landmarks),
            yaw_deg=pose.yaw_deg,
            pitch_deg=pose.pitch_deg,
            roll_deg=pose.roll_deg,
            gaze_yaw_deg=direction.yaw_deg,
            gaze_pitch_deg=direction.pitch_deg,
            gaze_dx=direction.dx,
            gaze_dy=direction.dy,
            eyes_open=eyes_open,
            smile=smile,
            mouth_open=shapes.get("jawOpen", 0.0 if read else float("nan")),
            eyes_read=eyes_read,
            blendshapes=np.array(
                [shapes.get(name, np.nan) for name in BLENDSHAPE_NAMES], dtype=np.float32
            ),
            proportions=face_proportions(
                face.landmarks, face.matrix, width, height, pose.yaw_deg, pose.pitch_deg
            ),
        )
