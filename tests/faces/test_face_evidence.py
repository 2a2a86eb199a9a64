"""The face's own evidence: proportions read in the head's frame, infant scores, signatures."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from annotate.faces.face_evidence import (
    face_evidence,
    frame_scores,
    signature,
    signature_distance,
)
from annotate.faces.geometry import rotation_from_pose
from annotate.faces.proportions import PROPORTION_NAMES, face_proportions
from tests.helpers import observation

# medians measured with the real landmarker (annotate.faces.face_evidence's table)
INFANT = np.array([0.31, 0.265, 0.647, 0.62, 0.975, 0.185], dtype=np.float32)
ADULT = np.array([0.47, 0.33, 0.69, 0.72, 0.80, 0.15], dtype=np.float32)


def with_proportions(values: np.ndarray, t: float, size: float = 0.4, smile: float = 0.0):
    face = observation(t, (0.5, 0.5), size)
    return dataclasses.replace(face, proportions=values, smile=smile)


def test_an_infants_proportions_score_above_zero_and_an_adults_below() -> None:
    infant, adult = frame_scores(np.stack([INFANT, ADULT]))
    assert infant > 0.5 and adult < -1.0


def test_a_smile_leaves_the_mouth_out() -> None:
    smiling_infant = INFANT.copy()
    smiling_infant[0] = 0.55  # a wide smile: the mouth alone would say adult
    with_mouth, without = frame_scores(
        np.stack([smiling_infant, smiling_infant]), np.array([True, False])
    )
    assert with_mouth < without and without > 0.5


def test_unreadable_frames_give_no_score() -> None:
    assert np.isnan(frame_scores(np.full((1, len(PROPORTION_NAMES)), np.nan))).all()


def test_a_tracks_evidence_needs_readable_frames_and_counts_small_faces_less() -> None:
    few = [with_proportions(INFANT, t) for t in (0.0, 0.1)]
    assert face_evidence(few, (640, 480)).frames_read == 0
    many = [with_proportions(INFANT, k / 10) for k in range(10)]
    large = face_evidence(many, (640, 480))
    assert large.frames_read == 10 and large.infant_logit > 1.5 and large.infant_probability > 0.8
    small = [with_proportions(INFANT, k / 10, size=0.1) for k in range(10)]  # 64 px wide
    assert 0 < face_evidence(small, (640, 480)).infant_logit < large.infant_logit


def test_proportions_hold_when_the_head_turns() -> None:
    rng = np.random.default_rng(3)
    head = rng.normal(size=(478, 3)) * [60.0, 80.0, 30.0]  # pixels, in the head's own frame
    width, height = 640, 480

    def seen(yaw: float, pitch: float, roll: float) -> np.ndarray:
        rotation = rotation_from_pose(yaw, pitch, roll)
        camera = head @ rotation.T + [320.0, -240.0, 0.0]  # camera: x right, y up, z out
        landmarks = np.stack(
            [camera[:, 0] / width, -camera[:, 1] / height, -camera[:, 2] / width], axis=1
        )
        matrix = np.eye(4)
        matrix[:3, :3] = rotation
        return face_proportions(landmarks, matrix, width, height, yaw, pitch)

    facing = seen(0.0, 0.0, 0.0)
    assert not np.isnan(facing).any()
    np.testing.assert_allclose(seen(30.0, -15.0, 40.0), facing, rtol=1e-4)
    assert np.isnan(seen(50.0, 0.0, 0.0)).all()  # beyond the readable yaw


def test_signatures_tell_an_infant_from_an_adult_and_not_a_face_from_itself() -> None:
    jitter = np.random.default_rng(1).normal(scale=0.008, size=(20, len(PROPORTION_NAMES)))
    infant = [
        with_proportions((INFANT + j).astype(np.float32), k / 10) for k, j in enumerate(jitter)
    ]
    own = signature(infant)
    same = signature_distance(own, INFANT + jitter[0])
    other = signature_distance(own, ADULT)
    assert same is not None and same < 1.0
    assert other is not None and other > 2.5
    assert signature_distance(own, np.full(len(PROPORTION_NAMES), np.nan)) is None


@pytest.mark.parametrize("values", [INFANT, ADULT])
def test_signature_of_one_face_is_its_proportions(values: np.ndarray) -> None:
    faces = [with_proportions(values, k / 10) for k in range(4)]
    np.testing.assert_allclose(signature(faces), values, rtol=1e-6)
