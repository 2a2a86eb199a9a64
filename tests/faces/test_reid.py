"""One person, one track: a face found twice in a frame, re-identification after a dropout, and
broken tracks joined by geometry and the face's proportions."""

from __future__ import annotations

import dataclasses

import numpy as np

from annotate.config import TrackingConfig
from annotate.faces.observation import FaceObservation
from annotate.faces.reid import join_tracks
from annotate.faces.tracking import FaceTracker, Track, real_tracks
from tests.faces.test_face_evidence import ADULT, INFANT
from tests.helpers import observation

FRAME = (640, 480)


def face(t: float, centre: tuple[float, float], size: float, shape: np.ndarray) -> FaceObservation:
    return dataclasses.replace(
        observation(t, centre, size, frame=round(t * 10)), proportions=shape.copy()
    )


def piece(track_id: int, start: float, end: float, centre, size, shape) -> Track:
    track = Track(track_id)
    for k in range(round(start * 10), round(end * 10)):
        track.add(face(k / 10, centre, size, shape), FRAME)
    return track


def test_a_face_found_twice_in_a_frame_is_one_face() -> None:
    tracker = FaceTracker(TrackingConfig(), 2, FRAME)
    for k in range(20):
        faces = [face(k / 10, (0.5, 0.5), 0.25, INFANT)]
        if k == 10:  # a second, overlapping fit of the same infant
            faces.append(face(k / 10, (0.51, 0.49), 0.28, INFANT))
        ids = tracker.update(faces)
        assert ids[0] == 0
        if k == 10:
            assert ids == [0, None]
    assert len(tracker.tracks) == 1


def test_a_returning_face_of_another_person_does_not_take_back_a_closed_track() -> None:
    tracker = FaceTracker(TrackingConfig(), 2, FRAME)
    for k in range(30):  # an infant and a mother, then both gone for 3 s
        tracker.update(
            [face(k / 10, (0.3, 0.5), 0.22, INFANT), face(k / 10, (0.7, 0.5), 0.25, ADULT)]
        )
    # an adult of the infant's size where the infant was: not the infant by its proportions
    ids = tracker.update([face(6.0, (0.3, 0.5), 0.22, ADULT)])
    assert ids == [1]  # the mother's track, of similar size, takes it back


def test_a_poor_fit_for_a_few_frames_joins_back() -> None:
    # the infant, with a second track for two frames while its head turns (taking turns)
    main = piece(0, 0.0, 4.0, (0.4, 0.5), 0.25, INFANT)
    main.observations = [o for o in main.observations if o.frame not in (21, 23)]
    turned = Track(1)
    for k in (21, 23):
        turned.add(face(k / 10, (0.42, 0.48), 0.3, INFANT), FRAME)
    for k in range(41, 60):  # and it goes on in the second track after the first ends
        turned.add(face(k / 10, (0.45, 0.5), 0.26, INFANT), FRAME)
    joined = join_tracks([main, turned], TrackingConfig(), FRAME)
    assert len(joined) == 1
    frames = [o.frame for o in joined[0].observations]
    assert frames == sorted(frames) and len(frames) == 40 - 2 + 2 + 19


def test_two_faces_seen_in_turns_for_long_stay_two() -> None:
    a, b = Track(0), Track(1)
    for k in range(60):  # found alternately, one frame each, far apart
        if k % 2:
            a.add(face(k / 10, (0.2, 0.5), 0.25, INFANT), FRAME)
        else:
            b.add(face(k / 10, (0.8, 0.5), 0.25, INFANT), FRAME)
    assert len(join_tracks([a, b], TrackingConfig(), FRAME)) == 2


def test_an_infant_broken_in_two_by_a_jump_becomes_one_track() -> None:
    before = piece(0, 0.0, 2.0, (0.3, 0.5), 0.25, INFANT)
    after = piece(1, 2.3, 5.0, (0.75, 0.4), 0.27, INFANT)  # far from where it was
    joined = join_tracks([before, after], TrackingConfig(), FRAME)
    assert len(joined) == 1
    times = [o.t for o in joined[0].observations]
    assert times == sorted(times) and len(times) == 20 + 27


def test_an_adult_after_an_infant_is_not_joined_to_it() -> None:
    infant = piece(0, 0.0, 2.0, (0.3, 0.5), 0.25, INFANT)
    adult = piece(1, 2.3, 5.0, (0.3, 0.5), 0.25, ADULT)  # same place and size, another face
    assert len(join_tracks([infant, adult], TrackingConfig(), FRAME)) == 2


def test_faces_seen_together_are_never_joined() -> None:
    a = piece(0, 0.0, 3.0, (0.3, 0.5), 0.25, INFANT)
    b = piece(1, 1.0, 4.0, (0.7, 0.5), 0.25, INFANT)
    assert len(join_tracks([a, b], TrackingConfig(), FRAME)) == 2


def test_a_far_return_needs_a_close_size() -> None:
    unreadable = np.full(len(INFANT), np.nan, dtype=np.float32)
    a = piece(0, 0.0, 2.0, (0.2, 0.5), 0.30, unreadable)
    b = piece(1, 8.0, 10.0, (0.8, 0.5), 0.20, unreadable)  # 1.5 times smaller, 8 s later
    c = piece(2, 12.0, 14.0, (0.5, 0.5), 0.29, unreadable)
    joined = real_tracks(join_tracks([a, b, c], TrackingConfig(), FRAME), 0.3)
    assert [len(tr.observations) for tr in joined] == [40, 20]


def test_joining_is_off_without_reidentification() -> None:
    before = piece(0, 0.0, 2.0, (0.3, 0.5), 0.25, INFANT)
    after = piece(1, 2.3, 5.0, (0.75, 0.4), 0.27, INFANT)
    config = TrackingConfig(reidentify=False)
    assert len(join_tracks([before, after], config, FRAME)) == 2
