"""Heads without a readable face: a person still there whose face cannot be read.

When a track's face is lost in the middle of the frame (not at an edge: the person did not walk
out) and neither the landmarker, its crops nor the second look find it again, the person is most
likely still there, turned away (a head seen from behind), or hidden behind a shoulder or hand.
Each sampled frame of such a dropout, up to the tracker's `max_dropout_s`, is marked `head_only`
unless a face is found in that frame where the lost one was (the same face in another track):
the track's row has its face columns empty, and nothing of gaze is read or drawn for it.

This is a hint from where the face was last seen, not a head detector. A cut (the whole picture
changes at once, `SceneCuts`) ends it: after a cut nobody is assumed to be there. A face that
vanishes in the middle of the frame for another reason (the camera turned away, the person
ducked out of view) is marked too, for at most `max_dropout_s`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from annotate.faces.observation import FaceObservation
from annotate.faces.tracking import Track

# a lost face's last box must lie this share of the frame inside each edge
EDGE_MARGIN = 0.02
MIN_SHARE_IN_FRAME = 0.95
# a cut: the mean absolute difference of two consecutive sampled frames, as 32 x 18 grey
# thumbnails, above this (measured: 97 and 145 at face_noface.mov's cut; at most 32 within
# fd_video.mp4's hand-held shots and 6 in WolfgangLanger_Pexels.mp4)
CUT_GREY_LEVELS = 60.0
THUMB_SIZE = (32, 18)


class SceneCuts:
    """Remembers when the picture last changed all at once (a cut between shots)."""

    def __init__(self) -> None:
        self._previous: np.ndarray | None = None
        self.last_cut_t = -float("inf")

    def see(self, rgb: np.ndarray, t: float) -> None:
        """Look at the next sampled frame (RGB) at time t."""
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        thumb = cv2.resize(grey, THUMB_SIZE, interpolation=cv2.INTER_AREA).astype(np.float32)
        if self._previous is not None and np.abs(thumb - self._previous).mean() > CUT_GREY_LEVELS:
            self.last_cut_t = t
        self._previous = thumb


@dataclass(frozen=True)
class HeadMark:
    """A sampled frame in which a track's person is there without a readable face.

    Attributes:
        frame: the frame's index.
        seen_frame, seen_box: the frame and box of the track's last face, which name the track
            across renumbering and stitching (a face is in one track only).
    """

    frame: int
    seen_frame: int
    seen_box: tuple[float, float, float, float]


def _inside(face: FaceObservation) -> bool:
    x, y, w, h = face.box_xywh_norm
    return (
        face.score >= MIN_SHARE_IN_FRAME
        and x >= EDGE_MARGIN
        and y >= EDGE_MARGIN
        and x + w <= 1.0 - EDGE_MARGIN
        and y + h <= 1.0 - EDGE_MARGIN
    )


def _near(face: FaceObservation, box: tuple[float, float, float, float]) -> bool:
    """Whether a face found now lies where a lost face was (its centre within one face size):
    then the lost face is most likely that one, in another track, not a hidden one."""
    (fx, fy), (x, y, w, h) = face.centre_xy_norm, box
    return abs(fx - (x + w / 2)) <= max(w, face.box_xywh_norm[2]) and abs(fy - (y + h / 2)) <= max(
        h, face.box_xywh_norm[3]
    )


def heads_without_faces(
    tracks: Sequence[Track],
    frame: int,
    t: float,
    max_dropout_s: float,
    found: Sequence[FaceObservation] = (),
    last_cut_t: float = -float("inf"),
) -> list[HeadMark]:
    """The tracks that lost their face inside the frame within `max_dropout_s` before `t` and
    did not get it back in this frame, with no face `found` in this frame where it was and no
    cut since (call after the tracker's update for the frame)."""
    marks = []
    for track in tracks:
        if not track.observations:
            continue
        last = track.observations[-1]
        if last.frame == frame or not 0.0 < t - last.t <= max_dropout_s or last_cut_t > last.t:
            continue
        if _inside(last) and not any(_near(face, last.box_xywh_norm) for face in found):
            marks.append(HeadMark(frame, last.frame, last.box_xywh_norm))
    return marks


def head_only_flags(
    samples: Sequence[tuple[int, float]], tracks: Sequence[Track], marks: Sequence[HeadMark]
) -> np.ndarray:
    """One flag per feature-table row (samples x tracks, frame-major): the track's person is
    there in that frame without a readable face."""
    n_tracks = len(tracks)
    flags = np.zeros(len(samples) * n_tracks, dtype=bool)
    if not marks or not n_tracks:
        return flags
    owner = {
        (face.frame, face.box_xywh_norm): j
        for j, track in enumerate(tracks)
        for face in track.observations
    }
    seen = {(face.frame, j) for j, track in enumerate(tracks) for face in track.observations}
    sample_of = {frame: i for i, (frame, _) in enumerate(samples)}
    for mark in marks:
        j = owner.get((mark.seen_frame, mark.seen_box))
        i = sample_of.get(mark.frame)
        # a row with a face is never head-only (stitched chunks may have joined one there)
        if j is not None and i is not None and (mark.frame, j) not in seen:
            flags[i * n_tracks + j] = True
    return flags
