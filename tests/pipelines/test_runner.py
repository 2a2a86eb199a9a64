"""The runner around a fake landmarker: cache, chunks kept and joined, errors, retries, lock."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from annotate import models
from annotate.config import FeatureConfig
from annotate.errors import OutputError
from annotate.io import file_hash
from annotate.models import FACE_MODEL_SHA256, extraction_models
from pipelines import jobs
from pipelines.cache import batch_lock
from pipelines.dataset import read_features
from pipelines.manifest import SESSION, Manifest, ManifestEntry
from pipelines.records import BatchHooks, BatchOptions, ClipOutcome, clip_config
from pipelines.runner import run_batch
from tests.pipelines.fakes import FakeFactory, grey_clip


def manifest_of(*clips: Path, kind: str = "clip") -> Manifest:
    entries = tuple(ManifestEntry(p.stem, p, kind, line=f"line {k}") for k, p in enumerate(clips))
    return Manifest(clips[0].parent, entries)


@pytest.fixture
def clips(tmp_path: Path) -> list[Path]:
    return [grey_clip(tmp_path / "a.mp4", 4.0), grey_clip(tmp_path / "b.mp4", 6.0)]


def calls(folder: Path) -> int:
    return len(list(folder.iterdir())) if folder.is_dir() else 0


def test_a_second_run_computes_nothing(tmp_path: Path, clips: list[Path]) -> None:
    out, counter = tmp_path / "out", tmp_path / "calls"
    seen: list[ClipOutcome] = []
    first = run_batch(
        manifest_of(*clips),
        out,
        BatchOptions(workers=1),
        factory=FakeFactory(counter),
        hooks=BatchHooks(clip=seen.append),
    )
    assert [o.status for o in first.outcomes] == ["computed", "computed"]
    assert sorted(o.clip_id for o in seen) == ["a", "b"]
    assert calls(counter) == 2
    table = read_features(out)
    assert set(table["clip_id"]) == {"a", "b"} and len(table) == 2 * (40 + 60)
    again = run_batch(
        manifest_of(*clips), out, BatchOptions(workers=1), factory=FakeFactory(counter)
    )
    assert [o.status for o in again.outcomes] == ["cached", "cached"]
    assert calls(counter) == 2  # no landmarker made: nothing computed
    pd.testing.assert_frame_equal(read_features(out), table)


def test_a_changed_setting_recomputes(tmp_path: Path, clips: list[Path]) -> None:
    out, counter = tmp_path / "out", tmp_path / "calls"
    run_batch(manifest_of(clips[0]), out, BatchOptions(workers=1), factory=FakeFactory(counter))
    again = run_batch(
        manifest_of(clips[0]), out, BatchOptions(workers=1, fps="5"), factory=FakeFactory(counter)
    )
    assert again.outcomes[0].status == "computed" and calls(counter) == 2
    assert read_features(out)["frame"].nunique() == 20  # 4 s at 5 per second


def test_a_clip_that_cannot_be_read_is_recorded_and_the_batch_goes_on(
    tmp_path: Path, clips: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = file_hash.read_sha256

    def refused(path: Path) -> str:
        if path.name == "a.mp4":
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(file_hash, "read_sha256", refused)
    monkeypatch.setenv(file_hash.HASH_CACHE_ENV, str(tmp_path / "hashes.json"))
    missing = tmp_path / "missing.mp4"
    out = tmp_path / "out"
    result = run_batch(
        manifest_of(*clips, missing), out, BatchOptions(workers=1), factory=FakeFactory()
    )
    assert [o.status for o in result.outcomes] == ["error", "computed", "error"]
    errors = pd.read_csv(out / "errors.csv").set_index("clip_id")
    assert errors.loc["a", "error"] == errors.loc["missing", "error"] == "VideoError"
    assert errors.loc["a", "message"] == f"{clips[0]}: cannot be read (Permission denied)"
    assert errors.loc["missing", "message"] == f"{missing}: file not found"


def test_a_changed_second_look_model_recomputes(
    tmp_path: Path, clips: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, counter = tmp_path / "out", tmp_path / "calls"
    run_batch(manifest_of(clips[0]), out, BatchOptions(workers=1), factory=FakeFactory(counter))
    provenance = json.loads((out / "clips" / "a" / "provenance.json").read_text())
    assert provenance["models"] == extraction_models(FACE_MODEL_SHA256, second_look=True)
    monkeypatch.setattr(models, "FACE_MESH", replace(models.FACE_MESH, sha256="0" * 64))
    again = run_batch(
        manifest_of(clips[0]), out, BatchOptions(workers=1), factory=FakeFactory(counter)
    )
    assert again.outcomes[0].status == "computed" and calls(counter) == 2
    provenance = json.loads((out / "clips" / "a" / "provenance.json").read_text())
    assert provenance["models"][models.FACE_MESH.name] == "0" * 64


def test_chunks_joined_give_the_unchunked_table(tmp_path: Path) -> None:
    clip = grey_clip(tmp_path / "long.mp4", 12.0)
    whole = run_batch(
        manifest_of(clip), tmp_path / "whole", BatchOptions(workers=1), factory=FakeFactory()
    )
    chunked = run_batch(
        manifest_of(clip),
        tmp_path / "chunked",
        BatchOptions(workers=1, chunk_s=4.0),
        factory=FakeFactory(),
    )
    assert whole.outcomes[0].chunks == 1 and chunked.outcomes[0].chunks == 3
    pd.testing.assert_frame_equal(
        read_features(tmp_path / "chunked"), read_features(tmp_path / "whole")
    )
    assert not any((tmp_path / "chunked" / ".work").rglob("*.pkl"))  # chunks dropped when done


def test_kept_chunks_are_not_tracked_again(tmp_path: Path) -> None:
    clip = grey_clip(tmp_path / "long.mp4", 12.0)
    out, counter = tmp_path / "out", tmp_path / "calls"
    options = BatchOptions(workers=1, chunk_s=4.0)
    broken = FakeFactory(counter, fail="video", from_s=8.0)
    first = run_batch(manifest_of(clip), out, options, factory=broken)
    assert first.outcomes[0].status == "error" and first.outcomes[0].stage == "chunk"
    kept = list((out / ".work").rglob("*.pkl"))
    assert len(kept) == 2  # the chunks before 8 s
    errors = pd.read_csv(out / "errors.csv")
    assert errors["stage"].tolist() == ["chunk"] and "fake failure" in errors["message"][0]
    again = run_batch(manifest_of(clip), out, options, factory=FakeFactory(counter))
    assert again.outcomes[0].status == "computed"
    assert calls(counter) == 3 + 1  # three chunks first, then only the missing one
    assert pd.read_csv(out / "errors.csv").empty


def test_a_bug_stops_the_batch_with_its_traceback(
    tmp_path: Path, clips: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception that is no AnnotateError is a bug in this code: not recorded as the clip's
    error, but raised; what was finished stays finished and the next run resumes."""
    out = tmp_path / "out"
    real = jobs.track_faces

    def planted(info: Any, *args: Any, **kwargs: Any) -> Any:
        if info.clip_id == "b":
            raise KeyError("a planted bug")
        return real(info, *args, **kwargs)

    monkeypatch.setattr(jobs, "track_faces", planted)
    seen: list[ClipOutcome] = []
    with pytest.raises(KeyError, match="a planted bug"):
        run_batch(
            manifest_of(*clips),
            out,
            BatchOptions(workers=1),
            factory=FakeFactory(),
            hooks=BatchHooks(clip=seen.append),
        )
    assert not any(o.status == "error" for o in seen)  # b's bug is no clip's error
    assert not (out / "errors.csv").exists()
    assert len(list((out / ".work").rglob("*.pkl"))) == 1  # a's chunk, finished before the bug
    monkeypatch.setattr(jobs, "track_faces", real)
    again = run_batch(manifest_of(*clips), out, BatchOptions(workers=1), factory=FakeFactory())
    assert [o.status for o in again.outcomes] == ["computed", "computed"]


