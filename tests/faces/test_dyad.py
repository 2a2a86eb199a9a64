"""Who looks at whom: gaze rays against boxes, mutual gaze."""

from __future__ import annotations

import dataclasses

import pytest

from annotate.config import GazeConfig
from annotate.faces.dyad import (
    UNKNOWN,
    GazeTarget,
    gaze_targets,
    looking_at,
    mutual_gaze,
    mutual_known,
    ray_hits_box,
)
from tests.helpers import observation

FRAME = (640, 360)
PARTNERS = {"mother": "infant", "infant": "mother"}


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


def test_the_partner_not_found_is_unknown_not_elsewhere() -> None:
    alone = {"infant": observation(0, (0.5, 0.5), 0.3, gaze=(0.7, 0.0))}
    found = gaze_targets(alone, FRAME, GazeConfig(), PARTNERS)
    assert found["infant"] == GazeTarget(UNKNOWN, 0.0, "partner not found")


def test_a_face_in_profile_is_unknown() -> None:
    pair = faces((0.6, 0.0), (-0.6, 0.0))
    pair["infant"] = dataclasses.replace(pair["infant"], yaw_deg=-75.0)
    found = gaze_targets(pair, FRAME, GazeConfig(), PARTNERS)
    assert found["infant"].target == UNKNOWN and found["mother"].target == "infant"
    assert mutual_known(found) == {"mother": None, "infant": None}


def test_looking_elsewhere_is_known_with_the_partner_in_view() -> None:
    found = gaze_targets(faces((0.0, 0.6), (-0.6, 0.0)), FRAME, GazeConfig(), PARTNERS)
    assert found["mother"].target is None and found["mother"].confidence > 0.5
    assert found["infant"].target == "mother"
    assert mutual_known(found) == {"mother": False, "infant": False}


def test_a_gaze_grazing_the_partners_edge_is_less_sure() -> None:
    square = faces((0.6, 0.0), (-0.6, 0.0))
    dead_on = gaze_targets(square, FRAME, GazeConfig(), PARTNERS)["mother"]
    # aimed at the top edge of the infant's grown box
    edge = dataclasses.replace(square["mother"], gaze_dx=0.6, gaze_dy=-0.088)
    grazing = gaze_targets({**square, "mother": edge}, FRAME, GazeConfig(), PARTNERS)["mother"]
    assert dead_on.target == grazing.target == "infant"
    assert grazing.confidence < 0.5 < dead_on.confidence


def test_gaze_targets_agree_with_looking_at() -> None:
    for mother_gaze, infant_gaze in [((0.6, 0.0), (-0.6, 0.0)), ((0.6, 0.0), (0.6, 0.0))]:
        pair = faces(mother_gaze, infant_gaze)
        plain = looking_at(pair, FRAME, GazeConfig())
        rich = gaze_targets(pair, FRAME, GazeConfig(), PARTNERS)
        assert {role: g.target for role, g in rich.items()} == plain
