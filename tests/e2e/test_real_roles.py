"""Who is who on real footage, with the real landmarker: a lone infant is the infant, in one
track; a lone adult is not; where the partner is not found, looking-at is unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate import columns as C
from annotate.config import FeatureConfig
from annotate.extract.features import ClipFeatures, extract_clip, mediapipe_factory
from annotate.media.video import probe

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def infant_on_shoulder(
    shared_fixtures: Path, face_model: Path, feature_config: FeatureConfig
) -> ClipFeatures:
    clip = shared_fixtures / "real" / "fd_video.mp4"
    return extract_clip(
        probe(clip), feature_config.with_overrides(fps="all"), mediapipe_factory(face_model)
    )


def test_the_real_infant_is_the_infant_in_one_track(infant_on_shoulder: ClipFeatures) -> None:
    table = infant_on_shoulder.table
    visible = table[table[C.VISIBLE]]
    assert len(visible) >= 100  # the finder finds the infant in most of the 173 frames
    called_infant = visible[visible[C.ROLE] == "infant"]
    assert len(called_infant) / len(visible) >= 0.95
    assert called_infant[C.TRACK].nunique() == 1
    infant = next(a for a in infant_on_shoulder.roles.values() if a.role == "infant")
    assert infant.source == "heuristic" and infant.confidence > 0.5
    assert any("infant's" in reason for reason in infant.reasons)


def test_where_the_partner_is_not_found_looking_at_is_unknown(
    infant_on_shoulder: ClipFeatures,
) -> None:
    table = infant_on_shoulder.table
    infant = table[table[C.ROLE] == "infant"]
    assert (infant[C.LOOKING_AT] == C.GAZE_UNKNOWN_VALUE).all()
    assert (infant[C.LOOKING_AT_CONFIDENCE] == 0).all()
    figures = infant_on_shoulder.summary.to_json()["roles"]["infant"]
    assert figures["gaze_unknown_share"] == 1.0 and figures["looking_elsewhere_share"] == 0.0


def test_a_lone_adult_is_not_called_infant(
    shared_fixtures: Path, face_model: Path, feature_config: FeatureConfig
) -> None:
    clip = shared_fixtures / "faces" / "single_face.mp4"
    features = extract_clip(
        probe(clip), feature_config.with_overrides(fps="all"), mediapipe_factory(face_model)
    )
    roles = {a.role for a in features.roles.values()}
    assert roles == {"mother"}
    assert next(iter(features.roles.values())).confidence > 0.5


def test_the_mother_looking_where_the_infant_left_is_unknown(
    extracted: dict[str, ClipFeatures],
) -> None:
    table = extracted["dyad_play"].table
    mother = table[table[C.ROLE] == "mother"]
    gone = mother[(mother[C.T] > 10.4) & (mother[C.T] < 11.2)]  # the infant is out of frame
    assert gone[C.VISIBLE].all()
    assert (gone[C.LOOKING_AT] == C.GAZE_UNKNOWN_VALUE).mean() > 0.8
    both = mother[mother[C.T] < 3.0]  # mutual gaze: both found, the mother looks at the infant
    assert (both[C.LOOKING_AT] == "infant").mean() > 0.9
    assert both[C.LOOKING_AT_CONFIDENCE].median() > 0.5


def test_the_sample_clips_say_the_infant_looks_adult(extracted: dict[str, ClipFeatures]) -> None:
    # the renders' infant is the adult photograph, smaller: its role comes from size, and says so
    infant = next(a for a in extracted["dyad_play"].roles.values() if a.role == "infant")
    assert any("looks adult" in reason for reason in infant.reasons)