def test_a_bug_in_a_worker_process_stops_the_batch(tmp_path: Path, clips: list[Path]) -> None:
    with pytest.raises(KeyError, match="a planted bug"):
        run_batch(
            manifest_of(*clips),
            tmp_path / "out",
            BatchOptions(workers=2),
            factory=FakeFactory(fail="bug", from_s=5.0),  # b is 6 s long
        )
    assert not (tmp_path / "out" / "errors.csv").exists()


def test_a_dead_worker_is_replaced_and_its_job_retried(tmp_path: Path, clips: list[Path]) -> None:
    notes: list[str] = []
    factory = FakeFactory(fail="die_once", marker=tmp_path / "died")
    result = run_batch(
        manifest_of(*clips),
        tmp_path / "out",
        BatchOptions(workers=2),
        factory=factory,
        hooks=BatchHooks(note=notes.append),
    )
    assert (tmp_path / "died").exists()
    assert [o.status for o in result.outcomes] == ["computed", "computed"]
    assert any("trying again" in n for n in notes)
    assert len(result.worker_peak_rss_mb) >= 1


def test_a_second_batch_on_the_same_folder_is_refused(tmp_path: Path, clips: list[Path]) -> None:
    out = tmp_path / "out"
    with batch_lock(out), pytest.raises(OutputError, match="another batch is running"):
        run_batch(manifest_of(*clips), out, BatchOptions(workers=1), factory=FakeFactory())
    run_batch(
        manifest_of(*clips), out, BatchOptions(workers=1), factory=FakeFactory()
    )  # free again


