"""The crop search: coordinates and rotations mapped back to the whole frame."""

from __future__ import annotations

import numpy as np
import pytest

from annotate.faces.finder import ExpectedFace, FaceFinder
from annotate.faces.geometry import pose_from_rotation, rotation_from_pose
from annotate.faces.landmarker import RawFace
from annotate.faces.regions import (
    crop_around,
    face_from_crop,
    iou,
    unrotate_points,
    z_rotation,
)
from tests.helpers import raw_face


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_unrotate_points_inverts_numpy_rot90(turns: int) -> None:
    height, width = 30, 50
    image = np.zeros((height, width), dtype=np.uint8)
    image[7, 41] = 255  # a marked pixel at x=41, y=7
    turned = np.rot90(image, turns)
    ty, tx = np.argwhere(turned == 255)[0]
    # pixel centres: +0.5 each way
    back = unrotate_points(np.array([[tx + 0.5, ty + 0.5]]), turns, width, height)
    assert back[0] == pytest.approx((41.5, 7.5))


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_an_upright_face_in_a_turned_crop_has_the_frames_roll(turns: int) -> None:
    upright = raw_face((0.5, 0.5), 0.4, yaw=20.0)
    mapped = face_from_crop(upright, (100, 50), (200, 200), turns, 1.0, (640, 360))
    pose = pose_from_rotation(mapped.matrix)
    # the crop was turned CCW by turns x 90 so the face stood upright: in the frame it is rolled
    expected_roll = ((90 * turns + 180) % 360) - 180
    assert pose.roll_deg == pytest.approx(expected_roll, abs=1e-6) or abs(expected_roll) == 180
    assert np.allclose(z_rotation(turns) @ z_rotation(-turns), np.eye(3))


def test_crop_landmarks_land_back_on_the_frame() -> None:
    face = raw_face((0.5, 0.5), 0.2)
    mapped = face_from_crop(face, (100, 50), (200, 200), 0, 2.0, (640, 360))
    # crop pixel 100 (of 200, enlarged 2x) is frame pixel 100 + 50 = 150
    centre = mapped.landmarks[:, :2].mean(axis=0)
    assert centre == pytest.approx(((100 + 50) / 640, (50 + 50) / 360), abs=0.01)


def test_crop_around_is_clipped_and_enlarged() -> None:
    frame = np.zeros((360, 640, 3), dtype=np.uint8)
    crop, origin, scale = crop_around(frame, (0.95, 0.0, 0.05, 0.08))
    assert origin[0] > 0 and origin[1] == 0
    assert min(crop.shape[:2]) >= 192 and scale > 1


class Fixed:
    """A landmarker that returns the same faces every call."""

    device = "cpu"

    def __init__(self, faces: list[RawFace]) -> None:
        self.faces = faces
        self.calls = 0

    def detect(self, rgb: np.ndarray, t_s: float = 0.0) -> list[RawFace]:
        self.calls += 1
        return list(self.faces)

    def close(self) -> None:
        pass


def test_no_crop_search_when_the_whole_frame_found_the_expected_face() -> None:
    found = raw_face((0.3, 0.5), 0.2)
    crops = Fixed([raw_face((0.5, 0.5), 0.4)])
    finder = FaceFinder(Fixed([found]), crops)
    expected = [ExpectedFace((0.2, 0.4, 0.2, 0.2), 0.0)]
    assert len(finder.find(np.zeros((360, 640, 3), np.uint8), 0.0, expected)) == 1
    assert crops.calls == 0


def test_a_missed_face_is_found_in_its_crop_once() -> None:
    crops = Fixed([raw_face((0.5, 0.5), 0.4, roll=0.0)])
    finder = FaceFinder(Fixed([]), crops)
    expected = [ExpectedFace((0.6, 0.4, 0.1, 0.15), 85.0)]
    faces = finder.find(np.zeros((360, 640, 3), np.uint8), 0.0, expected)
    assert len(faces) == 1 and crops.calls == 1
    # the first try turns the crop by the face's last roll: the face is rolled ~90 in the frame
    assert pose_from_rotation(faces[0].matrix).roll_deg == pytest.approx(90.0, abs=1e-6)


def test_iou() -> None:
    assert iou((0, 0, 1, 1), (0, 0, 1, 1)) == 1.0
    assert iou((0, 0, 1, 1), (2, 2, 1, 1)) == 0.0
    assert iou((0, 0, 2, 1), (1, 0, 2, 1)) == pytest.approx(1 / 3)
    assert np.allclose(rotation_from_pose(0, 0, 0), np.eye(3))
