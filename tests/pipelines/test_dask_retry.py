"""On a dask cluster, a chunk whose worker dies is run again on another worker."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.manifest import Manifest, ManifestEntry
from pipelines.records import BatchOptions
from pipelines.runner import run_batch
from tests.pipelines.fakes import FakeFactory, grey_clip


@pytest.mark.slow
def test_a_chunk_whose_dask_worker_died_is_retried(tmp_path: Path) -> None:
    from distributed import LocalCluster

    clip = grey_clip(tmp_path / "a.mp4", 8.0)
    manifest = Manifest(tmp_path, (ManifestEntry("a", clip),))
    factory = FakeFactory(fail="die_once", from_s=5.0, marker=tmp_path / "died")
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster:
        options = BatchOptions(chunk_s=4.0, scheduler=cluster.scheduler_address)
        result = run_batch(manifest, tmp_path / "out", options, factory=factory)
    assert (tmp_path / "died").exists()  # a worker did die, in the second chunk
    assert result.outcomes[0].status == "computed" and result.outcomes[0].chunks == 2
