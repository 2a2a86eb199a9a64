"""End to end with the real face landmarker on the sample clips, against their scripts."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotate import columns as C
from annotate.config import FeatureConfig
from annotate.extract.features import ClipFeatures, extract_clip, mediapipe_factory
from annotate.faces.geometry import pose_from_rotation
from annotate.faces.landmarker import FaceLandmarker
from annotate.media.video import iter_frames, probe
from annotate.samples.script import load_script
from tests.conftest import SAMPLES
from tests.helpers import interval_iou, write_video

pytestmark = pytest.mark.slow


def found(features: ClipFeatures, kind: str, role: str) -> list[tuple[float, float]]:
    return [(e.start_s, e.end_s) for e in features.episodes if e.kind == kind and e.role == role]


@pytest.mark.parametrize(
    ("kind", "role", "truth"),
    [
        ("mutual_gaze", "dyad", "mutual_gaze"),
        ("infant_gaze_aversion", "infant", "infant_gaze_aversion"),
        ("looking_at_partner", "mother", "looking_at_partner:mother"),
        ("looking_at_partner", "infant", "looking_at_partner:infant"),
    ],
)
def test_episodes_match_the_script(
    extracted: dict[str, ClipFeatures], kind: str, role: str, truth: str
) -> None:
    script = load_script(SAMPLES / "dyad_play.script.yaml")
    iou = interval_iou(found(extracted["dyad_play"], kind, role), script.truth_intervals(truth))
    assert iou >= 0.7, f"{kind}/{role}: IoU {iou:.2f} against the script"


def test_mutual_gaze_on_the_crossing_clip(extracted: dict[str, ClipFeatures]) -> None:
    script = load_script(SAMPLES / "dyad_cross.script.yaml")
    iou = interval_iou(
        found(extracted["dyad_cross"], "mutual_gaze", "dyad"), script.truth_intervals("mutual_gaze")
    )
    assert iou >= 0.7


def test_two_stable_tracks_with_the_right_roles(extracted: dict[str, ClipFeatures]) -> None:
    features = extracted["dyad_play"]
    table = features.table
    assert sorted(table[C.TRACK].unique()) == [0, 1]
    by_role = {a.role: a.track_id for a in features.roles.values()}
    mother = table[(table[C.ROLE] == "mother") & table[C.VISIBLE]]
    assert mother[C.X].median() < 0.4  # the script's mother sits on the left, larger
    infant = table[table[C.ROLE] == "infant"]
    assert set(infant[C.TRACK]) == {by_role["infant"]}
    # the infant leaves the frame and comes back as the same track
    assert not infant[(infant[C.T] > 10.3) & (infant[C.T] < 11.3)][C.VISIBLE].any()
    assert infant[infant[C.T] > 12.5][C.VISIBLE].all()


def test_every_track_has_a_row_in_every_sampled_frame(extracted: dict[str, ClipFeatures]) -> None:
    table = extracted["dyad_play"].table
    assert table.groupby(C.FRAME).size().eq(2).all()
    hidden = table[~table[C.VISIBLE]]
    assert hidden[list(C.FACE_VALUE_COLUMNS)].isna().all().all()
    assert set(C.FEATURE_COLUMNS) <= set(table.columns)


def test_yaw_sign_follows_the_script(extracted: dict[str, ClipFeatures]) -> None:
    script = load_script(SAMPLES / "dyad_play.script.yaml")
    table = extracted["dyad_play"].table
    agree = total = 0
    for row in table[table[C.VISIBLE]].itertuples():
        truth = script.pose(str(row.role), float(row.t))
        if abs(truth.yaw) > 20 and abs(truth.roll) < 30 and script.in_frame(str(row.role), row.t):
            total += 1
            agree += np.sign(row.yaw) == np.sign(truth.yaw)
    assert total > 100 and agree / total >= 0.95


def test_the_infant_lying_at_90_degrees_is_followed(extracted: dict[str, ClipFeatures]) -> None:
    table = extracted["dyad_play"].table
    lying = table[(table[C.ROLE] == "infant") & (table[C.T] > 14.5)]
    assert lying[C.VISIBLE].all()
    assert (lying[C.ROLL] > 60).all()
    assert (lying[C.LOOKING_AT] == "mother").mean() > 0.9


def test_crossing_paths_keep_track_ids(extracted: dict[str, ClipFeatures]) -> None:
    features = extracted["dyad_cross"]
    table = features.table
    assert table[C.TRACK].nunique() == 2
    mother = table[table[C.ROLE] == "mother"].sort_values(C.T)
    assert mother[C.X].iloc[:5].mean() < 0.3 and mother[C.X].iloc[-5:].mean() > 0.55
    assert mother[C.Y].max() < 0.5  # the mother moves along the top all the way


def test_a_mirrored_frame_flips_yaw_and_roll(face_model: Path) -> None:
    info = probe(SAMPLES / "dyad_play.mp4")
    frame = next(f for f in iter_frames(info, 5.0) if f.t >= 1.0)
    with FaceLandmarker(face_model, 2, video=False) as landmarker:
        original = sorted(landmarker.detect(frame.rgb), key=lambda f: f.landmarks[:, 0].mean())
        mirrored = sorted(
            landmarker.detect(np.ascontiguousarray(frame.rgb[:, ::-1])),
            key=lambda f: -f.landmarks[:, 0].mean(),
        )
    assert len(original) == len(mirrored) == 2
    for a, b in zip(original, mirrored, strict=True):
        pa, pb = pose_from_rotation(a.matrix), pose_from_rotation(b.matrix)
        assert abs(pa.yaw_deg) > 20
        assert pb.yaw_deg == pytest.approx(-pa.yaw_deg, abs=6)
        assert pb.roll_deg == pytest.approx(-pa.roll_deg, abs=4)
        assert pb.pitch_deg == pytest.approx(pa.pitch_deg, abs=6)  # kept, not flipped


def test_a_clip_turned_90_degrees(
    tmp_path: Path, face_model: Path, feature_config: FeatureConfig
) -> None:
    """A phone held sideways: every face lies at 90 degrees; gaze logic is unchanged."""
    info = probe(SAMPLES / "dyad_play.mp4")
    frames = [
        np.ascontiguousarray(np.rot90(f.rgb, -1)) for f in iter_frames(info, None) if f.t < 9.0
    ]
    turned = write_video(tmp_path / "turned.mp4", frames, info.fps)
    features = extract_clip(probe(turned), feature_config, mediapipe_factory(face_model))
    table = features.table
    assert table[C.TRACK].nunique() == 2
    visible = table[table[C.VISIBLE]]
    assert len(visible) / len(table) > 0.9
    assert (visible[C.ROLL].abs() > 60).mean() > 0.9
    script = load_script(SAMPLES / "dyad_play.script.yaml")
    truth = [(a, min(b, 9.0)) for a, b in script.truth_intervals("mutual_gaze") if a < 9.0]
    assert interval_iou(found(features, "mutual_gaze", "dyad"), truth) >= 0.7


def test_a_real_video_keeps_its_one_face(
    shared_fixtures: Path, face_model: Path, feature_config: FeatureConfig
) -> None:
    clip = shared_fixtures / "faces" / "WolfgangLanger_Pexels.mp4"
    features = extract_clip(
        probe(clip), feature_config.with_overrides(fps="5"), mediapipe_factory(face_model)
    )
    assert features.table[C.TRACK].nunique() == 1
    assert features.table[C.VISIBLE].mean() > 0.9
    assert any("only one face" in note for note in features.warnings)


def test_a_real_hevc_clip_with_a_cut_to_a_cartoon(
    shared_fixtures: Path, face_model: Path, feature_config: FeatureConfig
) -> None:
    """face_noface.mov: a face, then a cut to a cartoon with none (HEVC, variable rate)."""
    clip = shared_fixtures / "faces" / "face_noface.mov"
    features = extract_clip(probe(clip), feature_config, mediapipe_factory(face_model))
    table = features.table
    assert table[C.TRACK].nunique() == 1
    visible = table[table[C.VISIBLE]]
    assert visible[C.T].min() < 0.2 and visible[C.T].max() < 3.0  # the face, then none
    assert [e.kind for e in features.episodes if e.kind == "face_absent"] == ["face_absent"]