def test_half_written_leftovers_are_cleared_and_never_taken_as_done(
    tmp_path: Path, clips: list[Path]
) -> None:
    out = tmp_path / "out"
    stage = out / "clips" / ".a.partial-x1"
    stage.mkdir(parents=True)
    (stage / "features.parquet").write_bytes(b"half")
    (out / "clips" / "a").mkdir()
    (out / "clips" / "a" / "features.parquet").write_bytes(b"half")  # no provenance.json
    (out / ".clips.csv.123.tmp").write_text("half")
    result = run_batch(manifest_of(clips[0]), out, BatchOptions(workers=1), factory=FakeFactory())
    assert result.outcomes[0].status == "computed"
    assert not stage.exists() and not (out / ".clips.csv.123.tmp").exists()


@pytest.mark.parametrize(
    ("kind", "options", "row", "expected"),
    [
        ("clip", {}, {}, (10.0, 2)),
        (SESSION, {}, {}, (2.0, 40)),
        (SESSION, {"fps": "1", "max_faces": 30}, {}, (1.0, 30)),
        (SESSION, {"fps": "1"}, {"fps": "all", "max_faces": 12}, (None, 12)),
    ],
)
def test_settings_by_kind_then_command_line_then_row(
    kind: str,
    options: dict[str, object],
    row: dict[str, object],
    expected: tuple[float | None, int],
) -> None:
    entry = ManifestEntry("x", Path("x.mp4"), kind, **row)  # type: ignore[arg-type]
    config = clip_config(FeatureConfig(), entry, BatchOptions(workers=1, **options))  # type: ignore[arg-type]
    assert (config.sampling.fps, config.faces.max_faces) == expected


def test_chunks_kept_for_other_settings_are_dropped(tmp_path: Path) -> None:
    clip = grey_clip(tmp_path / "long.mp4", 12.0)
    out = tmp_path / "out"
    broken = FakeFactory(fail="video", from_s=8.0)
    run_batch(manifest_of(clip), out, BatchOptions(workers=1, chunk_s=4.0), factory=broken)
    assert len(list((out / ".work").rglob("*.pkl"))) == 2
    run_batch(manifest_of(clip), out, BatchOptions(workers=1, chunk_s=6.0), factory=broken)
    kept = sorted(p.name.rsplit("-", 2)[1] for p in (out / ".work").rglob("*.pkl"))
    assert kept == ["0"]  # the 0-6 s chunk of this run; the 4 s chunks are gone
