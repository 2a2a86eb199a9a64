"""Adult or infant, for each of the many faces of a group session: a size heuristic with depth.

In a room shot, a face's size in the picture depends on how far it is from the camera as much
as on whose face it is, so the dyad heuristic (annotate.faces.roles: the larger of two faces is
the mother) does not carry over. Here the size an adult's face has at each height in the picture
is fitted first: faces lower in the picture are nearer the camera (people sit or stand on one
floor), so a line `size = a + b * y` through the adults' faces. The line is a Theil-Sen fit
(the median of the slopes between pairs of faces at clearly different heights), so that a face
off the floor's line, such as a facilitator standing among seated parents (higher in the
picture, yet larger), does not tilt it. A least-squares fit was pulled up at the back row by one
standing facilitator until a seated adult there sat on the threshold (ratio 0.80-0.83 on the
generated session; 0.93 with this fit, the largest infant at 0.81). The fit starts on all faces,
whose line runs between the two classes; it is refitted on the faces above that line, then on
the faces it calls adults, twice. A face whose size is below
`infant_ratio` (0.82) of the adult size at its height is an infant: an infant's face is about
0.7 times an adult's, and 0.82 lies halfway between the two on a log scale.

Confidence is 0 at the threshold and 1 at the typical adult (1.0) or infant (0.7) ratio or
beyond.

The face's own evidence (annotate.faces.face_evidence, as for dyads) joins the size where the
face is large enough for its proportions to be read well (median at least `RELIABLE_FACE_PX`,
100 pixels): the size ratio counts `SIZE_LOGIT` log-odds per log step from the threshold to the
typical infant ratio, the face's log-odds are added, and the class and confidence (|2 P - 1|)
follow from the sum. Smaller faces (most of a room shot: infants 35-72 px, adults 50-104 px in
the generated scenes) are classed by size alone, their face evidence only recorded as a reason.

Roles are `adult_NN` and `infant_NN`, numbered within each class in order of first appearance
(track id), with as many digits as the count needs. With fewer than three faces, or all at one
height, the adult size is the upper quartile of the sizes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from annotate.faces.face_evidence import NO_EVIDENCE, RELIABLE_FACE_PX, FaceEvidence, face_evidence
from annotate.faces.roles import RoleAssignment
from annotate.faces.tracking import Track

ADULT, INFANT = "adult", "infant"
SOURCE = "group_heuristic"
INFANT_RATIO = 0.82
TYPICAL_INFANT_RATIO = 0.7
MIN_PAIR_HEIGHT_SHARE = 0.1
SIZE_LOGIT = 2.0


@dataclass(frozen=True)
class GroupTrack:
    """What the group heuristic needs of a track: its presence and its median face, in pixels.

    Attributes:
        track_id: the track.
        frames_seen: sampled frames in which it was found (its weight in the fit).
        median_face_px: median of the larger side of its box, in pixels.
        median_y_px: median height of its box's centre in the picture, in pixels (y down).
    """

    track_id: int
    frames_seen: int
    median_face_px: float
    median_y_px: float
    evidence: FaceEvidence = NO_EVIDENCE


def group_tracks(tracks: Sequence[Track], frame_size: tuple[int, int]) -> list[GroupTrack]:
    """GroupTrack summaries of tracked faces, for a frame of (width, height) pixels."""
    width, height = frame_size
    summaries = []
    for track in tracks:
        if not track.observations:
            continue
        sizes = [
            max(o.box_xywh_norm[2] * width, o.box_xywh_norm[3] * height) for o in track.observations
        ]
        ys = [o.centre_xy_norm[1] * height for o in track.observations]
        summaries.append(
            GroupTrack(
                track.track_id,
                len(track.observations),
                float(np.median(sizes)),
                float(np.median(ys)),
                face_evidence(track.observations, frame_size),
            )
        )
    return summaries


def adult_size_line(
    tracks: Sequence[GroupTrack], infant_ratio: float = INFANT_RATIO
) -> tuple[float, float]:
    """(a, b) of the adult face size `a + b * y` in pixels, y the height in the picture."""
    sizes = np.array([t.median_face_px for t in tracks], dtype=np.float64)
    ys = np.array([t.median_y_px for t in tracks], dtype=np.float64)
    if len(tracks) < 3 or np.ptp(ys) < 1e-6:
        return float(np.quantile(sizes, 0.75)), 0.0
    a, b = _theil_sen(ys, sizes)
    kept = sizes >= a + b * ys  # above the line through both classes: the adults' side
    for _ in range(3):
        if kept.sum() < 2 or np.ptp(ys[kept]) < 1e-6:
            return float(np.median(sizes[kept] if kept.any() else sizes)), 0.0
        a, b = _theil_sen(ys[kept], sizes[kept])
        kept = sizes >= infant_ratio * (a + b * ys)
    return a, b


def _theil_sen(ys: np.ndarray, sizes: np.ndarray) -> tuple[float, float]:
    """(intercept, slope) of the Theil-Sen line through (y, size) points.

    Only pairs of faces at clearly different heights (apart by at least a tenth of the span of
    heights) give slopes: faces of one row differ in height by a few pixels, and their pairs'
    slopes are noise that would swamp the median.
    """
    first, second = np.triu_indices(len(ys), 1)
    dy = ys[second] - ys[first]
    apart = np.abs(dy) >= MIN_PAIR_HEIGHT_SHARE * np.ptp(ys)
    slope = float(np.median((sizes[second] - sizes[first])[apart] / dy[apart]))
    return float(np.median(sizes - slope * ys)), slope


def _confidence(ratio: float, infant_ratio: float) -> float:
    typical = 1.0 if ratio >= infant_ratio else TYPICAL_INFANT_RATIO
    span = abs(math.log(typical) - math.log(infant_ratio))
    return round(min(abs(math.log(ratio) - math.log(infant_ratio)) / span, 1.0), 3)


def assign_group_roles(
    tracks: Sequence[GroupTrack], infant_ratio: float = INFANT_RATIO
) -> dict[int, RoleAssignment]:
    """Roles `adult_NN` / `infant_NN` for every track (see the module docstring)."""
    if not tracks:
        return {}
    a, b = adult_size_line(tracks, infant_ratio)
    floor = 0.5 * float(np.median([t.median_face_px for t in tracks]))
    classes: dict[int, tuple[str, float, tuple[str, ...]]] = {}
    for track in tracks:
        expected = max(a + b * track.median_y_px, floor, 1.0)
        ratio = max(track.median_face_px, 1e-6) / expected
        kind = INFANT if ratio < infant_ratio else ADULT
        confidence = _confidence(ratio, infant_ratio)
        reasons = [
            f"face {track.median_face_px:.0f} px, {ratio:.2f} times an adult's at its height "
            f"({expected:.0f} px; infant below {infant_ratio})"
        ]
        face = track.evidence
        if face.frames_read:
            used = track.median_face_px >= RELIABLE_FACE_PX
            reasons.append(
                f"face proportions: infant log-odds {face.infant_logit:+.2f} from "
                f"{face.frames_read} frames" + ("" if used else " (face too small: not used)")
            )
            if used:
                step = abs(math.log(TYPICAL_INFANT_RATIO) - math.log(infant_ratio))
                size_logit = SIZE_LOGIT * (math.log(infant_ratio) - math.log(ratio)) / step
                p = 1.0 / (1.0 + math.exp(-max(min(size_logit + face.infant_logit, 50.0), -50.0)))
                kind = INFANT if p > 0.5 else ADULT
                confidence = round(abs(2 * p - 1), 3)
        classes[track.track_id] = (kind, confidence, tuple(reasons))
    digits = max(2, len(str(len(tracks))))
    counters = {ADULT: 0, INFANT: 0}
    roles = {}
    for track_id in sorted(classes):
        kind, confidence, why = classes[track_id]
        counters[kind] += 1
        role = f"{kind}_{counters[kind]:0{digits}d}"
        roles[track_id] = RoleAssignment(track_id, role, confidence, SOURCE, why)
    return roles


def role_class(role: str) -> str:
    """'adult' or 'infant' for a group role (`adult_03`), else ''."""
    kind = role.split("_", 1)[0]
    return kind if kind in (ADULT, INFANT) else ""
