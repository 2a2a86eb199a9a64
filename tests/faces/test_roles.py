"""Roles: the size heuristic, its confidence, and the coder's overrides."""

from __future__ import annotations

import pytest

from annotate.errors import ConfigError
from annotate.faces.face_evidence import FaceEvidence
from annotate.faces.roles import (
    TrackSummary,
    apply_overrides,
    assign_roles,
    parse_role_overrides,
)


def test_no_tracks_no_roles() -> None:
    assert assign_roles([]) == {}


def test_one_track_is_a_guess() -> None:
    roles = assign_roles([TrackSummary(0, 50, 120.0)])
    assert roles[0].role == "mother" and roles[0].confidence == 0.0


@pytest.mark.parametrize(
    ("sizes", "mother", "confidence"),
    [
        ((150.0, 100.0), 0, 0.762),  # size alone: 2 log-odds at a ratio of 1.5
        ((100.0, 150.0), 1, 0.762),
        ((120.0, 100.0), 0, 0.422),
        ((100.0, 100.0), 0, 0.0),
    ],
)
def test_without_face_evidence_the_larger_face_is_the_mother(
    sizes: tuple[float, float], mother: int, confidence: float
) -> None:
    roles = assign_roles([TrackSummary(0, 100, sizes[0]), TrackSummary(1, 100, sizes[1])])
    assert roles[mother].role == "mother"
    assert roles[1 - mother].role == "infant"
    assert roles[mother].confidence == pytest.approx(confidence, abs=1e-3)


def test_further_tracks_are_adults_by_presence() -> None:
    roles = assign_roles(
        [
            TrackSummary(0, 5, 200.0),
            TrackSummary(1, 100, 150.0),
            TrackSummary(2, 90, 90.0),
            TrackSummary(3, 7, 140.0),
        ]
    )
    assert [roles[k].role for k in range(4)] == ["adult_2", "mother", "infant", "adult_3"]


def test_overrides_swap_roles_with_full_confidence() -> None:
    roles = assign_roles([TrackSummary(0, 100, 150.0), TrackSummary(1, 100, 100.0)])
    swapped = apply_overrides(roles, parse_role_overrides("track0=infant"))
    assert swapped[0].role == "infant" and swapped[0].confidence == 1.0
    assert swapped[1].role == "mother"


@pytest.mark.parametrize("text", ["track0", "0=infant", "track0=Infant", "trackx=mother"])
def test_malformed_overrides_are_refused(text: str) -> None:
    with pytest.raises(ConfigError, match="trackN=role"):
        parse_role_overrides(text)


def test_an_override_for_a_missing_track_names_the_known_ones() -> None:
    roles = assign_roles([TrackSummary(0, 100, 150.0), TrackSummary(1, 100, 100.0)])
    with pytest.raises(ConfigError, match=r"track5.*tracks: track0, track1"):
        apply_overrides(roles, {5: "infant"})


def evidence(logit: float) -> FaceEvidence:
    return FaceEvidence(40, logit / 3.0, logit, {"mouth_width": 0.4})


def test_a_lone_face_that_looks_like_an_infant_is_the_infant() -> None:
    roles = assign_roles([TrackSummary(0, 50, 140.0, evidence(2.4))])
    assert roles[0].role == "infant" and roles[0].confidence > 0.8
    assert any("infant's" in reason for reason in roles[0].reasons)
    assert roles[0].evidence["infant_logit"] == 2.4


def test_a_lone_adult_face_is_the_mother() -> None:
    roles = assign_roles([TrackSummary(0, 50, 190.0, evidence(-4.7))])
    assert roles[0].role == "mother" and roles[0].confidence > 0.9


def test_the_face_outweighs_size_an_infant_held_near_the_camera() -> None:
    near_infant = TrackSummary(0, 100, 180.0, evidence(2.3))
    far_mother = TrackSummary(1, 100, 130.0, evidence(-4.0))
    roles = assign_roles([near_infant, far_mother])
    assert roles[0].role == "infant" and roles[1].role == "mother"
    assert roles[0].confidence > 0.9


def test_two_adult_looking_faces_fall_back_on_size_and_say_so() -> None:
    roles = assign_roles(
        [TrackSummary(0, 100, 180.0, evidence(-4.0)), TrackSummary(1, 100, 120.0, evidence(-4.0))]
    )
    assert roles[1].role == "infant"
    assert any("looks adult" in reason for reason in roles[1].reasons)


def test_an_override_keeps_the_heuristics_reasons() -> None:
    roles = assign_roles([TrackSummary(0, 50, 140.0, evidence(2.4))])
    overridden = apply_overrides(roles, {0: "mother"})
    assert (
        overridden[0].source == "override" and overridden[0].reasons[0] == "--roles track0=mother"
    )
    assert len(overridden[0].reasons) > 1
