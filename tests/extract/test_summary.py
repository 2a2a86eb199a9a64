"""summary.json through one typed record: written as before, read back the same, and a
malformed file refused in one line naming it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.errors import OutputError
from annotate.extract.summary import ClipSummary

ROLE = {
    "track": 0,
    "role_confidence": 0.82,
    "role_source": "heuristic",
    "visible_share": 0.95,
    "looking_at_partner_share": None,
    "looking_elsewhere_share": 0.6,
    "gaze_unknown_share": 0.4,
    "smiling_share": 0.1,
    "mean_abs_yaw_deg": 12.5,
    "face_absent": {"episodes": 1, "longest_s": 0.5, "total_s": 0.5},
    "gaze_unknown": {"episodes": 2, "longest_s": 1.0, "total_s": 1.5},
}
EPISODES = {"episodes": 3, "longest_s": 2.0, "total_s": 4.0}
DOCUMENT = {
    "clip": "dyad_play",
    "video_sha256": "ab" * 32,
    "duration_s": 12.0,
    "sample_fps": 10.0,
    "frames_analysed": 120,
    "roles": {"mother": ROLE, "infant": {**ROLE, "track": 1}},
    "analysed_s": 12.0,
    "dyad": {
        "mutual_gaze_share": 0.3,
        "no_mutual_gaze_share": 0.5,
        "mutual_gaze_unknown_share": 0.2,
        "gaze_unknown": EPISODES,
        "mutual_gaze": EPISODES,
        "infant_gaze_aversion": EPISODES,
    },
    "vocal": {"sound": "none"},
}


def test_a_summary_reads_back_into_the_same_document(tmp_path: Path) -> None:
    path = tmp_path / "summary.json"
    path.write_text(json.dumps(DOCUMENT))
    summary = ClipSummary.from_json(path)
    assert summary.roles["infant"].track == 1 and summary.dyad is not None
    assert summary.dyad.mutual_gaze.episodes == 3
    assert json.dumps(summary.to_json()) == json.dumps(DOCUMENT)  # same keys, same order


def test_a_clip_without_faces_keeps_its_three_keys() -> None:
    document = {"sample_fps": 10.0, "frames_analysed": 0, "roles": {}}
    assert ClipSummary.from_dict(document).to_json() == document


def test_missing_figures_are_none() -> None:
    summary = ClipSummary.from_dict({"roles": {"mother": {"visible_share": 1}}})
    assert summary.roles["mother"].visible_share == 1.0
    assert summary.roles["mother"].smiling_share is None and summary.dyad is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{half", "cannot be read as a clip summary"),
        ("[1, 2]", "not a JSON object"),
        ('{"roles": []}', "roles is not an object"),
        ('{"roles": {"mother": 3}}', "role 'mother' is not an object"),
        ('{"sample_fps": "ten"}', "sample_fps is not a number"),
        ('{"dyad": {"mutual_gaze": {"episodes": 1.5}}}', "episodes is not a whole number"),
    ],
)
def test_a_malformed_summary_is_refused_in_one_line(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "summary.json"
    path.write_text(text)
    with pytest.raises(OutputError, match=message) as caught:
        ClipSummary.from_json(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
