"""Joining the tracks of consecutive time chunks, so that track ids hold over a whole recording.

Each chunk is tracked in its own process with its own landmarker, so its track ids are its own.
At each chunk edge, the tracks that end near the edge are matched to the tracks that start near
it (Hungarian method on the distance between the last and first boxes, in face widths, plus the
difference in size), as the tracker matches faces from frame to frame. A chunk's track that
matches none continues a closed track of similar size when the recording already has
`max_faces` tracks (as the tracker re-identifies), else it becomes a new track. In both, two
tracks whose faces' proportions say two people (annotate.faces.face_evidence) are not joined.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment

from annotate.config import TrackingConfig
from annotate.faces.face_evidence import signature, signature_distance
from annotate.faces.tracking import Track

_UNMATCHABLE = 1e6
_MAX_SIZE_RATIO = 1.6


def _edge_cost(
    before: Track, after: Track, config: TrackingConfig, frame_size: tuple[int, int]
) -> float:
    last, first = before.observations[-1], after.observations[0]
    dt = first.t - last.t
    if dt < 0 or dt > config.max_dropout_s:
        return _UNMATCHABLE
    width, height = frame_size
    (ax, ay), (bx, by) = last.centre_xy_norm, first.centre_xy_norm
    size_a = max(last.box_xywh_norm[2] * width, last.box_xywh_norm[3] * height, 1.0)
    size_b = max(first.box_xywh_norm[2] * width, first.box_xywh_norm[3] * height, 1.0)
    distance = math.hypot((ax - bx) * width, (ay - by) * height) / max(size_a, size_b)
    ratio = max(size_a, size_b) / min(size_a, size_b)
    if distance > config.max_step_widths * (1.0 + dt) or ratio > _MAX_SIZE_RATIO:
        return _UNMATCHABLE
    if not _same_person(before, after, config):
        return _UNMATCHABLE
    return distance + math.log(ratio)


def _same_person(before: Track, after: Track, config: TrackingConfig) -> bool:
    """Whether the two tracks' faces may be one person's (unreadable proportions: yes)."""
    apart = signature_distance(signature(before.observations), signature(after.observations))
    return apart is None or apart <= config.max_signature_distance


def _median_size(track: Track, frame_size: tuple[int, int]) -> float:
    width, height = frame_size
    sizes = [
        max(o.box_xywh_norm[2] * width, o.box_xywh_norm[3] * height) for o in track.observations
    ]
    return float(np.median(sizes)) if sizes else 1.0


def stitch_tracks(
    chunks: Sequence[Sequence[Track]],
    config: TrackingConfig,
    max_faces: int,
    frame_size: tuple[int, int],
) -> list[Track]:
    """Join the tracks of consecutive chunks (in time order) into tracks over the whole clip.

    Returns:
        New Track objects with ids 0..n-1 (in order of creation), observations in time order.
    """
    joined: list[Track] = []
    for chunk in chunks:
        incoming = [tr for tr in chunk if tr.observations]
        assignment: dict[int, int] = {}
        if joined and incoming:
            costs = np.array(
                [[_edge_cost(a, b, config, frame_size) for b in incoming] for a in joined]
            )
            rows, cols = linear_sum_assignment(costs)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                if costs[r, c] < _UNMATCHABLE:
                    assignment[c] = r
        for k, track in enumerate(incoming):
            target = assignment.get(k)
            if target is None:
                target = _reidentify(
                    joined, track, set(assignment.values()), config, max_faces, frame_size
                )
            if target is None:
                joined.append(Track(len(joined)))
                target = len(joined) - 1
            assignment[k] = target
            joined[target].observations.extend(track.observations)
            joined[target].last_t = track.last_t
            joined[target].centre_px, joined[target].width_px = track.centre_px, track.width_px
    return joined


def _reidentify(
    joined: list[Track],
    track: Track,
    taken: set[int],
    config: TrackingConfig,
    max_faces: int,
    frame_size: tuple[int, int],
) -> int | None:
    if not config.reidentify or len(joined) < max_faces:
        return None
    start = track.observations[0].t
    size = _median_size(track, frame_size)
    best, best_ratio = None, _MAX_SIZE_RATIO
    for k, candidate in enumerate(joined):
        if k in taken or not candidate.observations or candidate.observations[-1].t >= start:
            continue
        if not _same_person(candidate, track, config):
            continue
        other = _median_size(candidate, frame_size)
        ratio = max(size, other) / max(min(size, other), 1.0)
        if ratio <= best_ratio:
            best, best_ratio = k, ratio
    return best
