"""One person, one track: broken tracks joined after tracking, by geometry and the face itself.

The tracker (annotate.faces.tracking) opens a new track when a face jumps farther than it may
move between samples, changes size too fast, or returns after a dropout while another track is
free; the same person then carries two track ids, and often two roles. After tracking (and
after chunks are stitched), the tracks are taken in order of first appearance and each may
continue an earlier chain of tracks with which it never shares a frame:

- within `max_dropout_s` of the chain's end, when its first face is near the chain's last
  (`max_step_widths` per second of gap, in face widths) and of similar size (ratio up to 1.6);
- within `join_max_gap_s`, anywhere in the picture, when the sizes are close (ratio up to 1.3);
- while the chain still runs, when the two take turns on one face (a poor fit of a turned head
  opens a new track for a few frames): at most `MAX_TURNS` of its faces fall within the chain's
  time, each near the chain's face nearest in time and of similar size (ratio up to 1.6);

and in both cases only when the faces' proportions do not say two people (signature distance
up to `max_signature_distance`, annotate.faces.face_evidence) and the infant evidence of the
two does not point opposite ways. Among the chains that fit, the one with the lowest cost
(signature distance + log size ratio + distance in face widths / 10) is continued.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from annotate.config import TrackingConfig
from annotate.faces.face_evidence import face_evidence, signature, signature_distance
from annotate.faces.observation import FaceObservation
from annotate.faces.tracking import Track

NEAR_SIZE_RATIO = 1.6
FAR_SIZE_RATIO = 1.3
OPPOSITE_LOGIT = 1.5
MAX_TURNS = 10


@dataclass(frozen=True)
class PieceSummary:
    """What joining needs of a track or chain: its ends, size, signature and infant evidence."""

    first: FaceObservation
    last: FaceObservation
    observations: Sequence[FaceObservation]
    frames: frozenset[int]
    size_px: float
    signature: np.ndarray
    infant_logit: float


def summarise(track: Track, frame_size: tuple[int, int]) -> PieceSummary:
    """The PieceSummary of a track with observations."""
    width, height = frame_size
    sizes = [
        max(o.box_xywh_norm[2] * width, o.box_xywh_norm[3] * height) for o in track.observations
    ]
    return PieceSummary(
        track.observations[0],
        track.observations[-1],
        track.observations,
        frozenset(o.frame for o in track.observations),
        float(np.median(sizes)),
        signature(track.observations),
        face_evidence(track.observations, frame_size).infant_logit,
    )


def _size_px(face: FaceObservation, frame_size: tuple[int, int]) -> float:
    return max(face.box_xywh_norm[2] * frame_size[0], face.box_xywh_norm[3] * frame_size[1], 1.0)


def _widths_apart(a: FaceObservation, b: FaceObservation, frame_size: tuple[int, int]) -> float:
    (ax, ay), (bx, by) = a.centre_xy_norm, b.centre_xy_norm
    distance = math.hypot((ax - bx) * frame_size[0], (ay - by) * frame_size[1])
    return distance / max(_size_px(a, frame_size), _size_px(b, frame_size))


def _take_turns(
    before: PieceSummary, after: PieceSummary, config: TrackingConfig, frame_size: tuple[int, int]
) -> float | None:
    """Widths apart (the largest) when `after`'s faces within `before`'s time sit on its face."""
    inside = [o for o in after.observations if o.t <= before.last.t]
    if len(inside) > MAX_TURNS:
        return None
    times = np.array([o.t for o in before.observations])
    worst = 0.0
    for face in inside:
        k = int(np.argmin(np.abs(times - face.t)))
        other = before.observations[k]
        dt = abs(face.t - other.t)
        ratio = max(_size_px(face, frame_size), _size_px(other, frame_size)) / min(
            _size_px(face, frame_size), _size_px(other, frame_size)
        )
        widths = _widths_apart(other, face, frame_size)
        if widths > config.max_step_widths * (1.0 + dt) or ratio > NEAR_SIZE_RATIO:
            return None
        worst = max(worst, widths)
    return worst


def join_cost(
    before: PieceSummary, after: PieceSummary, config: TrackingConfig, frame_size: tuple[int, int]
) -> float | None:
    """The cost of `after` continuing `before` as one person, or None if they cannot be one."""
    if before.frames & after.frames:
        return None
    gap = after.first.t - before.last.t
    ratio = max(before.size_px, after.size_px) / max(min(before.size_px, after.size_px), 1.0)
    if gap <= 0:
        turns = _take_turns(before, after, config, frame_size)
        if turns is None or ratio > NEAR_SIZE_RATIO:
            return None
        widths = turns
    else:
        if gap > config.join_max_gap_s:
            return None
        widths = _widths_apart(before.last, after.first, frame_size)
        near = gap <= config.max_dropout_s and widths <= config.max_step_widths * (1.0 + gap)
        if ratio > (NEAR_SIZE_RATIO if near else FAR_SIZE_RATIO):
            return None
    distance = signature_distance(before.signature, after.signature)
    if distance is not None and distance > config.max_signature_distance:
        return None
    low, high = sorted((before.infant_logit, after.infant_logit))
    if low <= -OPPOSITE_LOGIT and high >= OPPOSITE_LOGIT:
        return None
    return (distance or 0.0) + math.log(ratio) + widths / 10.0


def join_tracks(
    tracks: Sequence[Track], config: TrackingConfig, frame_size: tuple[int, int]
) -> list[Track]:
    """Tracks with each person's pieces joined (see the module docstring), renumbered 0..n-1 in
    order of first appearance, observations in time order."""
    pieces = sorted((tr for tr in tracks if tr.observations), key=lambda tr: tr.observations[0].t)
    chains: list[list[Track]] = []
    summaries: list[PieceSummary] = []
    for piece in pieces:
        own = summarise(piece, frame_size)
        costs = []
        if config.reidentify:
            for k, chain_summary in enumerate(summaries):
                cost = join_cost(chain_summary, own, config, frame_size)
                if cost is not None:
                    costs.append((cost, k))
        if costs:
            k = min(costs)[1]
            chains[k].append(piece)
            summaries[k] = summarise(_merged(chains[k], k), frame_size)
        else:
            chains.append([piece])
            summaries.append(own)
    return [_merged(chain, k) for k, chain in enumerate(chains)]


def _merged(chain: list[Track], track_id: int) -> Track:
    observations = sorted((o for piece in chain for o in piece.observations), key=lambda o: o.t)
    last = max(chain, key=lambda piece: piece.observations[-1].t)
    return Track(
        track_id,
        observations,
        last.centre_px,
        last.velocity_px_s,
        last.width_px,
        last.last_t,
        last.recent_shapes,
    )
