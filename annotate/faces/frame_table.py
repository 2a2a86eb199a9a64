"""The per-frame, per-track feature table (design.md): one row per sampled frame per track.

A track that is not visible in a frame still has its row, with the face columns empty, so that
'not visible' is data rather than a gap. Gaze targets and mutual gaze are computed here, frame by
frame, among the faces visible in that frame.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from annotate import columns as C
from annotate.config import GazeConfig
from annotate.faces.dyad import looking_at, mutual_gaze
from annotate.faces.observation import FaceObservation
from annotate.faces.roles import RoleAssignment
from annotate.faces.tracking import Track


def _face_values(face: FaceObservation) -> dict[str, Any]:
    x, y, w, h = face.box_xywh_norm
    values: dict[str, Any] = {
        C.X: x,
        C.Y: y,
        C.W: w,
        C.H: h,
        C.SCORE: face.score,
        C.YAW: face.yaw_deg,
        C.PITCH: face.pitch_deg,
        C.ROLL: face.roll_deg,
        C.GAZE_YAW: face.gaze_yaw_deg,
        C.GAZE_PITCH: face.gaze_pitch_deg,
        C.GAZE_DX: face.gaze_dx,
        C.GAZE_DY: face.gaze_dy,
        C.EYES_OPEN: face.eyes_open,
        C.SMILE: face.smile,
        C.MOUTH_OPEN: face.mouth_open,
        C.EYES_X: face.eyes_xy_norm[0],
        C.EYES_Y: face.eyes_xy_norm[1],
    }
    for name, score in face.blendshapes.items():
        if not name.startswith("_"):
            values[C.BLENDSHAPE_PREFIX + name] = score
    return values


def build_feature_table(
    clip_id: str,
    samples: Sequence[tuple[int, float]],
    tracks: Sequence[Track],
    roles: Mapping[int, RoleAssignment],
    frame_size: tuple[int, int],
    gaze: GazeConfig,
) -> pd.DataFrame:
    """Build the feature table.

    Args:
        clip_id: the clip's name, repeated on every row.
        samples: (frame index, time in seconds) of every sampled frame, in order.
        tracks: the kept tracks with their observations.
        roles: each track's role.
        frame_size: (width, height) in pixels.
        gaze: settings for gaze targets.
    """
    by_frame: dict[int, dict[int, FaceObservation]] = {}
    for track in tracks:
        for face in track.observations:
            by_frame.setdefault(face.frame, {})[track.track_id] = face
    rows: list[dict[str, Any]] = []
    for frame, t in samples:
        visible = by_frame.get(frame, {})
        faces_by_role = {roles[tid].role: face for tid, face in visible.items()}
        targets = looking_at(faces_by_role, frame_size, gaze)
        mutual = mutual_gaze(targets)
        for track in tracks:
            role = roles[track.track_id].role
            row: dict[str, Any] = {
                C.CLIP_ID: clip_id,
                C.FRAME: frame,
                C.T: t,
                C.TRACK: track.track_id,
                C.ROLE: role,
                C.VISIBLE: track.track_id in visible,
            }
            if track.track_id in visible:
                row.update(_face_values(visible[track.track_id]))
                row[C.LOOKING_AT] = targets.get(role)
                row[C.MUTUAL_GAZE] = mutual.get(role, False)
            rows.append(row)
    return _typed_table(rows)


def _typed_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    table = pd.DataFrame(rows)
    for column in C.FEATURE_COLUMNS:
        if column not in table:
            table[column] = pd.Series(dtype="float64") if column in C.FACE_VALUE_COLUMNS else None
    extra = sorted(c for c in table.columns if c.startswith(C.BLENDSHAPE_PREFIX))
    table = table[[*C.FEATURE_COLUMNS, *extra]]
    table[C.CLIP_ID] = table[C.CLIP_ID].astype("string")
    table[C.FRAME] = table[C.FRAME].astype("int64")
    table[C.T] = table[C.T].astype("float64")
    table[C.TRACK] = table[C.TRACK].astype("int64")
    table[C.ROLE] = table[C.ROLE].astype("string")
    table[C.VISIBLE] = table[C.VISIBLE].astype("bool")
    for column in (*C.FACE_VALUE_COLUMNS, *extra):
        table[column] = table[column].astype("float64")
    table[C.LOOKING_AT] = table[C.LOOKING_AT].astype("string")
    table[C.MUTUAL_GAZE] = table[C.MUTUAL_GAZE].astype("boolean")
    return table.reset_index(drop=True)


def empty_feature_table() -> pd.DataFrame:
    """A table with every column and no rows (a clip in which no face was found)."""
    return _typed_table([])
