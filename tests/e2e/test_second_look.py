"""The second look on real models: a face turned to profile on a render is found and keeps its
track, a head turned away gets no face and no gaze (head_only instead), and on the real clip
fd_video.mp4 the faces per frame match a person's count in a measured share of frames."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from annotate import columns as C
from annotate.app.features import _roles
from annotate.config import FeatureConfig
from annotate.extract.features import ClipFeatures, extract_clip, mediapipe_factory
from annotate.extract.overlay import draw_faces
from annotate.faces.finder import FaceFinder
from annotate.faces.landmarker import FaceLandmarker
from annotate.media.video import probe
from annotate.media.video_writer import H264Writer
from annotate.samples.yaw_sweep import HEIGHT, WIDTH, sweep_yaws, yaw_sweep

pytestmark = pytest.mark.slow

FPS = 10.0
SWEEP = sweep_yaws(90.0, 3.0)  # 0 -> +90 -> 0 -> -90 -> 0
TURN_AWAY = [float(y) for y in np.arange(6.0, 181.0, 6.0)] + [180.0] * 10


def every_frame(config: FeatureConfig) -> FeatureConfig:
    return replace(config, sampling=replace(config.sampling, fps=None))


@pytest.fixture(scope="module")
def turning_clip(tmp_path_factory: pytest.TempPathFactory, face_model: Path) -> Path:
    """The face sweeping to profile both sides, then turning its back to the camera."""
    path = tmp_path_factory.mktemp("turning") / "turning.mp4"
    with FaceLandmarker(face_model, 1, video=False) as still:
        frames = list(yaw_sweep(still.detect, SWEEP + TURN_AWAY, FPS))
    with H264Writer(path, WIDTH, HEIGHT, FPS, crf=18) as writer:
        for frame in frames:
            writer.write(frame.rgb)
    return path


@pytest.fixture(scope="module")
def turning(turning_clip: Path, face_model: Path, feature_config: FeatureConfig) -> ClipFeatures:
    return extract_clip(
        probe(turning_clip), every_frame(feature_config), mediapipe_factory(face_model)
    )


def rendered_yaw() -> np.ndarray:
    return np.array(SWEEP + TURN_AWAY)


def test_a_face_turned_to_profile_is_found_and_keeps_its_track(turning: ClipFeatures) -> None:
    table = turning.table
    sweep = table[table[C.FRAME] < len(SWEEP)]
    seen = sweep[sweep[C.VISIBLE]]
    yaw = rendered_yaw()[seen[C.FRAME].to_numpy()]
    # one track through the whole sweep, both sides
    assert seen[C.TRACK].nunique() == 1
    side = np.abs(rendered_yaw()[: len(SWEEP)])
    found = np.zeros(len(SWEEP), dtype=bool)
    found[seen[C.FRAME].to_numpy()] = True
    # measured (benchmarks/real_footage.py, the same sweep uncompressed): found in every frame
    # up to 75 degrees each side, and in 100% (toward the image's right) and 36% (left) of the
    # frames beyond 75; the floor below is for both sides together
    assert found[side <= 75].mean() == 1.0
    assert found[side > 75].mean() >= 0.4
    assert (np.abs(yaw) > 75).any()


def test_the_second_look_finds_what_the_landmarker_alone_misses(
    turning_clip: Path, face_model: Path, feature_config: FeatureConfig
) -> None:
    def whole_frame_only(config: FeatureConfig) -> FaceFinder:
        return FaceFinder(FaceLandmarker(face_model, 2, video=True), None, None, 2)

    alone = extract_clip(probe(turning_clip), every_frame(feature_config), whole_frame_only).table
    side = np.abs(rendered_yaw())
    far = [int(f) for f in np.flatnonzero((side >= 45) & (side <= 90))]
    found_alone = alone[alone[C.VISIBLE] & alone[C.FRAME].isin(far)][C.FRAME].nunique()
    assert found_alone < 0.75 * len(far)  # measured: about half


def test_a_head_turned_away_has_no_face_and_no_gaze_arrow(turning: ClipFeatures) -> None:
    table = turning.table
    back = [len(SWEEP) + k for k, yaw in enumerate(TURN_AWAY) if yaw >= 120]
    rows = table[table[C.FRAME].isin(back)]
    assert not rows[C.VISIBLE].any()
    assert rows[[C.YAW, C.GAZE_DX, C.GAZE_DY]].isna().all().all()
    # the person is there without a readable face, within the tracker's dropout (2 s)
    lost_at = table[table[C.VISIBLE]][C.T].max()
    recent = rows[rows[C.T] <= lost_at + turning.config.tracking.max_dropout_s]
    assert len(recent) and recent.groupby(C.FRAME)[C.HEAD_ONLY].any().all()
    # the overlay draws nothing on those frames, the coders' tool gets no face for them
    for frame in back[:5]:
        canvas = np.zeros((HEIGHT, WIDTH, 3), dtype=np.uint8)
        draw_faces(canvas, table[table[C.FRAME] == frame])
        assert not canvas.any()
    for entry in _roles(table, np.array(back)):
        assert not any(entry["visible"])


def person_count(shared_fixtures: Path) -> np.ndarray:
    with (shared_fixtures / "real" / "test_video_manual_annotation.csv").open() as handle:
        return np.array([int(v) for v in list(csv.reader(handle))[1]])


def test_faces_per_frame_match_a_persons_count_on_real_footage(
    shared_fixtures: Path, face_model: Path, feature_config: FeatureConfig
) -> None:
    clip = shared_fixtures / "real" / "fd_video.mp4"
    table = extract_clip(
        probe(clip), every_frame(feature_config), mediapipe_factory(face_model)
    ).table
    counted = person_count(shared_fixtures)
    found = (
        table[table[C.VISIBLE]]
        .groupby(C.FRAME)
        .size()
        .reindex(range(len(counted)), fill_value=0)
        .to_numpy()
    )
    # measured: 91.3% with the second look (90.2% without), precision of the count 98%
    assert np.mean(found == counted) >= 0.88
    assert np.minimum(found, counted).sum() / max(found.sum(), 1) >= 0.95
    # the infant turning its back to the camera (frames 84-85, counted 0): no face is drawn
    assert found[84] == 0 and found[85] == 0
    infant_back = table[table[C.FRAME].isin([84, 85])]
    assert infant_back[C.HEAD_ONLY].any()
    assert isinstance(infant_back, pd.DataFrame)
