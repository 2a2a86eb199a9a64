"""Finding each sampled frame's faces: the whole frame, then regions where faces were missed.

The landmarker in VIDEO mode follows faces from frame to frame, but it misses three kinds:
- a face that turns far or lies on its side (its detector is trained on upright faces): every
  face a track saw recently but this frame missed is looked for again in a crop around its last
  box, turned upright by quarter turns (the one nearest the face's last roll first);
- a small face (narrower than about 1/8 of the frame: an infant across the room): the same crop
  follows it once found, enlarged so its landmarks come out at a good resolution;
- a face nobody has found yet. When a frame shows fewer faces than expected, at most once every
  `every_s` seconds, the frame is searched in overlapping tiles (each small enough that a face of
  `min_face_frac` of the frame's width is found) and whole, turned a quarter turn each way.
Tiles and turned searches cost nothing while every expected face is found; crops cost one
landmarker call per missed or small face per frame.

Then the second look (annotate.faces.second_look), for faces the landmarker's own detector
misses even in a crop (three quarters, near profile, partly hidden):
- a face a track lost is looked for with the bare face mesh at and near its last box (one to
  eleven fits of about 3 ms, only while that face is missing; a place that gave nothing is
  tried again only after `second_look_every_s`);
- when a frame still shows fewer faces than expected, at most every `second_look_every_s`, the
  full-range detector proposes faces in the whole frame (about 7 ms) and the mesh is fitted on
  each proposal that is not a face already found.
Nothing of the second look runs while every expected face is found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from annotate.config import SearchConfig
from annotate.faces.landmarker import RawFace
from annotate.faces.regions import (
    box_of,
    crop_around,
    face_from_crop,
    iou,
    same_face,
    tile_grid,
)
from annotate.faces.second_look import PROPOSAL_GROWTH

NEAR_SHARE = 0.75


def _near(a: Sequence[float], b: Sequence[float]) -> bool:
    """Whether two boxes (x, y, w, h) are one face for the second look: their centres are
    nearer than NEAR_SHARE of the larger box's size, or they overlap as same_face says."""
    if same_face(a, b):
        return True
    dx = (a[0] + a[2] / 2) - (b[0] + b[2] / 2)
    dy = (a[1] + a[3] / 2) - (b[1] + b[3] / 2)
    return abs(dx) < NEAR_SHARE * max(a[2], b[2]) and abs(dy) < NEAR_SHARE * max(a[3], b[3])


class SecondLook(Protocol):
    """The second look's two steps (annotate.faces.second_look, or a test's fake)."""

    def fit_near(
        self,
        rgb: np.ndarray,
        centre_px: tuple[float, float],
        side_px: float,
        roll_deg: float,
        max_growth: float = ...,
    ) -> tuple[RawFace | None, int]: ...

    def propose(self, rgb: np.ndarray) -> list[tuple[tuple[float, float], float, float]]: ...


class Detects(Protocol):
    """A face landmarker: the real one (annotate.faces.landmarker) or a test's fake."""

    device: str

    def detect(self, rgb: np.ndarray, t_s: float = 0.0) -> list[RawFace]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class ExpectedFace:
    """A face a track saw recently: its last box (fractions of the frame) and roll (degrees)."""

    box_xywh_norm: tuple[float, float, float, float]
    roll_deg: float


