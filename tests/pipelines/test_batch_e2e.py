"""Batches with the real landmarker on real frames: errors recorded, nothing computed twice,
kill -9 and resume, chunked against unchunked, a dask LocalCluster against the local pool."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from annotate.columns import BLENDSHAPE_NAMES as BLENDSHAPES
from annotate.extract.chunks import plan_chunks
from annotate.media.video import probe
from pipelines.dataset import read_features
from pipelines.manifest import load_manifest
from pipelines.records import BatchOptions, BatchResult
from pipelines.runner import run_batch
from tests.conftest import REPO, SAMPLES

pytestmark = pytest.mark.slow
OPTIONS = BatchOptions(workers=2, chunk_s=8.0)  # dyad_play in two chunks: stitched at 8 s


@pytest.fixture(scope="module")
def manifest_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("batch")
    (folder / "corrupt.mp4").write_bytes(os.urandom(20_000))
    rows = [
        "path,kind,dyad,phase,programme,room",
        f"{SAMPLES / 'dyad_play.mp4'},clip,D1,pre,A1,hall",
        f"{SAMPLES / 'dyad_cross.mp4'},clip,D1,post,A1,kitchen",
        "corrupt.mp4,clip,D2,pre,A2,hall",
        "missing.mp4,clip,D2,post,A2,hall",
    ]
    (folder / "manifest.csv").write_text("\n".join(rows) + "\n")
    return folder / "manifest.csv"


@pytest.fixture(scope="module")
def pool_run(manifest_path: Path, face_model: Path) -> BatchResult:
    return run_batch(load_manifest(manifest_path), manifest_path.parent / "pool", OPTIONS)


def assert_same_dataset(a: Path, b: Path) -> None:
    pd.testing.assert_frame_equal(read_features(a), read_features(b))
    for name in ("clips.csv", "prepost.csv", "errors.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(a / name), pd.read_csv(b / name), obj=name)


def test_errors_are_recorded_and_a_second_run_computes_nothing(
    pool_run: BatchResult, manifest_path: Path
) -> None:
    out = pool_run.out
    assert [o.status for o in pool_run.outcomes] == ["computed", "computed", "error", "error"]
    assert pool_run.outcomes[0].chunks == 2
    errors = pd.read_csv(out / "errors.csv")
    assert errors["clip_id"].tolist() == ["corrupt", "missing"]
    assert errors["message"].str.contains("cannot be opened as a video").tolist() == [True, False]
    assert "file not found" in errors["message"][1]
    clips = pd.read_csv(out / "clips.csv")
    assert set(clips["role"]) == {"mother", "infant", "dyad"} and set(clips["room"]) == {
        "hall",
        "kitchen",
    }
    prepost = pd.read_csv(out / "prepost.csv")
    assert prepost["dyad"].tolist() == ["D1"]
    assert prepost["pre_clip"][0] == "dyad_play" and prepost["post_clip"][0] == "dyad_cross"
    change = prepost["mutual_gaze_share_post"] - prepost["mutual_gaze_share_pre"]
    assert prepost["mutual_gaze_share_change"][0] == pytest.approx(change[0])
    report = (out / "report.txt").read_text().splitlines()
    assert len([line for line in report if line.startswith(("dyad_", "corrupt", "missing"))]) == 4
    features = read_features(out)
    assert set(features["clip_id"]) == {"dyad_play", "dyad_cross"}
    own = pd.read_parquet(out / "clips" / "dyad_play" / "features.parquet")
    assert [c[3:] for c in own.columns if c.startswith("bs_")] == list(BLENDSHAPES)
    stamps = {p: p.stat().st_mtime_ns for p in (out / "clips").rglob("*") if p.is_file()}
    again = run_batch(load_manifest(manifest_path), out, OPTIONS)
    assert [o.status for o in again.outcomes] == ["cached", "cached", "error", "error"]
    assert again.pool == "nothing to compute" and again.frames_decoded == 0
    assert stamps == {p: p.stat().st_mtime_ns for p in (out / "clips").rglob("*") if p.is_file()}
    assert_same_dataset(out, again.out)


def test_a_batch_killed_mid_way_resumes_to_the_same_dataset(
    pool_run: BatchResult, manifest_path: Path
) -> None:
    out = manifest_path.parent / "killed"
    code = (
        "from pathlib import Path\n"
        "from pipelines.manifest import load_manifest\n"
        "from pipelines.records import BatchOptions\n"
        "from pipelines.runner import run_batch\n"
        f"run_batch(load_manifest(Path({str(manifest_path)!r})), Path({str(out)!r}),"
        " BatchOptions(workers=2, chunk_s=8.0))\n"
    )
    process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, start_new_session=True)
    deadline = time.monotonic() + 120
    while not list(out.glob("clips/*/provenance.json")) and time.monotonic() < deadline:
        assert process.poll() is None, "the batch ended before it could be killed"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)  # the batch and its workers, as a power cut would
    process.wait()
    assert not (out / "report.txt").exists()  # it did not get to the end
    resumed = run_batch(load_manifest(manifest_path), out, OPTIONS)
    assert sorted(o.status for o in resumed.outcomes) == ["cached", "computed", "error", "error"]
    assert_same_dataset(pool_run.out, out)
    assert not list((out / "clips").glob(".*partial*"))


def test_a_dask_local_cluster_gives_the_local_pools_dataset(
    pool_run: BatchResult, manifest_path: Path
) -> None:
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        options = BatchOptions(chunk_s=8.0, scheduler=cluster.scheduler_address)
        result = run_batch(load_manifest(manifest_path), manifest_path.parent / "dask", options)
    assert "dask cluster" in result.pool
    assert [o.status for o in result.outcomes] == ["computed", "computed", "error", "error"]
    assert_same_dataset(pool_run.out, result.out)


def test_chunked_and_unchunked_episodes_agree_within_a_sample_at_the_edges(
    long_clip: Path, tmp_path: Path, face_model: Path
) -> None:
    from pipelines.manifest import Manifest, ManifestEntry

    manifest = Manifest(long_clip.parent, (ManifestEntry("long", long_clip),))
    whole = run_batch(manifest, tmp_path / "whole", BatchOptions(workers=1))
    chunked = run_batch(manifest, tmp_path / "chunked", BatchOptions(workers=2, chunk_s=10.0))
    assert whole.outcomes[0].chunks == 1 and chunked.outcomes[0].chunks == 3
    edges = [
        e
        for _, e in plan_chunks(probe(long_clip), 10.0, 1, chunk_s=10.0, min_chunk_s=10.0)[:-1]
        if e
    ]
    a = pd.read_csv(tmp_path / "whole" / "clips" / "long" / "episodes.csv")
    b = pd.read_csv(tmp_path / "chunked" / "clips" / "long" / "episodes.csv")
    assert len(a) > 5
    step = 0.1 + 1e-6
    for (kind, role), mine in a.groupby(["kind", "role"]):
        theirs = b[(b["kind"] == kind) & (b["role"] == role)]
        assert len(mine) == len(theirs), (kind, role)
        for column in ("start", "end"):
            for x, y in zip(mine[column], theirs[column], strict=True):
                near_edge = min(abs(x - e) for e in edges) <= step
                assert abs(x - y) <= (step if near_edge else 1e-6), (kind, role, column, x, y)
