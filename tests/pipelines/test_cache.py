"""What a batch keeps between runs: hashes, finished results, kept chunks, the lock."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from annotate import models
from annotate.errors import OutputError
from annotate.extract.features import TrackedStretch
from annotate.io.atomic import write_bytes
from annotate.models import (
    FACE_MESH,
    FACE_MODEL_NAME,
    FACE_MODEL_SHA256,
    FULL_RANGE_DETECTOR,
    extraction_models,
)
from pipelines.cache import (
    batch_lock,
    chunk_file,
    load_chunk,
    result_key,
    result_state,
    save_chunk,
)

MODELS = {"face": "f", "mesh": "m"}


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
        ({"video": {"sha256": "v"}, "config_hash": "c", "models": MODELS}, "finished"),
        ({"video": {"sha256": "v"}, "config_hash": "other", "models": MODELS}, "stale"),
        ({"video": {"sha256": "w"}, "config_hash": "c", "models": MODELS}, "stale"),
        ({"video": {"sha256": "v"}, "config_hash": "c", "models": {"face": "f"}}, "stale"),
        ({"video": {"sha256": "v"}, "config_hash": "c", "model_sha256": "f"}, "stale"),  # old
    ],
)
def test_result_state(tmp_path: Path, provenance: object, expected: str) -> None:
    if provenance is not None:
        text = provenance if isinstance(provenance, str) else json.dumps(provenance)
        (tmp_path / "provenance.json").write_text(text)
    assert result_state(tmp_path, "v", "c", MODELS) == expected


def test_the_key_holds_every_model_s_sha256(monkeypatch: pytest.MonkeyPatch) -> None:
    used = extraction_models(FACE_MODEL_SHA256, second_look=True)
    assert set(used) == {FACE_MODEL_NAME, FULL_RANGE_DETECTOR.name, FACE_MESH.name}
    key = result_key("v", "c", used)
    assert result_key("v", "c", dict(reversed(list(used.items())))) == key  # order is no matter
    for attribute in ("FULL_RANGE_DETECTOR", "FACE_MESH"):  # a second-look model changed
        model = getattr(models, attribute)
        monkeypatch.setattr(models, attribute, replace(model, sha256="0" * 64))
        changed = extraction_models(FACE_MODEL_SHA256, second_look=True)
        assert changed[model.name] == "0" * 64 and result_key("v", "c", changed) != key
        monkeypatch.undo()
    assert result_key("v", "c", {**used, FACE_MODEL_NAME: "1" * 64}) != key
    without = extraction_models(FACE_MODEL_SHA256, second_look=False)
    assert list(without) == [FACE_MODEL_NAME] and result_key("v", "c", without) != key


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
