"""Stable track ids for faces across frames, dropouts and crossing paths.

Each sampled frame's faces are matched to the open tracks by the Hungarian method on a cost that
combines the distance from each track's predicted position (constant velocity), in face widths,
with the difference in face size. A track unseen for up to `max_dropout_s` is kept open. When the
clip already has as many tracks as faces are expected (`max_faces`, 2 for a dyad), a face that
appears after a longer absence takes back the closed track of the most similar size (a mother or
infant who leaves the frame and comes back is the same person), unless its face's proportions
(annotate.faces.face_evidence.signature_distance) say it is someone else; otherwise it opens a
new track. Two faces of one frame whose boxes overlap by more than `SAME_FACE_IOU` are one face
found twice (two people's faces cannot overlap that much): the first is kept.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linear_sum_assignment

from annotate.config import TrackingConfig
from annotate.faces.face_evidence import signature_distance
from annotate.faces.finder import ExpectedFace
from annotate.faces.observation import FaceObservation
from annotate.faces.proportions import PROPORTION_NAMES

_UNMATCHABLE = 1e6
_MAX_SIZE_RATIO = 1.6
SAME_FACE_IOU = 0.5
SIGNATURE_FACES = 30
SIGNATURE_COST = 0.3


@dataclass
class Track:
    """One face followed through the clip. Positions are in pixels, times in seconds."""

    track_id: int
    observations: list[FaceObservation] = field(default_factory=list)
    centre_px: tuple[float, float] = (0.0, 0.0)
    velocity_px_s: tuple[float, float] = (0.0, 0.0)
    width_px: float = 0.0
    last_t: float = 0.0
    recent_shapes: deque[np.ndarray] = field(
        default_factory=lambda: deque(maxlen=SIGNATURE_FACES), repr=False
    )
    """The proportions of its last readable faces, for its signature."""

    def signature(self) -> np.ndarray:
        """The median proportions of its last readable faces (NaN without any)."""
        if not self.recent_shapes:
            return np.full(len(PROPORTION_NAMES), np.nan)
        result: np.ndarray = np.median(np.array(self.recent_shapes, dtype=np.float64), axis=0)
        return result

    def predicted_centre(self, t: float) -> tuple[float, float]:
        dt = min(t - self.last_t, 0.5)  # do not extrapolate a motion for long
        return (
            self.centre_px[0] + self.velocity_px_s[0] * dt,
            self.centre_px[1] + self.velocity_px_s[1] * dt,
        )

    def add(self, observation: FaceObservation, frame_size: tuple[int, int]) -> None:
        centre, width = _centre_and_width(observation, frame_size)
        if self.observations:
            dt = observation.t - self.last_t
            if 0 < dt <= 0.5:
                velocity = (
                    (centre[0] - self.centre_px[0]) / dt,
                    (centre[1] - self.centre_px[1]) / dt,
                )
                self.velocity_px_s = (
                    0.5 * self.velocity_px_s[0] + 0.5 * velocity[0],
                    0.5 * self.velocity_px_s[1] + 0.5 * velocity[1],
                )
            else:
                self.velocity_px_s = (0.0, 0.0)
        self.observations.append(observation)
        if not np.isnan(observation.proportions).any():
            self.recent_shapes.append(observation.proportions)
        self.centre_px = centre
        self.width_px = width if self.width_px == 0 else 0.7 * self.width_px + 0.3 * width
        self.last_t = observation.t

    @property
    def span_s(self) -> float:
        return self.observations[-1].t - self.observations[0].t if self.observations else 0.0


def _centre_and_width(
    observation: FaceObservation, frame_size: tuple[int, int]
) -> tuple[tuple[float, float], float]:
    width, height = frame_size
    cx, cy = observation.centre_xy_norm
    _, _, w, h = observation.box_xywh_norm
    # the larger side: a face lying sideways keeps its size
    return (cx * width, cy * height), max(w * width, h * height, 1.0)


class FaceTracker:
    """Assigns track ids to each frame's faces; call `update` frame by frame in time order."""

    def __init__(self, config: TrackingConfig, max_faces: int, frame_size: tuple[int, int]) -> None:
        self.config = config
        self.max_faces = max_faces
        self.frame_size = frame_size
        self.tracks: list[Track] = []

    def _cost(
        self, track: Track, observation: FaceObservation, own: np.ndarray | None = None
    ) -> float:
        centre, width = _centre_and_width(observation, self.frame_size)
        predicted = track.predicted_centre(observation.t)
        scale = max(track.width_px, width)
        distance = math.dist(predicted, centre) / scale
        dt = observation.t - track.last_t
        size_ratio = max(track.width_px, width) / max(min(track.width_px, width), 1.0)
        if distance > self.config.max_step_widths * (1.0 + dt) or size_ratio > _MAX_SIZE_RATIO:
            return _UNMATCHABLE
        apart = None if own is None else signature_distance(own, observation.proportions)
        if apart is None:
            return distance + math.log(size_ratio)
        # soft only: a poor fit of one frame (a head turned away) must not break the track
        return distance + math.log(size_ratio) + SIGNATURE_COST * apart

    def update(self, observations: list[FaceObservation]) -> list[int | None]:
        """Track ids for one frame's faces, in the order given (None: a face found twice in the
        frame, dropped)."""
        if not observations:
            return []
        kept = distinct_faces(observations)
        if len(kept) < len(observations):
            ids_kept = self.update([observations[k] for k in kept])
            by_index: dict[int, int | None] = dict(zip(kept, ids_kept, strict=True))
            return [by_index.get(k) for k in range(len(observations))]
        t = observations[0].t
        open_tracks = [tr for tr in self.tracks if t - tr.last_t <= self.config.max_dropout_s]
        ids: list[int | None] = [None] * len(observations)
        if open_tracks:
            shapes = [tr.signature() for tr in open_tracks]
            costs = np.array(
                [
                    [self._cost(tr, ob, shape) for ob in observations]
                    for tr, shape in zip(open_tracks, shapes, strict=True)
                ]
            )
            rows, cols = linear_sum_assignment(costs)
            for r, c in zip(rows, cols, strict=True):
                if costs[r, c] < _UNMATCHABLE:
                    ids[c] = open_tracks[r].track_id
        for k, observation in enumerate(observations):
            if ids[k] is None:
                ids[k] = self._reidentify_or_open(
                    observation, taken={i for i in ids if i is not None}
                )
            self.tracks[ids[k]].add(observation, self.frame_size)  # type: ignore[index]
        return ids

    def _reidentify_or_open(self, observation: FaceObservation, taken: set[int]) -> int:
        t = observation.t
        if self.config.reidentify and len(self.tracks) >= self.max_faces:
            _, width = _centre_and_width(observation, self.frame_size)
            closed = [
                tr
                for tr in self.tracks
                if tr.track_id not in taken and t - tr.last_t > self.config.max_dropout_s
            ]
            closed = [tr for tr in closed if self._same_person(tr, observation)]
            ratios = [max(tr.width_px, width) / max(min(tr.width_px, width), 1.0) for tr in closed]
            if closed and min(ratios) <= _MAX_SIZE_RATIO:
                return closed[int(np.argmin(ratios))].track_id
        track = Track(track_id=len(self.tracks))
        self.tracks.append(track)
        return track.track_id

    def _same_person(self, track: Track, observation: FaceObservation) -> bool:
        """Whether the face's proportions allow it to be the track's person (unreadable: yes)."""
        distance = signature_distance(track.signature(), observation.proportions)
        return distance is None or distance <= self.config.max_signature_distance

    def expected_faces(self, t: float) -> list[ExpectedFace]:
        """The last box and roll of every track still open at time t (seen within the dropout)."""
        return [
            ExpectedFace(tr.observations[-1].box_xywh_norm, tr.observations[-1].roll_deg)
            for tr in self.tracks
            if tr.observations and t - tr.last_t <= self.config.max_dropout_s
        ]


def box_iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    ix = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def distinct_faces(observations: list[FaceObservation]) -> list[int]:
    """Indices of the faces to keep: a face overlapping an earlier one by more than
    SAME_FACE_IOU is the same face found twice."""
    kept: list[int] = []
    for k, face in enumerate(observations):
        boxes = (observations[j].box_xywh_norm for j in kept)
        if all(box_iou(face.box_xywh_norm, box) <= SAME_FACE_IOU for box in boxes):
            kept.append(k)
    return kept


def real_tracks(tracks: list[Track], min_track_s: float) -> list[Track]:
    """Tracks long enough to be real faces (spurious detections dropped), as new Track objects
    renumbered 0..n-1 in order of first appearance."""
    kept = sorted(
        (tr for tr in tracks if tr.observations and tr.span_s >= min_track_s),
        key=lambda tr: tr.observations[0].t,
    )
    return [
        Track(
            new_id,
            list(tr.observations),
            tr.centre_px,
            tr.velocity_px_s,
            tr.width_px,
            tr.last_t,
            tr.recent_shapes,
        )
        for new_id, tr in enumerate(kept)
    ]
