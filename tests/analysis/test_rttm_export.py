"""The automatic vocal episodes as RTTM with VTC's labels, read back by the RTTM reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotate.analysis.rttm_export import export_vocal_rttm
from annotate.errors import InterchangeError
from annotate.faces.episodes import episode_table
from annotate.interchange.rttm import VTC_ROLES, read_rttm
from annotate.interchange.rttm_vocal import ROLE_LABELS, vocal_rttm_data
from annotate.timeline.episodes import Episode

from .builders import run

EPISODES = [
    Episode("vocalisation", "mother", 0.5, 2.25, 12, 55),
    Episode("vocalisation", "infant", 2.0, 3.5, 50, 87),  # overlaps the mother's end
    Episode("vocal_response", "infant", 2.25, 2.25, 56, 56, 0.0),
    Episode("cry", "infant", 6.0, 8.0, 150, 199),
    Episode("overlap", "dyad", 2.0, 2.25, 50, 55),
    Episode("vocalisation", "other_adult", 9.0, 10.5, 225, 262),
    Episode("vocalisation", "unknown", 11.0, 11.4, 275, 284),
    Episode("singing_hint", "mother", 12.0, 17.5, 300, 437),
    Episode("vocalisation", "mother", 12.0, 17.5, 300, 437),
    Episode("mutual_gaze", "dyad", 0.0, 4.0, 0, 99),  # a face episode: not a voice
]


def _folder(tmp_path: Path, sound: str = "read") -> Path:
    folder = tmp_path / "clip one"
    folder.mkdir(parents=True)
    episode_table("clip one", EPISODES).to_csv(folder / "episodes.csv", index=False)
    (folder / "summary.json").write_text(json.dumps({"vocal": {"sound": sound}}))
    return folder


def test_roles_get_vtc_labels_that_read_back_to_the_same_roles() -> None:
    for role, label in ROLE_LABELS.items():
        assert VTC_ROLES[label] == role


def test_the_vocal_episodes_round_trip_through_the_reader(tmp_path: Path) -> None:
    done = export_vocal_rttm(_folder(tmp_path), tmp_path / "voices.rttm")
    assert done.file_id == "clip_one"  # white space cannot be an RTTM field
    back = read_rttm(done.path)
    spans = sorted((a.tier, a.start_s, a.end_s) for a in back.annotations)
    assert spans == sorted(
        [
            ("FEM", 0.5, 2.25),
            ("KCHI", 2.0, 3.5),
            ("KCHI", 6.0, 8.0),  # the cry: the key child's voice
            ("MAL", 9.0, 10.5),
            ("FEM", 12.0, 17.5),
            ("SPEECH", 0.5, 3.5),  # anyone's voice, overlaps merged
            ("SPEECH", 6.0, 8.0),
            ("SPEECH", 9.0, 10.5),
            ("SPEECH", 11.0, 11.4),  # the unknown voice is only speech
            ("SPEECH", 12.0, 17.5),
        ]
    )
    assert {a.attr("part") for a in back.annotations} == {"clip_one"}
    roles = {t.name: t.role for t in back.scheme.tiers}
    assert roles == {"FEM": "mother", "KCHI": "infant", "MAL": "other_adult", "SPEECH": ""}
    assert done.lines == {"FEM": 2, "KCHI": 2, "MAL": 1, "SPEECH": 5}


def test_the_same_records_are_built_in_memory() -> None:
    data = vocal_rttm_data(EPISODES, "c")
    assert all(a.coder == "annotate" and a.code == "vocalisation" for a in data.annotations)
    assert [a.start_s for a in data.annotations] == sorted(a.start_s for a in data.annotations)


def test_the_command_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    folder, out = _folder(tmp_path), tmp_path / "v.rttm"
    first = run("export", "rttm", folder, "--out", out, "--file-id", "rec7")
    assert first.exit_code == 0, first.error
    assert "rec7: FEM 2, KCHI 2, MAL 1, SPEECH 5" in first.stdout
    assert out.read_text().startswith("SPEAKER rec7 1 0.5 1.75 <NA> <NA> FEM")
    again = run("export", "rttm", folder, "--out", out)
    assert again.exit_code == 1 and "exists already" in again.error
    assert read_rttm(out).annotations[0].attr("part") == "rec7"  # not overwritten


def test_a_clip_without_sound_or_without_episodes_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InterchangeError, match=r"sound was not analysed.*'none'"):
        export_vocal_rttm(_folder(tmp_path, sound="none"), tmp_path / "x.rttm")
    with pytest.raises(InterchangeError, match=r"holds no episodes\.csv"):
        export_vocal_rttm(tmp_path, tmp_path / "y.rttm")
    assert not (tmp_path / "x.rttm").exists() and not (tmp_path / "y.rttm").exists()
    with pytest.raises(InterchangeError, match="white space"):
        export_vocal_rttm(_folder(tmp_path / "b"), tmp_path / "z.rttm", file_id="a b")
