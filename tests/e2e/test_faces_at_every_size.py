"""Faces of every size: tiles find small faces, crops follow them, no duplicates; a real group
photograph; chunked extraction agrees with unchunked."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from annotate import columns as C
from annotate.config import FeatureConfig, SearchConfig
from annotate.extract.chunks import MediapipeFactory, extract_clip_parallel
from annotate.extract.features import ClipFeatures, extract_clip, mediapipe_factory
from annotate.faces.finder import FaceFinder
from annotate.faces.landmarker import FaceLandmarker
from annotate.media.video import probe
from annotate.samples.face_mesh import astronaut_mesh
from annotate.samples.make import make_clip
from annotate.samples.presets import FACE_SIZES_PX, faces_at_every_size
from tests.conftest import SAMPLES

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def sizes_clip(tmp_path_factory: pytest.TempPathFactory, face_model: Path) -> Path:
    folder = tmp_path_factory.mktemp("sizes")
    with FaceLandmarker(face_model, 1, video=False) as still:
        video, _ = make_clip(
            faces_at_every_size(3.0), astronaut_mesh(still.detect), folder, detect=still.detect
        )
    return video


@pytest.fixture(scope="module")
def sizes_features(
    sizes_clip: Path, face_model: Path, feature_config: FeatureConfig
) -> ClipFeatures:
    config = feature_config.with_overrides(max_faces=len(FACE_SIZES_PX))
    return extract_clip(probe(sizes_clip), config, mediapipe_factory(face_model))


@pytest.mark.parametrize("width_px", FACE_SIZES_PX)
def test_each_face_size_is_found_in_nearly_every_frame(
    sizes_features: ClipFeatures, width_px: int
) -> None:
    script = faces_at_every_size(3.0)
    role = f"face_{width_px}px"
    table = sizes_features.table
    visible = table[table[C.VISIBLE]]
    times = np.sort(table[C.T].unique())
    hits = 0
    for t in times:
        pose = script.pose(role, float(t))
        rows = visible[np.isclose(visible[C.T], t)]
        cx = (rows[C.X] + rows[C.W] / 2) * script.width
        cy = (rows[C.Y] + rows[C.H] / 2) * script.height
        hits += bool(
            (np.hypot(cx - pose.centre_px[0], cy - pose.centre_px[1]) < 0.5 * pose.width_px).any()
        )
    assert hits / len(times) >= 0.95


def test_no_duplicate_tracks_where_tiles_overlap(sizes_features: ClipFeatures) -> None:
    table = sizes_features.table
    assert table[C.TRACK].nunique() == len(FACE_SIZES_PX)
    visible = table[table[C.VISIBLE]]
    for _, frame in visible.groupby(C.FRAME):
        centres = np.stack([frame[C.X] + frame[C.W] / 2, frame[C.Y] + frame[C.H] / 2], axis=1)
        gaps = np.linalg.norm(centres[:, None] - centres[None], axis=2)
        np.fill_diagonal(gaps, 1.0)
        assert gaps.min() > 0.03  # no two tracks on one face


def test_the_group_photograph_gives_five_faces(shared_fixtures: Path, face_model: Path) -> None:
    photo = cv2.imread(str(shared_fixtures / "faces" / "multi_face.jpg"))[:, :, ::-1].copy()
    with (
        FaceLandmarker(face_model, 10, video=False) as whole,
        FaceLandmarker(face_model, 10, video=False) as searcher,
    ):
        assert len(whole.detect(photo)) < 5  # the whole frame alone misses some
        finder = FaceFinder(whole, None, searcher, 10, SearchConfig())
        assert len(finder.find(photo, 0.0, [])) == 5


def test_chunked_and_unchunked_give_the_same_episodes(
    extracted: dict[str, ClipFeatures], face_model: Path, feature_config: FeatureConfig
) -> None:
    whole = extracted["dyad_play"]
    chunked = extract_clip_parallel(
        probe(SAMPLES / "dyad_play.mp4"),
        feature_config,
        MediapipeFactory(face_model),
        workers=2,
        min_chunk_s=5.0,
    )
    assert chunked.table[C.TRACK].nunique() == whole.table[C.TRACK].nunique() == 2
    assert len(chunked.table) == len(whole.table)
    step = 1.0 / feature_config.sampling.fps  # type: ignore[operator]
    a = sorted((e.kind, e.role, e.start_s, e.end_s) for e in whole.episodes)
    b = sorted((e.kind, e.role, e.start_s, e.end_s) for e in chunked.episodes)
    assert [x[:2] for x in a] == [x[:2] for x in b]
    for x, y in zip(a, b, strict=True):
        assert abs(x[2] - y[2]) <= step + 1e-6 and abs(x[3] - y[3]) <= step + 1e-6
