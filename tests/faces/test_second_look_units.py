"""The second look's surrounding code: mesh points to a face, head-only marks, the finder's
schedule (fakes; the real models run in tests/e2e/test_second_look.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from annotate.config import GazeConfig, SearchConfig, TrackingConfig
from annotate.faces.finder import ExpectedFace, FaceFinder
from annotate.faces.geometry import rotation_from_pose
from annotate.faces.heads import HeadMark, SceneCuts, head_only_flags, heads_without_faces
from annotate.faces.landmarker import RawFace
from annotate.faces.mesh_face import face_from_mesh, head_rotation
from annotate.faces.observation import FaceObservation
from annotate.faces.tracking import FaceTracker
from tests.helpers import raw_face


def mesh_points(yaw: float = 0.0) -> np.ndarray:
    """468 points on an oval 'face' 100 px wide around (200, 150), turned by yaw."""
    rng = np.random.default_rng(3)
    points = np.column_stack(
        [rng.uniform(-50, 50, 468), rng.uniform(-60, 60, 468), rng.uniform(-10, 10, 468)]
    )
    points[33], points[263] = (-40, -20, 0), (40, -20, 0)  # outer eye corners
    points[10], points[152] = (0, -70, -5), (0, 70, -5)  # forehead, chin
    camera = points * np.array([1.0, -1.0, -1.0])
    turned = camera @ rotation_from_pose(yaw, 0.0, 0.0).T
    return turned * np.array([1.0, -1.0, -1.0]) + np.array([200.0, 150.0, 0.0])


def test_a_mesh_face_has_the_landmarkers_shape_and_no_expression() -> None:
    face = face_from_mesh(mesh_points(), (400, 300))
    assert face.landmarks.shape == (478, 3)
    assert face.blendshapes == {}
    # the irises sit in the middle of each eye
    assert face.landmarks[468, 0] * 400 == pytest.approx(
        np.mean(mesh_points()[[33, 133, 159, 145], 0])
    )
    observation = FaceObservation.from_landmarker(face, 0, 0.0, 400, 300, GazeConfig())
    assert math.isnan(observation.eyes_open) and math.isnan(observation.smile)
    assert math.isnan(observation.mouth_open) and not observation.eyes_read
    # with the eyes unread, the gaze is the head's direction
    assert observation.gaze_yaw_deg == pytest.approx(observation.yaw_deg, abs=1e-6)


@pytest.mark.parametrize("yaw", [-70.0, -30.0, 30.0, 70.0])
def test_the_mesh_heads_rotation_turns_with_the_face(yaw: float) -> None:
    front = head_rotation(mesh_points(0.0))
    turned = head_rotation(mesh_points(yaw))
    assert turned == pytest.approx(rotation_from_pose(yaw, 0.0, 0.0) @ front, abs=1e-9)


def test_mesh_points_of_the_wrong_shape_are_refused() -> None:
    with pytest.raises(ValueError, match="468"):
        face_from_mesh(np.zeros((478, 3)), (400, 300))


def observe(box_centre: tuple[float, float], frame: int, t: float) -> FaceObservation:
    face = raw_face(box_centre, 0.2)
    return FaceObservation.from_landmarker(face, frame, t, 640, 360, GazeConfig())


def tracked(positions: list[tuple[float, float] | None]) -> FaceTracker:
    tracker = FaceTracker(TrackingConfig(), 2, (640, 360))
    for k, where in enumerate(positions):
        tracker.update([] if where is None else [observe(where, k, k / 10)])
    return tracker


def test_a_face_lost_inside_the_frame_is_a_head_without_a_face() -> None:
    tracker = tracked([(0.5, 0.5), (0.5, 0.5), None])
    marks = heads_without_faces(tracker.tracks, 2, 0.2, 2.0)
    assert [m.frame for m in marks] == [2]
    flags = head_only_flags([(0, 0.0), (1, 0.1), (2, 0.2)], tracker.tracks, marks)
    assert flags.tolist() == [False, False, True]


def test_no_head_where_the_face_left_by_an_edge_or_is_found_nearby_or_long_gone() -> None:
    at_edge = tracked([(0.95, 0.5), (0.97, 0.5), None])
    assert heads_without_faces(at_edge.tracks, 2, 0.2, 2.0) == []
    inside = tracked([(0.5, 0.5), None])
    nearby = [observe((0.52, 0.5), 1, 0.1)]
    assert heads_without_faces(inside.tracks, 1, 0.1, 2.0, nearby) == []
    assert heads_without_faces(inside.tracks, 40, 4.0, 2.0) == []


def test_after_a_cut_nobody_is_assumed_there() -> None:
    tracker = tracked([(0.5, 0.5), None, None])
    cuts = SceneCuts()
    cuts.see(np.full((360, 640, 3), 200, dtype=np.uint8), 0.1)
    cuts.see(np.full((360, 640, 3), 200, dtype=np.uint8), 0.15)
    assert cuts.last_cut_t == -float("inf")
    assert heads_without_faces(tracker.tracks, 1, 0.1, 2.0, (), cuts.last_cut_t)
    cuts.see(np.full((360, 640, 3), 20, dtype=np.uint8), 0.2)  # the picture changes at once
    assert cuts.last_cut_t == 0.2
    assert heads_without_faces(tracker.tracks, 2, 0.2, 2.0, (), cuts.last_cut_t) == []


def test_a_row_with_a_face_is_never_head_only() -> None:
    tracker = tracked([(0.5, 0.5), None, (0.5, 0.5)])
    first = tracker.tracks[0].observations[0]
    # marks for frames 1 and 2 naming the track by its face in frame 0; in frame 2 the track
    # has its face again (as when stitched chunks join one there)
    marks = [HeadMark(1, 0, first.box_xywh_norm), HeadMark(2, 0, first.box_xywh_norm)]
    flags = head_only_flags([(0, 0.0), (1, 0.1), (2, 0.2)], tracker.tracks, marks)
    assert flags.tolist() == [False, True, False]


class Fixed:
    device = "cpu"

    def __init__(self, faces: list[RawFace]) -> None:
        self.faces = faces

    def detect(self, rgb: np.ndarray, t_s: float = 0.0) -> list[RawFace]:
        return list(self.faces)

    def close(self) -> None:
        pass


class FakeSecondLook:
    """Fits a face wherever asked (or nowhere), proposes given places; counts calls."""

    def __init__(self, fits: bool, proposals: list[tuple[tuple[float, float], float, float]]):
        self.fits = fits
        self.proposals = proposals
        self.fit_calls: list[tuple[float, float]] = []
        self.propose_calls = 0

    def fit_near(
        self,
        rgb: np.ndarray,
        centre_px: tuple[float, float],
        side_px: float,
        roll_deg: float,
        max_growth: float = 1.25,
    ) -> tuple[RawFace | None, int]:
        self.fit_calls.append(centre_px)
        if not self.fits:
            return None, 10
        return raw_face((centre_px[0] / 640, centre_px[1] / 360), side_px / 640), 1

    def propose(self, rgb: np.ndarray) -> list[tuple[tuple[float, float], float, float]]:
        self.propose_calls += 1
        return list(self.proposals)


FRAME = np.zeros((360, 640, 3), dtype=np.uint8)


def test_the_second_look_costs_nothing_while_every_expected_face_is_found() -> None:
    faces = [raw_face((0.3, 0.5), 0.2), raw_face((0.7, 0.5), 0.2)]
    second = FakeSecondLook(True, [((100.0, 100.0), 50.0, 0.0)])
    finder = FaceFinder(Fixed(faces), Fixed([]), None, 2, SearchConfig(), second)
    expected = [ExpectedFace((0.2, 0.4, 0.2, 0.2), 0.0), ExpectedFace((0.6, 0.4, 0.2, 0.2), 0.0)]
    for k in range(5):
        assert len(finder.find(FRAME, k / 10, expected)) == 2
    assert second.fit_calls == [] and second.propose_calls == 0


def test_a_lost_face_is_fitted_at_its_last_box_and_a_failed_place_waits() -> None:
    second = FakeSecondLook(True, [])
    finder = FaceFinder(Fixed([]), Fixed([]), None, 1, SearchConfig(), second)
    lost = [ExpectedFace((0.4, 0.4, 0.2, 0.2), 0.0)]
    found = finder.find(FRAME, 0.0, lost)
    assert len(found) == 1 and second.fit_calls[0] == pytest.approx((320.0, 180.0))
    nothing = FakeSecondLook(False, [])
    finder = FaceFinder(Fixed([]), Fixed([]), None, 1, SearchConfig(), nothing)
    for k in range(10):  # 1 s at 10 frames/s, the same lost box every frame
        assert finder.find(FRAME, k / 10, lost) == []
    # tried at 0.0 and 0.5 s only (second_look_every_s)
    assert len(nothing.fit_calls) == 2


def test_proposals_are_asked_for_only_with_faces_missing_and_at_most_twice_a_second() -> None:
    second = FakeSecondLook(True, [((320.0, 180.0), 80.0, 0.0)])
    finder = FaceFinder(Fixed([]), Fixed([]), None, 1, SearchConfig(), second)
    results = [finder.find(FRAME, k / 10, []) for k in range(10)]
    assert second.propose_calls == 2
    assert [len(r) for r in results].count(1) == 2
