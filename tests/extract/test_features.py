"""Extraction around a fake landmarker: table shape, roles, episodes, summary, notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate import columns as C
from annotate.config import FeatureConfig
from annotate.extract.features import extract_clip
from annotate.faces.landmarker import RawFace
from annotate.media.video import probe
from tests.helpers import ScriptedFaces, grey_frames, raw_face, write_video

FPS = 25.0


def schedule(frames: int, gap: range = range(0)) -> dict[int, list[RawFace]]:
    """A large face (left) every frame; a small one (right) except during `gap`."""
    plan = {}
    for k in range(frames):
        faces = [raw_face((0.25, 0.5), 0.3, yaw=35.0, smile=0.8)]
        if k not in gap:
            faces.append(raw_face((0.75, 0.5), 0.18, yaw=-35.0))
        plan[k] = faces
    return plan


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return write_video(tmp_path / "clip.mp4", grey_frames(100, 320, 240), FPS)


def test_a_clip_with_two_faces(clip: Path) -> None:
    fake = ScriptedFaces(schedule(100, gap=range(40, 60)), FPS)
    features = extract_clip(probe(clip), FeatureConfig(), lambda config: fake)
    table = features.table
    assert fake.closed
    assert len(table) == 2 * 40  # 40 sampled frames at 10/s, one row per track each
    roles = {a.role: a.track_id for a in features.roles.values()}
    assert roles == {"mother": 0, "infant": 1}
    infant = table[table[C.ROLE] == "infant"]
    assert (~infant[C.VISIBLE]).sum() == 8  # 0.8 s missing: rows kept, face columns empty
    assert infant[~infant[C.VISIBLE]][C.YAW].isna().all()
    kinds = {(e.kind, e.role) for e in features.episodes}
    assert ("mutual_gaze", "dyad") in kinds
    assert ("face_absent", "infant") in kinds
    assert ("smile", "mother") in kinds and ("smile", "infant") not in kinds
    assert features.summary.to_json()["roles"]["mother"]["smiling_share"] == 1.0
    assert features.summary.to_json()["roles"]["infant"]["visible_share"] == pytest.approx(
        0.8, abs=0.01
    )
    assert features.summary.to_json()["dyad"]["mutual_gaze"]["episodes"] == 2


def test_role_overrides_swap_the_roles(clip: Path) -> None:
    fake = ScriptedFaces(schedule(100), FPS)
    features = extract_clip(
        probe(clip), FeatureConfig(), lambda config: fake, role_overrides={0: "infant"}
    )
    assert features.roles[0].role == "infant" and features.roles[1].role == "mother"


def test_no_face_gives_an_empty_table_and_a_note(clip: Path) -> None:
    features = extract_clip(probe(clip), FeatureConfig(), lambda config: ScriptedFaces({}, FPS))
    assert features.table.empty
    assert list(features.table.columns[: len(C.FEATURE_COLUMNS)]) == list(C.FEATURE_COLUMNS)
    assert features.episodes == []
    assert any("no face found" in note for note in features.warnings)
    assert features.summary.to_json()["frames_analysed"] == 0


def test_every_frame_when_asked(clip: Path) -> None:
    fake = ScriptedFaces(schedule(100), FPS)
    features = extract_clip(probe(clip), FeatureConfig().with_overrides(fps="all"), lambda c: fake)
    assert features.table[C.FRAME].nunique() == 100
    assert features.sample_fps == pytest.approx(25.0, abs=0.01)
