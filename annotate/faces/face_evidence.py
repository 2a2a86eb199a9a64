"""How much a face looks like an infant's, from its proportions (annotate.faces.proportions).

Each cue is a proportion that differs between infant and adult faces, with the value halfway
between the two and the spread over which the cue goes from undecided to sure:

| cue | infant | adult | halfway |
|---|---|---|---|
| mouth width / face width | narrow (about 0.31) | 0.40-0.54 | 0.37 |
| nose width / face width | small (about 0.26) | 0.28-0.34 | 0.27 |
| eye line above the chin / face height | low (about 0.65) | 0.67-0.71 | 0.665 |
| nose tip in front of the cheeks / face width | flat (about 0.62) | 0.67-0.73 | 0.65 |
| face width / face height | round (about 0.97) | 0.78-0.96 | 0.93 |

Measured with MediaPipe's mesh on real footage (the infant of fd_video.mp4; the adults of
single_face.mp4, WolfgangLanger_Pexels.mp4, the five of multi_face.jpg and the astronaut of the
sample clips); the directions are those of craniofacial growth (the lower face and nose grow
most after birth). A frame's vote per cue is (halfway - value) / spread toward the infant side,
clipped to +-2; its score is the weighted mean of the votes (the mouth counts twice, roundness
half), so one cue thrown off (a smile widens the mouth, glasses hide the nose) does not decide.
In a frame whose mouth is not at rest (smile or jaw opening at 0.5 or more) the mouth is left
out. A track's score is the median over the frames whose face could be read (pose within
annotate.faces.proportions' range); at least `MIN_FRAMES` of them, else it has no evidence.

The log-odds that the face is an infant's is `LOGIT_PER_SCORE` times the score, scaled down for
faces below `RELIABLE_FACE_PX` (small faces' landmarks are coarse) and to nothing at
`MIN_FACE_PX`. These are hints; the coder decides (`--roles`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from annotate.faces.observation import FaceObservation
from annotate.faces.proportions import PROPORTION_NAMES


@dataclass(frozen=True)
class Cue:
    """One proportion as evidence: its halfway value, its spread, its direction and weight."""

    name: str
    halfway: float
    spread: float
    infant_smaller: bool
    weight: float


CUES = (
    Cue("mouth_width", 0.37, 0.05, True, 2.0),
    Cue("nose_width", 0.27, 0.025, True, 1.0),
    Cue("eye_height", 0.665, 0.02, True, 1.0),
    Cue("face_depth", 0.65, 0.03, True, 1.0),
    Cue("roundness", 0.93, 0.05, False, 0.5),
)
_INDEX = {name: k for k, name in enumerate(PROPORTION_NAMES)}
MIN_FRAMES = 3
LOGIT_PER_SCORE = 3.0
MIN_FACE_PX, RELIABLE_FACE_PX = 40.0, 100.0
NEUTRAL_MOUTH_MAX = 0.5


@dataclass(frozen=True)
class FaceEvidence:
    """What a track's face says about who it is.

    Attributes:
        frames_read: frames whose proportions were read (pose within range).
        score: median infant score (-2 adult .. +2 infant); 0 without evidence.
        infant_logit: log-odds that the face is an infant's, reliability included.
        proportions: the median of each proportion over the frames read (NaN without any).
    """

    frames_read: int
    score: float
    infant_logit: float
    proportions: dict[str, float]

    @property
    def infant_probability(self) -> float:
        return float(1.0 / (1.0 + np.exp(-self.infant_logit)))


NO_EVIDENCE = FaceEvidence(0, 0.0, 0.0, {})


def frame_scores(proportions: np.ndarray, mouth_neutral: np.ndarray | None = None) -> np.ndarray:
    """Infant scores of frames' proportions ((n, 6) array; rows of NaN give NaN).

    Args:
        proportions: one row per frame, in the order of PROPORTION_NAMES.
        mouth_neutral: per frame, whether the mouth is at rest (None: all); elsewhere the
            mouth's width (widened by a smile, changed by speech) is left out.
    """
    proportions = np.atleast_2d(np.asarray(proportions, dtype=np.float64))
    n = proportions.shape[0]
    neutral = np.ones(n, dtype=bool) if mouth_neutral is None else np.asarray(mouth_neutral)
    total, weights = np.zeros(n), np.zeros(n)
    for cue in CUES:
        values = proportions[:, _INDEX[cue.name]]
        vote = (cue.halfway - values) / cue.spread
        if not cue.infant_smaller:
            vote = -vote
        weight = np.where(neutral, cue.weight, 0.0) if cue.name == "mouth_width" else cue.weight
        total = total + weight * np.clip(vote, -2.0, 2.0)
        weights = weights + weight
    result: np.ndarray = total / weights
    return result


def _reliability(face_px: float) -> float:
    return float(np.clip((face_px - MIN_FACE_PX) / (RELIABLE_FACE_PX - MIN_FACE_PX), 0.0, 1.0))


def face_evidence(
    observations: Sequence[FaceObservation], frame_size: tuple[int, int]
) -> FaceEvidence:
    """The infant evidence of one track's faces (see the module docstring)."""
    width, height = frame_size
    rows, neutral, sizes = [], [], []
    for face in observations:
        if np.isnan(face.proportions).any():
            continue
        rows.append(face.proportions)
        neutral.append(face.smile < NEUTRAL_MOUTH_MAX and face.mouth_open < NEUTRAL_MOUTH_MAX)
        sizes.append(max(face.box_xywh_norm[2] * width, face.box_xywh_norm[3] * height))
    if len(rows) < MIN_FRAMES:
        return NO_EVIDENCE
    table = np.array(rows, dtype=np.float64)
    score = float(np.median(frame_scores(table, np.array(neutral))))
    logit = LOGIT_PER_SCORE * score * _reliability(float(np.median(sizes)))
    medians = {name: round(float(np.median(table[:, k])), 4) for name, k in _INDEX.items()}
    return FaceEvidence(len(rows), round(score, 3), round(logit, 3), medians)


def signature(observations: Sequence[FaceObservation], last: int = 30) -> np.ndarray:
    """A track's geometric signature: the median proportions of its last `last` readable
    faces (NaN where it has none)."""
    readable = [o.proportions for o in observations if not np.isnan(o.proportions).any()]
    if not readable:
        return np.full(len(PROPORTION_NAMES), np.nan)
    result: np.ndarray = np.median(np.array(readable[-last:], dtype=np.float64), axis=0)
    return result


def signature_distance(a: np.ndarray, b: np.ndarray) -> float | None:
    """How far two faces' proportions lie apart: the median over the cues of the difference
    in units of each cue's spread (one person, frame to frame: mostly under 1; an infant and an
    adult: about 3). None when either cannot be read."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if np.isnan(a).any() or np.isnan(b).any():
        return None
    gaps = [abs(a[_INDEX[c.name]] - b[_INDEX[c.name]]) / c.spread for c in CUES]
    return float(np.median(gaps))
