"""The study manifest as the analysis reads it (the batch manifest's columns), and where a clip's
extraction outputs are found."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.analysis.study_manifest import outputs_folder, read_study_manifest
from annotate.errors import ConfigError


def test_csv_and_yaml_manifests_give_the_same_rows(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text(
        "Path,ID,kind,dyad,phase,programme,session,EPDS\n"
        "a/d1 pre.mp4,,clip,d1,PRE,A1,,12\n"
        "s/a1_2.mp4,a1_s2,session,,,A1,2,\n"
    )
    (tmp_path / "m.yaml").write_text(
        "clips:\n"
        "  - {path: a/d1 pre.mp4, kind: clip, dyad: d1, phase: pre, programme: A1, EPDS: 12}\n"
        "  - {path: s/a1_2.mp4, id: a1_s2, kind: session, programme: A1, session: 2}\n"
    )
    from_csv, from_yaml = (
        read_study_manifest(tmp_path / "m.csv"),
        read_study_manifest(tmp_path / "m.yaml"),
    )
    for manifest in (from_csv, from_yaml):
        clip, session = manifest.rows
        assert clip.path == (tmp_path / "a" / "d1 pre.mp4").resolve()
        assert (clip.clip_id, clip.phase, clip.dyad) == ("d1 pre", "pre", "d1")
        assert dict(clip.extra)["epds"] == "12"
        assert (session.clip_id, session.session) == ("a1_s2", "2")
        assert manifest.sessions() == (session,) and manifest.clips() == (clip,)
    assert from_csv.rows[1].line == "line 3" and from_yaml.rows[1].line == "entry 2"


def test_without_kinds_every_row_is_a_session(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text("path,programme\none.mp4,A1\ntwo.mp4,A1\n")
    assert len(read_study_manifest(tmp_path / "m.csv").sessions()) == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("path\n", "lists no files"),
        ("path,id\na.mp4,x\nb.mp4,x\n", "line 3: id 'x' is used by line 2 too"),
        ("path,kind\na.mp4,party\n", "line 2: kind must be clip or session"),
        ("path,dyad\n,d1\n", "line 2: 'path' is empty"),
    ],
)
def test_malformed_manifests_are_refused(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "m.csv").write_text(text)
    with pytest.raises(ConfigError, match=message):
        read_study_manifest(tmp_path / "m.csv")


def test_a_missing_manifest_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="manifest not found"):
        read_study_manifest(tmp_path / "none.csv")


def test_outputs_are_found_by_id_by_name_or_in_the_folder_itself(tmp_path: Path) -> None:
    (tmp_path / "d1_pre").mkdir()
    (tmp_path / "Clip_2").mkdir()
    assert outputs_folder(tmp_path, "d1_pre") == tmp_path / "d1_pre"
    assert outputs_folder(tmp_path, "x", stem="Clip (2)") == tmp_path / "Clip_2"  # cleaned stem
    assert outputs_folder(tmp_path, "d9") is None
    (tmp_path / "summary.json").write_text("{}")
    # a folder that is itself one clip's outputs serves one recording, never a manifest's rows
    assert outputs_folder(tmp_path, "d9", itself=True) == tmp_path
    assert outputs_folder(tmp_path, "d9") is None
