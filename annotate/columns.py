"""Column names of the tables the project writes, in one place (design.md's contracts)."""

from __future__ import annotations

CLIP_ID, FRAME, T, TRACK, ROLE = "clip_id", "frame", "t", "track", "role"
VISIBLE = "visible"
HEAD_ONLY = "head_only"
X, Y, W, H = "x", "y", "w", "h"
SCORE = "score"
YAW, PITCH, ROLL = "yaw", "pitch", "roll"
GAZE_YAW, GAZE_PITCH, GAZE_DX, GAZE_DY = "gaze_yaw", "gaze_pitch", "gaze_dx", "gaze_dy"
EYES_OPEN, SMILE, MOUTH_OPEN = "eyes_open", "smile", "mouth_open"
LOOKING_AT, MUTUAL_GAZE = "looking_at", "mutual_gaze"
LOOKING_AT_CONFIDENCE = "looking_at_confidence"
GAZE_UNKNOWN_VALUE = "unknown"
"""looking_at's value where the tool cannot tell where the face looks (empty: at no one)."""
EYES_X, EYES_Y = "eyes_x", "eyes_y"
BLENDSHAPE_PREFIX = "bs_"

FACE_VALUE_COLUMNS = (
    X,
    Y,
    W,
    H,
    SCORE,
    YAW,
    PITCH,
    ROLL,
    GAZE_YAW,
    GAZE_PITCH,
    GAZE_DX,
    GAZE_DY,
    EYES_OPEN,
    SMILE,
    MOUTH_OPEN,
    EYES_X,
    EYES_Y,
)
FEATURE_COLUMNS = (
    CLIP_ID,
    FRAME,
    T,
    TRACK,
    ROLE,
    VISIBLE,
    HEAD_ONLY,
    *FACE_VALUE_COLUMNS,
    LOOKING_AT,
    LOOKING_AT_CONFIDENCE,
    MUTUAL_GAZE,
)
"""Every row: one sampled frame and one face track (design.md), blendshapes (bs_*) after these."""

BLENDSHAPE_NAMES = (
    "browDownLeft",
    "browDownRight",
    "browInnerUp",
    "browOuterUpLeft",
    "browOuterUpRight",
    "cheekPuff",
    "cheekSquintLeft",
    "cheekSquintRight",
    "eyeBlinkLeft",
    "eyeBlinkRight",
    "eyeLookDownLeft",
    "eyeLookDownRight",
    "eyeLookInLeft",
    "eyeLookInRight",
    "eyeLookOutLeft",
    "eyeLookOutRight",
    "eyeLookUpLeft",
    "eyeLookUpRight",
    "eyeSquintLeft",
    "eyeSquintRight",
    "eyeWideLeft",
    "eyeWideRight",
    "jawForward",
    "jawLeft",
    "jawOpen",
    "jawRight",
    "mouthClose",
    "mouthDimpleLeft",
    "mouthDimpleRight",
    "mouthFrownLeft",
    "mouthFrownRight",
    "mouthFunnel",
    "mouthLeft",
    "mouthLowerDownLeft",
    "mouthLowerDownRight",
    "mouthPressLeft",
    "mouthPressRight",
    "mouthPucker",
    "mouthRight",
    "mouthRollLower",
    "mouthRollUpper",
    "mouthShrugLower",
    "mouthShrugUpper",
    "mouthSmileLeft",
    "mouthSmileRight",
    "mouthStretchLeft",
    "mouthStretchRight",
    "mouthUpperUpLeft",
    "mouthUpperUpRight",
    "noseSneerLeft",
    "noseSneerRight",
)
"""MediaPipe's 52 blendshapes less `_neutral`, in its order: every feature table carries a
`bs_<name>` column for each, so that all tables (and a dataset's partitions) share one schema."""

EPISODE_COLUMNS = (
    CLIP_ID,
    "kind",
    ROLE,
    "start",
    "end",
    "duration",
    "start_frame",
    "end_frame",
    "value",
)
"""`value`: a number some kinds carry (a vocal response's latency in seconds), else empty."""

# Episode kinds
MUTUAL_GAZE_KIND = "mutual_gaze"
LOOKING_AT_PARTNER = "looking_at_partner"
INFANT_GAZE_AVERSION = "infant_gaze_aversion"
FACE_ABSENT = "face_absent"
SMILE_KIND = "smile"
GAZE_UNKNOWN = "gaze_unknown"
# the vocal channel (annotate/sound)
VOCALISATION = "vocalisation"
CRY = "cry"
OVERLAP = "overlap"
VOCAL_RESPONSE = "vocal_response"
SINGING_HINT = "singing_hint"
EPISODE_KINDS = (
    MUTUAL_GAZE_KIND,
    LOOKING_AT_PARTNER,
    INFANT_GAZE_AVERSION,
    GAZE_UNKNOWN,
    FACE_ABSENT,
    SMILE_KIND,
    VOCALISATION,
    CRY,
    OVERLAP,
    VOCAL_RESPONSE,
    SINGING_HINT,
)
