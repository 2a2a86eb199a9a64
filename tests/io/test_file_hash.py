"""A video is hashed once per version of the file: remembered by (resolved path, size,
modification time in ns) in a JSON file written atomically; a changed file is read again."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from annotate.errors import VideoError
from annotate.io import file_hash
from annotate.io.file_hash import HASH_CACHE_ENV, HashCache, file_sha256, read_sha256
from annotate.media.video import probe
from tests.helpers import grey_frames, write_video


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every whole-file read of the hashing, in order."""
    seen: list[Path] = []

    def counted(path: Path) -> str:
        seen.append(path)
        return read_sha256(path)

    monkeypatch.setattr(file_hash, "read_sha256", counted)
    return seen


@pytest.fixture
def cache_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache" / "hashes.json"
    monkeypatch.setenv(HASH_CACHE_ENV, str(path))
    return path


def test_the_same_file_is_read_once_and_a_changed_one_again(
    tmp_path: Path, cache_file: Path, reads: list[Path]
) -> None:
    video = tmp_path / "v.mp4"
    video.write_bytes(b"one")
    first = file_sha256(video)
    assert first == read_sha256(video) and len(reads) == 1
    assert file_sha256(video) == first and len(reads) == 1  # a cache hit: not read again
    assert cache_file.is_file()
    assert not [p for p in cache_file.parent.iterdir() if p.name != "hashes.json"]  # no temp
    stat = video.stat()
    os.utime(video, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # touched
    assert file_sha256(video) == first and len(reads) == 2
    video.write_bytes(b"two")  # same size, new content
    os.utime(video, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    second = file_sha256(video)
    assert second != first and second == read_sha256(video) and len(reads) == 3
    video.write_bytes(b"three!")  # another size
    assert file_sha256(video) not in (first, second) and len(reads) == 4


def test_hashes_are_remembered_until_the_file_changes(tmp_path: Path) -> None:
    video = tmp_path / "v.mp4"
    video.write_bytes(b"one")
    cache = HashCache(tmp_path / "out" / "hashes.json")
    first = cache.sha256(video)
    cache.save()
    known = json.loads(cache.path.read_text())
    known[str(video.resolve())]["sha256"] = "remembered"
    cache.path.write_text(json.dumps(known))
    assert HashCache(cache.path).sha256(video) == "remembered"  # not read again
    video.write_bytes(b"two!")
    assert HashCache(cache.path).sha256(video) not in (first, "remembered")


def test_a_damaged_hash_cache_is_only_a_slower_run(tmp_path: Path) -> None:
    (tmp_path / "hashes.json").write_text("{half")
    video = tmp_path / "v.mp4"
    video.write_bytes(b"x")
    cache = HashCache(tmp_path / "hashes.json")
    assert len(cache.sha256(video)) == 64
    cache.save()
    assert str(video.resolve()) in json.loads((tmp_path / "hashes.json").read_text())


def test_entries_of_files_that_are_gone_are_dropped(tmp_path: Path) -> None:
    gone, kept = tmp_path / "gone.mp4", tmp_path / "kept.mp4"
    gone.write_bytes(b"a")
    kept.write_bytes(b"b")
    cache = HashCache(tmp_path / "hashes.json")
    cache.sha256(gone)
    cache.save()
    gone.unlink()
    cache = HashCache(tmp_path / "hashes.json")
    cache.sha256(kept)
    cache.save()
    assert list(json.loads((tmp_path / "hashes.json").read_text())) == [str(kept.resolve())]


def test_a_clip_probed_twice_is_read_once(
    tmp_path: Path, cache_file: Path, reads: list[Path]
) -> None:
    clip = write_video(tmp_path / "clip.mp4", grey_frames(10), 10.0)
    first, second = probe(clip), probe(clip)
    assert first.sha256 == second.sha256 == read_sha256(clip)
    assert len(reads) == 1


def test_a_file_that_cannot_be_read_is_a_video_error_naming_it(tmp_path: Path) -> None:
    cache = HashCache(tmp_path / "hashes.json")
    with pytest.raises(VideoError, match=r"missing\.mp4: cannot be read \(No such file"):
        cache.sha256(tmp_path / "missing.mp4")
    (tmp_path / "folder").mkdir()
    with pytest.raises(VideoError, match=r"folder: cannot be read \(Is a directory"):
        file_sha256(tmp_path / "folder", cache)


def test_a_clip_that_cannot_be_hashed_is_a_video_error_from_probe(
    tmp_path: Path, cache_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clip = write_video(tmp_path / "clip.mp4", grey_frames(10), 10.0)

    def refused(path: Path) -> str:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(file_hash, "read_sha256", refused)
    with pytest.raises(VideoError, match=r"clip\.mp4: cannot be read \(Permission denied\)"):
        probe(clip)