class FaceFinder:
    """Whole-frame faces (VIDEO mode), plus crops, tiles and turned frames where faces are missed.

    Args:
        video: the whole-frame landmarker (VIDEO mode).
        crops: a landmarker for crops (IMAGE mode, one face); None: no crop follow-up.
        searcher: a landmarker for tiles and turned frames (IMAGE mode, up to `max_faces`);
            None: no search for new faces beyond the whole frame.
        max_faces: how many faces a frame is expected to hold at most.
        search: when and how finely to search (configs/features.yaml, section search).
        second: the second look; None: none.
    """

    def __init__(
        self,
        video: Detects,
        crops: Detects | None,
        searcher: Detects | None = None,
        max_faces: int = 2,
        search: SearchConfig | None = None,
        second: SecondLook | None = None,
    ) -> None:
        self.video = video
        self.crops = crops
        self.searcher = searcher
        self.max_faces = max_faces
        self.search = search or SearchConfig()
        self.device = video.device
        self.second = second
        self.calls = {"whole": 0, "crop": 0, "tile": 0, "turned": 0, "mesh": 0, "proposals": 0}
        self._last_search_t = -float("inf")
        self._last_proposals_t = -float("inf")
        self._mesh_tries: dict[tuple[float, float, float, float], float] = {}

    def find(self, rgb: np.ndarray, t_s: float, expected: Sequence[ExpectedFace]) -> list[RawFace]:
        """All faces of one frame (RGB), given the faces that tracks expect to see."""
        self.calls["whole"] += 1
        faces = self.video.detect(rgb, t_s)
        boxes = [box_of(f) for f in faces]

        def add(found: RawFace | None) -> None:
            if found is not None and not any(same_face(box_of(found), b) for b in boxes):
                faces.append(found)
                boxes.append(box_of(found))

        if self.crops is not None:
            for wanted in expected:
                if not any(iou(wanted.box_xywh_norm, b) > 0.1 for b in boxes) or (
                    self._small(wanted, rgb.shape[1])
                ):
                    self._replace_or_add(faces, boxes, self._search_crop(rgb, wanted))

        def add_second(found: RawFace | None) -> None:
            # the mesh's box of a near-profile face can sit off the landmarker's box of the
            # same face: nearer than `NEAR_SHARE` of a face size is the same face
            if found is not None and not any(_near(box_of(found), b) for b in boxes):
                faces.append(found)
                boxes.append(box_of(found))

        if self.second is not None:
            for wanted in expected:
                if not any(iou(wanted.box_xywh_norm, b) > 0.1 for b in boxes):
                    add_second(self._mesh_near(rgb, t_s, wanted))
        if (
            self.searcher is not None
            and len(faces) < self.max_faces
            and t_s - self._last_search_t >= self.search.every_s
        ):
            self._last_search_t = t_s
            for found in self._search_frame(rgb):
                add(found)
        if (
            self.second is not None
            and len(faces) < self.max_faces
            and t_s - self._last_proposals_t >= self.search.second_look_every_s
        ):
            self._last_proposals_t = t_s
            for found in self._proposed(rgb, boxes):
                add_second(found)
        return faces

    def _mesh_near(self, rgb: np.ndarray, t_s: float, wanted: ExpectedFace) -> RawFace | None:
        """The face mesh fitted at and near a lost face's last box. A box where the mesh found
        nothing is tried again only after `second_look_every_s` (a lost track keeps its last
        box, so this bounds what a face that is really gone costs)."""
        assert self.second is not None
        last_try = self._mesh_tries.get(wanted.box_xywh_norm)
        if last_try is not None and t_s - last_try < self.search.second_look_every_s:
            return None
        if len(self._mesh_tries) > 64:
            self._mesh_tries.clear()
        self._mesh_tries[wanted.box_xywh_norm] = t_s
        height, width = rgb.shape[:2]
        x, y, w, h = wanted.box_xywh_norm
        centre = ((x + w / 2) * width, (y + h / 2) * height)
        # the face's length from forehead to chin: its height when upright, its width lying on
        # its side (the other side shrinks or, from the mesh, spreads as the head turns)
        upright = abs(((wanted.roll_deg + 180.0) % 360.0) - 180.0) < 45.0 or (
            abs(((wanted.roll_deg + 180.0) % 360.0) - 180.0) > 135.0
        )
        length = h * height if upright else w * width
        face, calls = self.second.fit_near(rgb, centre, length, wanted.roll_deg)
        self.calls["mesh"] += calls
        return face

    def _proposed(
        self, rgb: np.ndarray, boxes: list[tuple[float, float, float, float]]
    ) -> list[RawFace]:
        """Faces the full-range detector proposes where no face was found, fitted by the mesh."""
        assert self.second is not None
        self.calls["proposals"] += 1
        height, width = rgb.shape[:2]
        found: list[RawFace] = []
        for centre, side, roll in self.second.propose(rgb):
            near = (centre[0] / width, centre[1] / height)
            if any(
                b[0] <= near[0] <= b[0] + b[2] and b[1] <= near[1] <= b[1] + b[3] for b in boxes
            ):
                continue
            face, calls = self.second.fit_near(rgb, centre, side, roll, PROPOSAL_GROWTH)
            self.calls["mesh"] += calls
            if face is not None:
                found.append(face)
        return found

    def _small(self, wanted: ExpectedFace, width: int) -> bool:
        """A face too small for good landmarks from the whole frame: always follow it by crop."""
        return wanted.box_xywh_norm[2] * width < self.search.crop_below_px

    def _replace_or_add(
        self,
        faces: list[RawFace],
        boxes: list[tuple[float, float, float, float]],
        found: RawFace | None,
    ) -> None:
        """Add a crop's face, or let it replace the whole frame's reading of the same face
        (the crop's is at a better resolution)."""
        if found is None:
            return
        box = box_of(found)
        for k, other in enumerate(boxes):
            if same_face(box, other):
                faces[k], boxes[k] = found, box
                return
        faces.append(found)
        boxes.append(box)

    def _search_frame(self, rgb: np.ndarray) -> list[RawFace]:
        """Faces from tiles and from the whole frame turned each way, duplicates merged (the
        larger box of two wins: a face cut by a tile's edge loses to the whole face)."""
        assert self.searcher is not None
        height, width = rgb.shape[:2]
        candidates: list[RawFace] = []
        min_face_px = self.search.min_face_frac * width
        for x0, y0, x1, y1 in tile_grid(width, height, min_face_px, self.search.tile_overlap):
            self.calls["tile"] += 1
            tile = np.ascontiguousarray(rgb[y0:y1, x0:x1])
            for face in self.searcher.detect(tile):
                candidates.append(
                    face_from_crop(face, (x0, y0), (x1 - x0, y1 - y0), 0, 1.0, (width, height))
                )
        for turns in (1, 3):
            self.calls["turned"] += 1
            turned = np.ascontiguousarray(np.rot90(rgb, turns))
            for face in self.searcher.detect(turned):
                candidates.append(
                    face_from_crop(face, (0, 0), (width, height), turns, 1.0, (width, height))
                )
        candidates.sort(key=lambda f: -(box_of(f)[2] * box_of(f)[3]))
        kept: list[RawFace] = []
        for face in candidates:
            if not any(same_face(box_of(face), box_of(k)) for k in kept):
                kept.append(face)
        return kept

    def _search_crop(self, rgb: np.ndarray, wanted: ExpectedFace) -> RawFace | None:
        assert self.crops is not None
        crop, origin, scale = crop_around(rgb, wanted.box_xywh_norm)
        if crop.size == 0 or min(crop.shape[:2]) < 16:
            return None
        height, width = rgb.shape[:2]
        size = (crop.shape[1], crop.shape[0])
        first = round(wanted.roll_deg / 90.0) % 4
        for turns in (first, (first + 1) % 4, (first + 3) % 4):
            self.calls["crop"] += 1
            found = self.crops.detect(np.ascontiguousarray(np.rot90(crop, turns)))
            if found:
                return face_from_crop(found[0], origin, size, turns, scale, (width, height))
        return None

    def close(self) -> None:
        for landmarker in (self.video, self.crops, self.searcher):
            if landmarker is not None:
                landmarker.close()
