"""The per-frame, per-track feature table (design.md): one row per sampled frame per track.

A track that is not visible in a frame still has its row, with the face columns empty, so that
'not visible' is data rather than a gap. Gaze targets and mutual gaze are computed here, frame by
frame, among the faces visible in that frame (annotate.faces.dyad.gaze_targets): looking_at is
a role, empty (at no one in the picture) or `unknown` (the tool cannot tell; always so where the
face is not visible), with looking_at_confidence (0 where unknown); mutual_gaze is empty where
it cannot be told.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from annotate import columns as C
from annotate.config import GazeConfig
from annotate.faces.dyad import UNKNOWN, gaze_targets, mutual_known
from annotate.faces.observation import FaceObservation
from annotate.faces.roles import INFANT, MOTHER, RoleAssignment
from annotate.faces.tracking import Track


def _face_values(face: FaceObservation) -> tuple[float, ...]:
    """The face's values in the order of columns.FACE_VALUE_COLUMNS."""
    x, y, w, h = face.box_xywh_norm
    return (
        x,
        y,
        w,
        h,
        face.score,
        face.yaw_deg,
        face.pitch_deg,
        face.roll_deg,
        face.gaze_yaw_deg,
        face.gaze_pitch_deg,
        face.gaze_dx,
        face.gaze_dy,
        face.eyes_open,
        face.smile,
        face.mouth_open,
        face.eyes_xy_norm[0],
        face.eyes_xy_norm[1],
    )


BLENDSHAPE_COLUMNS = tuple(C.BLENDSHAPE_PREFIX + name for name in C.BLENDSHAPE_NAMES)


def build_feature_table(
    clip_id: str,
    samples: Sequence[tuple[int, float]],
    tracks: Sequence[Track],
    roles: Mapping[int, RoleAssignment],
    frame_size: tuple[int, int],
    gaze: GazeConfig,
    head_only: np.ndarray | None = None,
) -> pd.DataFrame:
    """Build the feature table, column by column (rows: samples x tracks, frame-major).

    Args:
        clip_id: the clip's name, repeated on every row.
        samples: (frame index, time in seconds) of every sampled frame, in order.
        tracks: the kept tracks with their observations.
        roles: each track's role.
        frame_size: (width, height) in pixels.
        gaze: settings for gaze targets.
        head_only: per row, the track's person is there without a readable face
            (annotate.faces.heads); None: no row is.
    """
    n_samples, n_tracks = len(samples), len(tracks)
    rows = n_samples * n_tracks
    sample_of = {frame: i for i, (frame, _) in enumerate(samples)}
    values = np.full((rows, len(C.FACE_VALUE_COLUMNS)), np.nan)
    shapes = np.full((rows, len(C.BLENDSHAPE_NAMES)), np.nan, dtype=np.float32)
    visible = np.zeros(rows, dtype=bool)
    track_roles = [roles[track.track_id].role for track in tracks]
    in_frame: dict[int, dict[str, tuple[int, FaceObservation]]] = {}
    for j, track in enumerate(tracks):
        for face in track.observations:
            i = sample_of.get(face.frame)
            if i is None:
                continue
            row = i * n_tracks + j
            visible[row] = True
            values[row] = _face_values(face)
            shapes[row] = face.blendshapes
            in_frame.setdefault(i, {})[track_roles[j]] = (row, face)
    looking = np.full(rows, UNKNOWN, dtype=object)
    confidence = np.zeros(rows)
    mutual = np.full(rows, None, dtype=object)
    partners = {MOTHER: INFANT, INFANT: MOTHER} if {MOTHER, INFANT} & set(track_roles) else {}
    for faces in in_frame.values():
        targets = gaze_targets(
            {role: face for role, (_, face) in faces.items()}, frame_size, gaze, partners
        )
        both = mutual_known(targets)
        for role, (row, _) in faces.items():
            looking[row], mutual[row] = targets[role].target, both[role]
            confidence[row] = targets[role].confidence
    frames = np.array([frame for frame, _ in samples], dtype=np.int64)
    times = np.array([t for _, t in samples], dtype=np.float64)
    columns: dict[str, object] = {
        C.CLIP_ID: pd.array([clip_id] * rows, dtype="string"),
        C.FRAME: np.repeat(frames, n_tracks),
        C.T: np.repeat(times, n_tracks),
        C.TRACK: np.tile(np.array([t.track_id for t in tracks], dtype=np.int64), n_samples),
        C.ROLE: pd.array(np.tile(np.array(track_roles, dtype=object), n_samples), dtype="string"),
        C.VISIBLE: visible,
        C.HEAD_ONLY: (np.zeros(rows, dtype=bool) if head_only is None else head_only & ~visible),
        **{name: values[:, k] for k, name in enumerate(C.FACE_VALUE_COLUMNS)},
        C.LOOKING_AT: pd.array(looking, dtype="string"),
        C.LOOKING_AT_CONFIDENCE: confidence,
        C.MUTUAL_GAZE: pd.array(mutual, dtype="boolean"),
        **{name: shapes[:, k].astype(np.float64) for k, name in enumerate(BLENDSHAPE_COLUMNS)},
    }
    return pd.DataFrame(columns)


def empty_feature_table() -> pd.DataFrame:
    """A table with every column and no rows (a clip in which no face was found)."""
    return build_feature_table("", [], [], {}, (1, 1), GazeConfig())
