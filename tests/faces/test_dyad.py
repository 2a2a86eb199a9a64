"""Who looks at whom: gaze rays against boxes, mutual gaze."""

from __future__ import annotations

import pytest

from annotate.config import GazeConfig
from annotate.faces.dyad import looking_at, mutual_gaze, ray_hits_box
from tests.helpers import observation

FRAME = (640, 360)


@pytest.mark.parametrize(
    ("origin", "direction", "hit"),
    [
        ((0, 5), (1, 0), True),
        ((0, 5), (-1, 0), False),
        ((0, 0), (1, 0), False),
        ((0, 0), (1, 0.5), True),
        ((0, 0), (1, 1), False),
        ((15, 5), (0, 1), True),
        ((5, 5), (1, 0), True),
    ],
)
def test_ray_against_box(
    origin: tuple[float, float], direction: tuple[float, float], hit: bool
) -> None:
    assert (ray_hits_box(origin, direction, (10, 2, 10, 6)) is not None) == hit


def faces(mother_gaze: tuple[float, float], infant_gaze: tuple[float, float]) -> dict:
    return {
        "mother": observation(0, (0.25, 0.5), 0.25, gaze=mother_gaze),
        "infant": observation(0, (0.75, 0.5), 0.15, gaze=infant_gaze),
    }


@pytest.mark.parametrize(
    ("mother_gaze", "infant_gaze", "targets", "mutual"),
    [
        ((0.6, 0.0), (-0.6, 0.0), {"mother": "infant", "infant": "mother"}, True),
        ((0.6, 0.0), (0.6, 0.0), {"mother": "infant", "infant": None}, False),
        ((0.05, 0.05), (-0.6, 0.05), {"mother": None, "infant": "mother"}, False),
        ((0.0, 0.6), (-0.6, 0.0), {"mother": None, "infant": "mother"}, False),
    ],
)
def test_looking_at_and_mutual_gaze(
    mother_gaze: tuple[float, float], infant_gaze: tuple[float, float], targets: dict, mutual: bool
) -> None:
    found = looking_at(faces(mother_gaze, infant_gaze), FRAME, GazeConfig())
    assert found == targets
    assert mutual_gaze(found) == {"mother": mutual, "infant": mutual}


def test_one_face_looks_at_no_one() -> None:
    alone = {"mother": observation(0, (0.5, 0.5), 0.3, gaze=(0.7, 0.0))}
    assert looking_at(alone, FRAME, GazeConfig()) == {"mother": None}
