"""What a batch keeps between runs: hashes, finished results, kept chunks, the lock."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from annotate.errors import OutputError
from annotate.extract.features import TrackedStretch
from annotate.io.atomic import write_bytes
from pipelines.cache import (
    batch_lock,
    chunk_file,
    load_chunk,
    result_state,
    save_chunk,
)


def test_the_lock_refuses_a_second_holder_and_frees_on_exit(tmp_path: Path) -> None:
    with batch_lock(tmp_path) as lock:
        assert lock.read_text() == str(os.getpid())
        with pytest.raises(OutputError, match=f"process {os.getpid()}"), batch_lock(tmp_path):
            pass
    with batch_lock(tmp_path):
        pass


@pytest.mark.parametrize(
    ("provenance", "expected"),
    [
        (None, "missing"),
        ("{half", "stale"),
        ({"video": {"sha256": "v"}, "config_hash": "c", "model_sha256": "m"}, "finished"),
        ({"video": {"sha256": "v"}, "config_hash": "other", "model_sha256": "m"}, "stale"),
        ({"video": {"sha256": "w"}, "config_hash": "c", "model_sha256": "m"}, "stale"),
    ],
)
def test_result_state(tmp_path: Path, provenance: object, expected: str) -> None:
    if provenance is not None:
        text = provenance if isinstance(provenance, str) else json.dumps(provenance)
        (tmp_path / "provenance.json").write_text(text)
    assert result_state(tmp_path, "v", "c", "m") == expected


def test_kept_chunks_round_trip_and_name_their_edges(tmp_path: Path) -> None:
    stretch = TrackedStretch(4.98, None, [(125, 5.0)], [], 10, "cpu", 1.5)
    path = chunk_file(tmp_path, "k" * 16, 4.98, None)
    assert path.name == f"chunk-{'k' * 16}-4980-end.pkl"
    save_chunk(path, stretch)
    assert load_chunk(path) == stretch
    path.write_bytes(b"half")
    with pytest.raises(OutputError, match="delete it to redo it"):
        load_chunk(path)


def test_an_interrupted_write_leaves_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "clips.csv"
    target.write_text("old")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt  # Ctrl-C after the bytes, before the rename

    with monkeypatch.context() as patch:
        patch.setattr("annotate.io.atomic.os.fsync", interrupted)
        with pytest.raises(KeyboardInterrupt):
            write_bytes(target, b"new", force=True)
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["clips.csv"]
    write_bytes(target, b"new", force=True)
    assert target.read_text() == "new" and target.stat().st_mode & 0o044  # readable by others
