"""Tracking: ids survive short dropouts, crossing paths and a face that leaves and returns."""

from __future__ import annotations

from annotate.config import TrackingConfig
from annotate.faces.tracking import FaceTracker, real_tracks
from tests.helpers import observation

FRAME = (640, 360)


def run(
    tracker: FaceTracker, frames: list[list[tuple[float, float, float]]], fps: float = 10
) -> list[list[int]]:
    """Feed frames of (x, y, size) faces; return each frame's ids."""
    ids = []
    for k, faces in enumerate(frames):
        obs = [observation(k / fps, (x, y), s, frame=k) for x, y, s in faces]
        ids.append(tracker.update(obs))
    return ids


def test_no_faces_no_tracks() -> None:
    tracker = FaceTracker(TrackingConfig(), 2, FRAME)
    assert run(tracker, [[], [], []]) == [[], [], []]
    assert real_tracks(tracker.tracks, tracker.config.min_track_s) == []


def test_crossing_paths_keep_each_face_its_id() -> None:
    tracker = FaceTracker(TrackingConfig(), 2, FRAME)
    frames = []
    for k in range(60):  # a large face moves right while a small one moves left, same height
        a = 0.1 + 0.8 * k / 59
        b = 0.9 - 0.8 * k / 59
        frames.append([(a, 0.5, 0.25), (b, 0.52, 0.15)])
    ids = run(tracker, frames)
    assert all(frame_ids == [0, 1] for frame_ids in ids)


def test_a_short_dropout_keeps_the_id() -> None:
    tracker = FaceTracker(TrackingConfig(max_dropout_s=2.0), 3, FRAME)
    frames = [[(0.3, 0.5, 0.2)]] * 10 + [[]] * 15 + [[(0.32, 0.5, 0.2)]] * 10
    ids = run(tracker, frames)
    assert ids[0] == ids[-1] == [0]
    assert len(real_tracks(tracker.tracks, tracker.config.min_track_s)) == 1


def test_a_long_absence_without_reidentification_opens_a_new_track() -> None:
    tracker = FaceTracker(TrackingConfig(max_dropout_s=1.0, reidentify=False), 2, FRAME)
    frames = [[(0.3, 0.5, 0.2)]] * 10 + [[]] * 30 + [[(0.3, 0.5, 0.2)]] * 10
    ids = run(tracker, frames)
    assert ids[0] == [0] and ids[-1] == [1]


def test_a_returning_face_takes_back_the_track_of_its_size() -> None:
    tracker = FaceTracker(TrackingConfig(max_dropout_s=1.0), 2, FRAME)
    both = [(0.25, 0.5, 0.25), (0.75, 0.5, 0.15)]
    frames = [both] * 10 + [[both[0]]] * 40 + [[both[0], (0.6, 0.6, 0.16)]] * 10
    ids = run(tracker, frames)
    assert ids[0] == [0, 1]
    assert ids[-1] == [0, 1]  # the small face came back elsewhere, after 4 s, and is track 1


def test_spurious_short_tracks_are_dropped_and_ids_renumbered() -> None:
    tracker = FaceTracker(TrackingConfig(min_track_s=0.5), 3, FRAME)
    frames = [[(0.9, 0.1, 0.1)]] * 2 + [[(0.3, 0.5, 0.2)]] * 20
    run(tracker, frames)
    kept = real_tracks(tracker.tracks, tracker.config.min_track_s)
    assert [t.track_id for t in kept] == [0]
    assert kept[0].observations[0].box_xywh_norm[2] == 0.2


def test_expected_faces_are_the_open_tracks_last_boxes() -> None:
    tracker = FaceTracker(TrackingConfig(max_dropout_s=1.0), 2, FRAME)
    run(tracker, [[(0.3, 0.5, 0.2)]] * 5)
    assert len(tracker.expected_faces(0.6)) == 1
    assert tracker.expected_faces(2.0) == []
