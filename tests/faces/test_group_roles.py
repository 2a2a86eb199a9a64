"""Adults and infants among many faces: the size of an adult's face at each depth."""

from __future__ import annotations

import pytest

from annotate.faces.group_roles import GroupTrack, assign_group_roles, group_tracks, role_class
from annotate.faces.tracking import Track
from tests.helpers import observation


def room(infant_scale: float = 0.7) -> list[GroupTrack]:
    """Three rows receding into the room; each row's adults and infants (every other face)."""
    tracks = []
    for row, (y, adult) in enumerate([(200.0, 54.0), (400.0, 76.0), (620.0, 98.0)]):
        for k in range(6):
            size = adult * (infant_scale if k % 2 else 1.0) * (1.0 + 0.04 * ((k + row) % 3 - 1))
            tracks.append(GroupTrack(row * 6 + k, 50, size, y + 10 * (k % 2)))
    return tracks


def test_empty() -> None:
    assert assign_group_roles([]) == {}


def test_infants_are_told_from_adults_at_every_depth() -> None:
    roles = assign_group_roles(room())
    for track_id, assignment in roles.items():
        assert role_class(assignment.role) == ("infant" if track_id % 2 else "adult"), track_id
        assert assignment.source == "group_heuristic" and 0 <= assignment.confidence <= 1
    # a far adult is smaller than a near infant: size alone would get it wrong
    assert room()[0].median_face_px < room()[13].median_face_px
    assert [roles[k].role for k in (0, 1, 2, 3)] == [
        "adult_01",
        "infant_01",
        "adult_02",
        "infant_02",
    ]


def test_a_room_of_adults_has_no_infant() -> None:
    roles = assign_group_roles(room(infant_scale=1.0))
    assert {role_class(a.role) for a in roles.values()} == {"adult"}


@pytest.mark.parametrize(
    ("sizes", "classes"), [([100.0], ["adult"]), ([100.0, 68.0], ["adult", "infant"])]
)
def test_few_faces_compare_with_the_largest(sizes: list[float], classes: list[str]) -> None:
    tracks = [GroupTrack(k, 10, s, 300.0) for k, s in enumerate(sizes)]
    assert [role_class(r.role) for r in assign_group_roles(tracks).values()] == classes


def test_summaries_of_tracks_in_pixels() -> None:
    track = Track(3, [observation(0.1 * k, (0.5, 0.25), 0.1) for k in range(5)])
    (summary,) = group_tracks([track, Track(4)], (1280, 720))
    assert (summary.track_id, summary.frames_seen) == (3, 5)
    assert summary.median_face_px == pytest.approx(128.0) and summary.median_y_px == pytest.approx(
        180.0
    )


@pytest.mark.parametrize(
    ("role", "expected"), [("adult_03", "adult"), ("infant_12", "infant"), ("mother", "")]
)
def test_role_class(role: str, expected: str) -> None:
    assert role_class(role) == expected


def test_a_standing_facilitator_does_not_make_a_seated_adult_an_infant() -> None:
    # (median y, median face size) in pixels of the generated 8-pair session's tracks, as the
    # landmarker found them: a front row, a back row and the facilitator standing high up
    adults = [(608, 119.4), (617, 115.7), (617, 105.3), (204, 65.7), (201, 60.7), (204, 63.2)]
    adults += [(198, 59.9), (206, 58.6)]
    infants = [(633, 87.4), (632, 80.7), (627, 75.5), (204, 44.3), (213, 45.4), (216, 41.9)]
    infants += [(216, 47.0), (207, 44.4)]
    facilitator = (90, 71.7)
    faces = [*adults, facilitator, *infants]
    tracks = [GroupTrack(k, 8, size, y) for k, (y, size) in enumerate(faces)]
    classes = [role_class(r.role) for r in assign_group_roles(tracks).values()]
    assert classes == ["adult"] * (len(adults) + 1) + ["infant"] * len(infants)
    # the seated back-row adult at 58.6 px is clearly an adult, not on the threshold
    back = assign_group_roles(tracks)[7]
    assert back.confidence >= 0.3
