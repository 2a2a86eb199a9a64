"""Manifests (CSV, YAML) and folders: paths, ids, metadata carried, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.errors import ConfigError
from pipelines.manifest import load_manifest, read_batch_input, safe_id, scan_folder


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_manifest_with_metadata_and_extra_columns(tmp_path: Path) -> None:
    text = (
        "\ufeffPath,Kind,dyad,phase,programme,session,EPDS\n"
        "v/a.mp4,,D1,PRE,A1,,12\n"
        "/abs/b.mov,session,,,A1,3,\n"
    )
    manifest = load_manifest(write(tmp_path, "m.csv", text))
    a, b = manifest.entries
    assert a.path == (tmp_path / "v" / "a.mp4").resolve() and a.clip_id == "a"
    assert (a.kind, a.dyad, a.phase, a.programme) == ("clip", "D1", "pre", "A1")
    assert a.metadata()["epds"] == "12" and manifest.extra_columns == ("epds",)
    assert (b.kind, b.session, b.path) == ("session", "3", Path("/abs/b.mov"))


def test_a_yaml_manifest(tmp_path: Path) -> None:
    text = "clips:\n  - {path: a.mp4, id: home-1, dyad: 7, phase: post, fps: all, max_faces: 3}\n"
    (entry,) = load_manifest(write(tmp_path, "m.yaml", text), default_kind="session").entries
    assert (entry.clip_id, entry.dyad, entry.kind, entry.fps, entry.max_faces) == (
        "home-1",
        "7",
        "session",
        "all",
        3,
    )


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("m.csv", "", "the manifest is empty"),
        ("m.csv", "file,kind\na.mp4,clip\n", "no 'path' column"),
        ("m.csv", "path,kind\na.mp4,movie\n", "line 2: kind must be clip or session"),
        ("m.csv", "path,phase\na.mp4,middle\n", "line 2: phase must be pre, post"),
        ("m.csv", "path,fps\na.mp4,fast\n", "line 2: fps must be a number"),
        ("m.csv", "path,max_faces\na.mp4,0\n", "line 2: max-faces must be 1 or more"),
        ("m.csv", "path,id\na.mp4,my clip\n", "id 'my clip' may hold only"),
        ("m.csv", "path\nx/a.mp4\ny/a.mp4\n", "line 3: clip id 'a' is used by line 2"),
        ("m.csv", "path,dyad,phase\na.mp4,D1,pre\nb.mp4,D1,pre\n", "dyad 'D1' has a pre clip"),
        ("m.yaml", "path: a.mp4\n", "expected a list of clips"),
        ("m.txt", "path\n", "a manifest is a .csv, .yaml or .yml"),
    ],
)
def test_a_bad_manifest_is_refused_naming_the_file_and_row(
    tmp_path: Path, name: str, text: str, message: str
) -> None:
    path = write(tmp_path, name, text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_manifest(path)
    assert str(caught.value).startswith(str(path)) and "\n" not in str(caught.value)


def test_a_folder_gives_every_video_with_unique_ids(tmp_path: Path) -> None:
    for relative in ("A1/s1/cam.mp4", "A1/s2/cam.mp4", "home.MOV", ".hidden/x.mp4", "notes.txt"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(b"")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "overlay.mp4").write_bytes(b"")
    manifest = scan_folder(tmp_path, "session", skip=tmp_path / "out")
    assert [e.clip_id for e in manifest.entries] == ["A1__s1__cam", "A1__s2__cam", "home"]
    assert {e.kind for e in manifest.entries} == {"session"}
    assert read_batch_input(tmp_path, skip=tmp_path / "out").entries[2].kind == "clip"


def test_an_empty_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no video files"):
        scan_folder(tmp_path)


@pytest.mark.parametrize(("text", "expected"), [("", "clip"), ("a b", "a_b"), ("é-1.x", "1.x")])
def test_safe_ids(text: str, expected: str) -> None:
    assert safe_id(text) == expected


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("m.csv", "path\nv/a\x00b.mp4\n", "line 2: 'path' holds a NUL character"),
        ("m.yaml", '- path: "v/a\\0b.mp4"\n', "entry 1: 'path' holds a NUL character"),
        ("m.yaml", "- path: [a.mp4, b.mp4]\n", "entry 1: 'path' must be a value, not a list"),
        ("m.csv", 'path\n"' + "x" * 140_000 + '"\n', "a field is longer than 131,072"),
    ],
)
def test_a_nul_in_a_manifest_path_is_refused(
    name: str, text: str, message: str, tmp_path: Path
) -> None:
    """Issue 10: a NUL in a path ended in 'ValueError: embedded null byte'."""
    path = write(tmp_path, name, text)
    with pytest.raises(ConfigError) as info:
        load_manifest(path)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)


def test_the_batch_and_the_analyses_read_one_row_type(tmp_path: Path) -> None:
    from annotate.analysis.study_manifest import read_study_manifest
    from annotate.study.manifest_rows import ManifestRow

    (tmp_path / "m.csv").write_text(
        "path,kind,dyad,phase,programme,fps,max_faces,epds\na.mp4,clip,d1,pre,A1,5,3,12\n"
    )
    batch = load_manifest(tmp_path / "m.csv").entries[0]
    study = read_study_manifest(tmp_path / "m.csv").rows[0]
    assert type(batch) is type(study) is ManifestRow
    assert batch == study  # the same values; only the batch adds its rules (none bite here)
