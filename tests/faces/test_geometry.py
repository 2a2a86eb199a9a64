"""Head pose and gaze geometry: known rotations give known angles, with design.md's signs."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from annotate.faces import geometry as g

MIRROR = np.diag([-1.0, 1.0, 1.0])


@pytest.mark.parametrize(
    ("yaw", "pitch", "roll"),
    [
        (0, 0, 0),
        (30, 0, 0),
        (-45, 0, 0),
        (0, 20, 0),
        (0, -25, 0),
        (0, 0, 30),
        (0, 0, -90),
        (20, -10, 15),
        (-35, 15, 80),
        (60, 30, -40),
    ],
)
def test_pose_round_trips_through_the_rotation(yaw: float, pitch: float, roll: float) -> None:
    pose = g.pose_from_rotation(g.rotation_from_pose(yaw, pitch, roll))
    assert (pose.yaw_deg, pose.pitch_deg, pose.roll_deg) == pytest.approx((yaw, pitch, roll))


def test_signs_follow_the_image_a_coder_sees() -> None:
    nose = np.array([0.0, 0.0, 1.0])  # camera axes: x right, y up, z toward the viewer
    up = np.array([0.0, 1.0, 0.0])
    assert (g.rotation_from_pose(30, 0, 0) @ nose)[0] > 0  # yaw > 0: nose toward the right edge
    assert (g.rotation_from_pose(0, 20, 0) @ nose)[1] > 0  # pitch > 0: nose up
    assert (g.rotation_from_pose(0, 0, 30) @ up)[0] > 0  # roll > 0: top of head turns clockwise


@pytest.mark.parametrize(("yaw", "pitch", "roll"), [(30, 10, 5), (-20, -15, 40), (45, 0, -70)])
def test_a_mirrored_frame_flips_yaw_and_roll_and_keeps_pitch(
    yaw: float, pitch: float, roll: float
) -> None:
    mirrored = MIRROR @ g.rotation_from_pose(yaw, pitch, roll) @ MIRROR
    pose = g.pose_from_rotation(mirrored)
    assert (pose.yaw_deg, pose.pitch_deg, pose.roll_deg) == pytest.approx((-yaw, pitch, -roll))


def test_scale_and_translation_in_the_matrix_are_ignored() -> None:
    matrix = np.eye(4)
    matrix[:3, :3] = 1.7 * g.rotation_from_pose(25, -5, 10)
    matrix[:3, 3] = (3.0, 20.0, -60.0)
    pose = g.pose_from_rotation(matrix)
    assert (pose.yaw_deg, pose.pitch_deg, pose.roll_deg) == pytest.approx((25, -5, 10))


def test_mediapipe_reference_portrait_matrix(shared_fixtures: Path) -> None:
    text = (shared_fixtures / "mediapipe" / "portrait_expected_face_geometry.pbtxt").read_text()
    block = text[text.index("pose_transform_matrix") :]
    packed = [float(v) for v in re.findall(r"packed_data: (\S+)", block)]
    matrix = np.array(packed).reshape(4, 4).T  # packed column-major
    pose = g.pose_from_rotation(matrix)
    # a portrait facing the camera, head slightly down: small yaw and roll, pitch about -6
    assert pose.yaw_deg == pytest.approx(2.24, abs=0.05)
    assert pose.pitch_deg == pytest.approx(-6.36, abs=0.05)
    assert pose.roll_deg == pytest.approx(-0.99, abs=0.05)
    assert matrix[2, 3] < 0  # the face is in front of the camera (which looks along -z)


def test_gaze_without_eye_turn_is_the_head_direction() -> None:
    rotation = g.rotation_from_pose(30, -10, 20)
    gaze = g.gaze_from_head_and_eyes(rotation, 0.0, 0.0)
    assert (gaze.yaw_deg, gaze.pitch_deg) == pytest.approx((30, -10))
    assert gaze.dx > 0 and gaze.dy > 0  # toward the right edge and down the image


def test_eyes_add_to_the_head_in_the_heads_own_frame() -> None:
    lying = g.rotation_from_pose(0, 0, 90)  # top of the head toward the image's right
    gaze = g.gaze_from_head_and_eyes(lying, 0.0, 20.0)  # eyes up, toward the top of the head
    assert gaze.dx > 0.3 and abs(gaze.dy) < 1e-6


def test_looking_at_the_camera_has_no_image_plane_direction() -> None:
    gaze = g.gaze_from_head_and_eyes(np.eye(3), 0.0, 0.0)
    assert np.hypot(gaze.dx, gaze.dy) == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(
    ("shapes", "expected_sign"),
    [
        ({}, (0, 0)),
        ({"eyeLookInRight": 0.6, "eyeLookOutLeft": 0.6}, (1, 0)),
        ({"eyeLookOutRight": 0.6, "eyeLookInLeft": 0.6}, (-1, 0)),
        ({"eyeLookUpLeft": 0.5, "eyeLookUpRight": 0.5}, (0, 1)),
        ({"eyeLookDownLeft": 0.5, "eyeLookDownRight": 0.5}, (0, -1)),
    ],
)
def test_eye_blendshapes_give_image_directions(
    shapes: dict[str, float], expected_sign: tuple[int, int]
) -> None:
    yaw, pitch = g.eye_turn_from_blendshapes(shapes)
    assert (np.sign(round(yaw, 6)), np.sign(round(pitch, 6))) == expected_sign


def test_box_and_share_in_frame() -> None:
    points = np.array([[0.2, 0.3, 0.0], [0.4, 0.6, 0.0], [1.2, 0.5, 0.0], [0.3, 0.4, 0.0]])
    assert g.face_box(points) == pytest.approx((0.2, 0.3, 0.8, 0.3))
    assert g.share_in_frame(points) == pytest.approx(0.75)
