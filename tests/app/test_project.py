"""The open project: which clips it holds, and the names it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotate.app.project import NotInProjectError, find_clips, open_project
from annotate.coding.clips import DB_NAME


def touch(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"not really a video")
    return path


def test_find_clips_lists_videos_but_not_hidden_folders_or_links_out(tmp_path: Path) -> None:
    root = tmp_path / "project"
    assert find_clips(touch(root / "notes.txt").parent) == []
    touch(root / "b.MP4")
    touch(root / "visit1" / "a.mov")
    touch(root / ".annotate" / "proxies" / "x.mp4")
    touch(root / ".hidden.mp4")
    outside = touch(tmp_path / "elsewhere.mp4")
    (root / "link_out.mp4").symlink_to(outside)
    (root / "link_in.mp4").symlink_to(root / "b.MP4")
    assert find_clips(root) == ["b.MP4", "link_in.mp4", "visit1/a.mov"]


def test_open_a_clip_or_a_folder(tmp_path: Path) -> None:
    clip = touch(tmp_path / "p" / "visit.mp4")
    touch(tmp_path / "p" / "other.mp4")
    one = open_project(clip)
    assert one.clips == ("visit.mp4",) and one.first_clip == "visit.mp4"
    assert one.database == clip.parent.resolve() / DB_NAME
    assert one.cache == clip.parent.resolve() / ".annotate"
    folder = open_project(tmp_path / "p", db=tmp_path / "elsewhere.sqlite")
    assert folder.clips == ("other.mp4", "visit.mp4") and folder.first_clip is None
    assert folder.database == (tmp_path / "elsewhere.sqlite").resolve()


@pytest.mark.parametrize(
    ("target", "words"),
    [("missing", "no such file"), ("empty", "no video files"), ("text.txt", "not a video")],
)
def test_open_refuses_what_is_not_a_project(tmp_path: Path, target: str, words: str) -> None:
    (tmp_path / "empty").mkdir()
    touch(tmp_path / "text.txt")
    with pytest.raises(NotInProjectError, match=words):
        open_project(tmp_path / target)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("", "not a clip name"),
        ("/etc/passwd", "absolute"),
        ("C:/x.mp4", "absolute"),
        ("../x.mp4", "out of the project"),
        ("a/./b.mp4", "out of the project"),
        ("~/x.mp4", "out of the project"),
        ("a\\b.mp4", "not a clip name"),
        ("nul\x00.mp4", "not a clip name"),
        ("other.mp4", "no clip"),
    ],
)
def test_path_of_refuses_names_that_are_not_clips(tmp_path: Path, name: str, words: str) -> None:
    project = open_project(touch(tmp_path / "visit.mp4"))
    with pytest.raises(NotInProjectError, match=words):
        project.path_of(name)
    assert project.path_of("visit.mp4") == tmp_path.resolve() / "visit.mp4"
